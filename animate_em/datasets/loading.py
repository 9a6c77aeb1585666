"""Read a data matrix from a delimited text file or a ``.npy`` file.

Every problem a user can cause (a missing file, a stray word in a number
column, NaN values, ragged rows ...) raises :class:`~animate_em.errors.UserError`
with one line that says what is wrong and where, so the command line can
print it without a traceback.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Sequence

import numpy as np

from animate_em.errors import UserError
from animate_em.untrusted import available_memory, read_bounded, size_text

# Sniffing order matters: a semicolon file may use decimal commas and a tab
# file may contain stray spaces, so the rarer delimiters are tried first.
_DELIMITERS = (("\t", "tsv"), (";", "semicolon"), (",", "csv"))
_SNIFF_LINES = 20
# A value like "1,5" in a semicolon file is a decimal comma, not a word; it
# gets its own hint instead of a bare "non-numeric value".
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?", re.ASCII)


def load_data(path, columns: Sequence[str | int] | None = None):
    """Load an (n_samples, n_features) float matrix from a file.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.npy`` file (a 2-D numeric array) or a delimited text file:
        comma, tab, semicolon or whitespace separated, with or without a
        header row. Blank lines and lines starting with ``#`` are skipped.
    columns : sequence of str or int, optional
        Columns to keep, by header name or 0-based index, in the order
        given. Only these must be numeric, so a text column (labels, ids)
        can be skipped. Default: all columns.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The data as float64, every value finite.
    meta : dict
        ``path``, ``columns`` (names of the kept columns), ``n_samples``,
        ``n_features``, ``sha256`` (of the file bytes), ``format`` (one of
        ``npy``, ``csv``, ``tsv``, ``semicolon``, ``whitespace``),
        ``header`` (whether the first row was read as column names),
        ``indices`` (0-based file columns of the kept columns) and ``notes``
        (lines worth telling the user, such as a skipped row-index column).

    Notes
    -----
    Without ``columns``, a first column that has no name in the header and
    holds increasing whole numbers (the index pandas' ``to_csv`` writes) is a
    row index, not data: it is skipped and a line in ``notes`` says so.

    Raises
    ------
    UserError
        If the file is missing or unreadable, empty, has ragged rows, fewer
        than 2 rows, non-numeric (including ``1_0`` or decimal commas), NaN
        or infinite values in a kept column, or if a requested column does
        not exist.
    """
    path = os.fspath(path)
    raw = _read_bytes(path)
    notes = []
    if path.lower().endswith(".npy"):
        values, names, fmt, header, rows = _parse_npy(raw, path)
        keep = _select_columns(names, columns, path)
        values = values[:, keep]
    else:
        table, names, fmt, header, rows = _parse_text(raw, path)
        # Only the selected columns have to be numeric: a file may carry a
        # text column (labels, ids) that the user skips with ``columns``.
        keep = _select_columns(names, columns, path)
        if columns is None and _is_row_index(table, names, header):
            keep = keep[1:]
            notes.append(f"{path}: column 1 has no name and counts the rows: read as a row index "
                         "(as pandas' to_csv writes it) and skipped; --columns chooses columns")
        values = _to_matrix(table, names, keep, rows, path)
    _check_finite(values, names, keep, rows, path)
    if values.shape[0] < 2:
        raise UserError(f"{path}: need at least 2 data rows, found {values.shape[0]}")
    X = np.ascontiguousarray(values, dtype=float)
    meta = {
        "path": path,
        "columns": [names[j] for j in keep],
        "n_samples": int(X.shape[0]),
        "n_features": int(X.shape[1]),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "format": fmt,
        "header": header,
        "indices": [int(j) for j in keep],
        "notes": notes,
    }
    return X, meta


def _is_row_index(table, names: list[str], header: bool) -> bool:
    """Whether the first column is a row index: unnamed in the header, whole numbers that only go up.

    pandas' ``to_csv`` writes the index first with an empty name (read back and
    written again it is ``Unnamed: 0``); a filtered frame's index has gaps.
    """
    if not header or len(names) < 2 or not (names[0] == "x0" or names[0].startswith("Unnamed: ")):
        return False
    fields = [fields[0] for fields in table]
    if not all(field.isascii() and field.isdigit() for field in fields):
        return False
    counts = [int(field) for field in fields]
    return all(b > a for a, b in zip(counts, counts[1:]))


def _read_bytes(path: str) -> bytes:
    # Parsing holds about this many bytes per byte of file (measured: 13 for CSV, 7 for .npy).
    per_byte = 8 if path.lower().endswith(".npy") else 16
    memory = available_memory()
    limit = None if memory is None else memory // per_byte
    raw = read_bounded(path, "data file", limit,
                       why=f"reading it needs more than the {size_text(memory or 0)} of memory available")
    if not raw.strip():
        raise UserError(f"{path} is empty")
    return raw


# --- .npy -------------------------------------------------------------------

def _parse_npy(raw: bytes, path: str):
    _check_npy_header(raw, path)
    try:
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except ValueError as error:
        if "max_header_size" in str(error):
            raise UserError(f"{path} is not a valid .npy file (its header is larger than a data array "
                            "needs)") from None
        if "allow_pickle" in str(error) or "object" in str(error).lower():
            raise UserError(
                f"{path} holds an object array; save a 2-D numeric array instead"
            ) from None
        raise UserError(f"{path} is not a valid .npy file ({error})") from None
    except (OSError, EOFError) as error:
        raise UserError(f"{path} is not a valid .npy file ({error})") from None
    if not isinstance(array, np.ndarray):
        raise UserError(f"{path} is not a single .npy array")
    if array.dtype.kind not in "biuf":
        raise UserError(
            f"{path} holds a {array.dtype} array; save a 2-D numeric array instead"
        )
    if array.ndim != 2:
        raise UserError(
            f"{path} holds a {array.ndim}-D array of shape {array.shape}; "
            "expected 2-D (n_samples, n_features)"
        )
    if array.shape[1] == 0:
        raise UserError(f"{path} holds an array with no columns")
    names = [f"x{j}" for j in range(array.shape[1])]
    # Rows are reported 1-based, the way a person counts them.
    rows = [f"row {i}" for i in range(1, array.shape[0] + 1)]
    return array.astype(float), names, "npy", False, rows


def _check_npy_header(raw: bytes, path: str) -> None:
    """The shape a .npy header declares must match the bytes that follow it.

    NumPy allocates the declared shape before reading: a 100-byte file that
    claims 10**12 rows would ask for terabytes.
    """
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:
            return
        shape, _, dtype = read_header(stream)
    except (ValueError, EOFError, OSError, SyntaxError, TypeError):
        return  # np.load names what is wrong with the header
    if dtype.hasobject or not all(isinstance(n, int) and n >= 0 for n in shape):
        return
    needed = dtype.itemsize * int(np.prod(shape, dtype=object))
    if needed != len(raw) - stream.tell():
        raise UserError(f"{path} is not a valid .npy file: its header declares shape {shape} "
                        f"({needed} bytes of data) but {len(raw) - stream.tell()} bytes follow")


# --- delimited text -----------------------------------------------------------

def _parse_text(raw: bytes, path: str):
    """Split a text file into a rectangular table of field strings."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(
            f"{path} is neither UTF-8 text nor a .npy file; "
            "give a CSV/TSV text file or a .npy array"
        ) from None
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise UserError(f"{path} is empty (no data rows)")
    delimiter, fmt = _sniff([line for _, line in lines[:_SNIFF_LINES]])
    rows = [(number, _split(line, delimiter)) for number, line in lines]

    first_number, first = rows[0]
    # A row of decimal-comma numbers is data with a bad separator, not names.
    header = all(
        _to_float(field) is None and not _DECIMAL_COMMA.fullmatch(field) for field in first
    )
    if header:
        names = [field or f"x{j}" for j, field in enumerate(first)]
        rows = rows[1:]
    else:
        names = [f"x{j}" for j in range(len(first))]
    if not rows:
        raise UserError(f"{path} has a header but no data rows")

    n_columns = len(names)
    for number, fields in rows:
        if len(fields) != n_columns:
            like = "the header" if header else f"line {first_number}"
            raise UserError(
                f"{path}: line {number} has {_count(len(fields), 'value')}, expected "
                f"{n_columns} as in {like} (ragged rows)"
            )
    table = [fields for _, fields in rows]
    return table, names, fmt, header, [f"line {number}" for number, _ in rows]


def _to_matrix(table, names, keep, rows, path) -> np.ndarray:
    """The kept columns of ``table`` as floats; the first bad cell is an error."""
    values = np.empty((len(table), len(keep)))
    for i, fields in enumerate(table):
        for out, j in enumerate(keep):
            value = _to_float(fields[j])
            if value is None:
                raise UserError(_bad_cell(table, names, keep, rows, path, i, j))
            values[i, out] = value
    return values


def _bad_cell(table, names, keep, rows, path, i, j) -> str:
    field = table[i][j]
    where = f"in {rows[i]}, column {_column_label(names, j)}"
    if field == "":
        return f"{path}: missing value {where}"
    message = f"{path}: non-numeric value {field!r} {where}"
    if _DECIMAL_COMMA.fullmatch(field):
        return message + "; decimal commas are not supported; use '.' as decimal separator"
    if not _is_text_column(table, j):
        # A stray word in a number column: point at the cell, nothing more.
        return message
    text = [k for k in keep if _is_text_column(table, k)]
    if len(text) == 1:
        message += ", a text column"
    else:
        labels = ", ".join(_column_label(names, k) for k in text)
        message += f"; columns {labels} are text"
    numeric = [
        k for k in range(len(names))
        if all(_to_float(fields[k]) is not None for fields in table)
    ]
    if not numeric:
        return message + "; the file has no numeric column"
    # Name columns the way --columns accepts them: header names when they are
    # safe to write in a comma-separated list, 0-based indices otherwise.
    by_name = all(names[k] != f"x{k}" and "," not in names[k] for k in numeric)
    example = ",".join(names[k] if by_name else str(k) for k in numeric)
    return message + f"; choose numeric columns with --columns, e.g. --columns {example}"


def _is_text_column(table, j: int) -> bool:
    """Whether most filled cells of column ``j`` are not numbers."""
    filled = [fields[j] for fields in table if fields[j] != ""]
    words = sum(_to_float(field) is None for field in filled)
    return 2 * words > len(filled)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _sniff(sample: list[str]) -> tuple[str | None, str]:
    """The delimiter that splits every sample line the same number of times."""
    for delimiter, fmt in _DELIMITERS:
        counts = {line.count(delimiter) for line in sample}
        if len(counts) == 1 and counts.pop() > 0:
            return delimiter, fmt
    widths = {len(line.split()) for line in sample}
    if len(widths) == 1 and widths.pop() > 1:
        return None, "whitespace"
    # Ragged rows: the delimiter on most lines is still the delimiter (a short
    # row may have none at all); the ragged-row check then names the line.
    # Falling back to whitespace here would read "1,2" as one non-number.
    present = [sum(delimiter in line for line in sample) for delimiter, _ in _DELIMITERS]
    best = max(range(len(present)), key=lambda k: (present[k], -k))
    if present[best] > 0:
        return _DELIMITERS[best]
    return None, "whitespace"


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return [field.strip('"').strip("'") for field in line.split()]
    fields = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    return [field.strip() for field in fields]


def _to_float(field: str) -> float | None:
    # float() alone is too lenient: it reads "1_0" as 10 and accepts
    # non-ASCII digits such as "\u0661"; a data file should say what it means.
    if "_" in field or not field.isascii():
        return None
    try:
        return float(field)
    except ValueError:
        return None


def _column_label(names: list[str], j: int) -> str:
    name = names[j]
    return f"{j + 1}" if name == f"x{j}" else f"{j + 1} ({name!r})"


# --- checks -----------------------------------------------------------------

def _check_finite(
    values: np.ndarray, names: list[str], keep: list[int], rows: list[str], path: str
) -> None:
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    i, j = np.argwhere(bad)[0]
    n_nan = int(np.isnan(values).sum())
    n_inf = int(bad.sum()) - n_nan
    kinds = " and ".join(
        part for part in (f"{n_nan} NaN" if n_nan else "", f"{n_inf} infinite" if n_inf else "")
        if part
    )
    raise UserError(
        f"{path}: {kinds} value{'s' if bad.sum() > 1 else ''}, first in "
        f"{rows[i]}, column {_column_label(names, keep[j])}; remove or fill them first"
    )


def _select_columns(names: list[str], columns, path: str) -> list[int]:
    if columns is None:
        return list(range(len(names)))
    if isinstance(columns, (str, int)):
        columns = [columns]
    columns = list(columns)
    if not columns:
        raise UserError(f"{path}: no columns selected")
    keep = []
    for column in columns:
        if isinstance(column, (int, np.integer)) and not isinstance(column, bool):
            index = int(column)
        elif isinstance(column, str) and column in names:
            index = names.index(column)
        elif isinstance(column, str) and column.strip().isdigit():
            index = int(column)
        else:
            raise UserError(
                f"{path}: unknown column {column!r}; columns are "
                + ", ".join(repr(name) for name in names)
            )
        if not 0 <= index < len(names):
            raise UserError(
                f"{path}: column index {index} out of range; the file has "
                f"{len(names)} columns (0 to {len(names) - 1})"
            )
        if index in keep:
            raise UserError(f"{path}: column {names[index]!r} selected twice")
        keep.append(index)
    return keep
