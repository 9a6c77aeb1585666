"""load_data: every supported format, column selection, and every user error."""
import hashlib

import numpy as np
import pytest

from animate_em.datasets import load_data
from animate_em.errors import UserError

RNG = np.random.default_rng(12345)
VALUES = np.round(RNG.normal(size=(6, 3)) * 10, 3)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def _rows(delimiter, values=VALUES):
    return "\n".join(delimiter.join(repr(float(v)) for v in row) for row in values) + "\n"


@pytest.mark.parametrize(
    "name, delimiter, fmt",
    [("d.csv", ",", "csv"), ("d.tsv", "\t", "tsv"), ("d.txt", ";", "semicolon"),
     ("d.dat", "   ", "whitespace"), ("noext", ", ", "csv")],
)
def test_delimiter_is_sniffed_and_values_round_trip(tmp_path, name, delimiter, fmt):
    path = _write(tmp_path, name, _rows(delimiter))
    X, meta = load_data(path)
    np.testing.assert_array_equal(X, VALUES)
    assert X.dtype == np.float64
    assert meta["format"] == fmt
    assert meta["header"] is False
    assert meta["n_samples"] == 6 and meta["n_features"] == 3
    assert meta["columns"] == ["x0", "x1", "x2"]


def test_header_row_is_detected_and_names_columns(tmp_path):
    path = _write(tmp_path, "h.csv", "alpha,beta,gamma\n" + _rows(","))
    X, meta = load_data(path)
    np.testing.assert_array_equal(X, VALUES)
    assert meta["header"] is True
    assert meta["columns"] == ["alpha", "beta", "gamma"]


def test_quoted_header_tabs_comments_and_blank_lines(tmp_path):
    text = '# exported by a lab machine\n"a"\t"b"\t"c"\n\n' + _rows("\t") + "\n\n"
    X, meta = load_data(_write(tmp_path, "q.tsv", text))
    np.testing.assert_array_equal(X, VALUES)
    assert meta["columns"] == ["a", "b", "c"]
    assert meta["format"] == "tsv"


def test_whitespace_with_ragged_spacing_and_header(tmp_path):
    text = "u v w\n" + "\n".join("  ".join(f"{v:>10}" for v in row) for row in VALUES)
    X, meta = load_data(_write(tmp_path, "w.txt", text))
    np.testing.assert_array_equal(X, VALUES)
    assert meta["columns"] == ["u", "v", "w"] and meta["format"] == "whitespace"


def test_utf8_bom_does_not_end_up_in_the_first_name(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa,b\n1,2\n3,4\n".encode("utf-8"))
    X, meta = load_data(path)
    assert meta["columns"] == ["a", "b"]
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])


def test_sha256_and_path_describe_the_file(tmp_path):
    path = _write(tmp_path, "s.csv", _rows(","))
    _, meta = load_data(str(path))
    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["path"] == str(path)
    path.write_text(_rows(",", VALUES + 1))
    assert load_data(path)[1]["sha256"] != meta["sha256"]


def test_columns_select_by_name_index_and_digit_string_in_given_order(tmp_path):
    path = _write(tmp_path, "c.csv", "alpha,beta,gamma\n" + _rows(","))
    X, meta = load_data(path, columns=["gamma", "alpha"])
    np.testing.assert_array_equal(X, VALUES[:, [2, 0]])
    assert meta["columns"] == ["gamma", "alpha"]
    X, meta = load_data(path, columns=[1, 2])
    np.testing.assert_array_equal(X, VALUES[:, [1, 2]])
    X, _ = load_data(path, columns=["2", "0"])
    np.testing.assert_array_equal(X, VALUES[:, [2, 0]])


def test_npy_2d_numeric_loads_including_integers(tmp_path):
    path = tmp_path / "a.npy"
    np.save(path, VALUES)
    X, meta = load_data(path)
    np.testing.assert_array_equal(X, VALUES)
    assert meta["format"] == "npy" and meta["columns"] == ["x0", "x1", "x2"]
    np.save(path, np.arange(10).reshape(5, 2))
    X, _ = load_data(path, columns=[1])
    assert X.dtype == np.float64
    np.testing.assert_array_equal(X[:, 0], [1, 3, 5, 7, 9])


# --- errors -----------------------------------------------------------------

def _error(path, **kwargs):
    with pytest.raises(UserError) as info:
        load_data(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_missing_file(tmp_path):
    assert "not found" in _error(tmp_path / "nope.csv")


def test_folder_is_not_a_file(tmp_path):
    assert "folder" in _error(tmp_path)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    assert "empty" in _error(_write(tmp_path, "e.csv", text))


def test_header_without_rows(tmp_path):
    assert "no data rows" in _error(_write(tmp_path, "h.csv", "a,b\n"))


def test_non_numeric_value_names_line_and_column(tmp_path):
    text = "a,b\n1,2\n3,4\n5,oops\n"
    message = _error(_write(tmp_path, "n.csv", text))
    assert "'oops'" in message and "line 4" in message and "column 2" in message
    assert "'b'" in message


def test_mixed_first_row_is_data_with_a_bad_value_not_a_header(tmp_path):
    message = _error(_write(tmp_path, "m.csv", "1.5,abc\n1,2\n3,4\n"))
    assert "'abc'" in message and "line 1" in message


def test_missing_value(tmp_path):
    message = _error(_write(tmp_path, "m.csv", "1,2\n3,\n5,6\n"))
    assert "missing value" in message and "line 2" in message


@pytest.mark.parametrize(
    "text, expect",
    [("1,2\nnan,4\n5,nan\n", ["2 NaN", "line 2", "column 1"]),
     ("1,2\n3,inf\n-inf,6\n", ["2 infinite", "line 2", "column 2"]),
     ("1,2\n3,4\n5,NaN\n7,Infinity\n", ["1 NaN and 1 infinite", "line 3"])],
)
def test_nan_and_inf_are_counted_and_located(tmp_path, text, expect):
    message = _error(_write(tmp_path, "f.csv", text))
    for fragment in expect:
        assert fragment in message


def test_nan_in_npy_reports_row(tmp_path):
    values = VALUES.copy()
    values[3, 1] = np.nan
    path = tmp_path / "f.npy"
    np.save(path, values)
    message = _error(path)
    assert "1 NaN value" in message and "row 4" in message and "column 2" in message


@pytest.mark.parametrize("text", ["1,2\n", "a,b\n1,2\n"])
def test_fewer_than_two_rows(tmp_path, text):
    assert "at least 2" in _error(_write(tmp_path, "one.csv", text))


def test_ragged_rows_name_the_line(tmp_path):
    message = _error(_write(tmp_path, "r.csv", "1,2,3\n4,5,6\n7,8\n"))
    assert "line 3" in message and "2 values" in message and "ragged" in message


def test_unknown_column_name_lists_the_real_ones(tmp_path):
    message = _error(_write(tmp_path, "c.csv", "alpha,beta\n1,2\n3,4\n"), columns=["gamma"])
    assert "'gamma'" in message and "'alpha'" in message and "'beta'" in message


def test_column_index_out_of_range_and_duplicates(tmp_path):
    path = _write(tmp_path, "c.csv", "1,2\n3,4\n")
    assert "out of range" in _error(path, columns=[2])
    assert "twice" in _error(path, columns=[0, "x0"])
    assert "no columns" in _error(path, columns=[])


@pytest.mark.parametrize(
    "array, fragment",
    [(np.arange(5.0), "1-D"), (np.zeros((2, 2, 2)), "3-D"),
     (np.array([["a", "b"], ["c", "d"]]), "numeric"), (np.zeros((3, 0)), "no columns")],
)
def test_npy_that_is_not_2d_numeric(tmp_path, array, fragment):
    path = tmp_path / "bad.npy"
    np.save(path, array)
    assert fragment in _error(path)


def test_npy_object_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "obj.npy"
    np.save(path, np.array([[1, None], [2, 3]], dtype=object), allow_pickle=True)
    assert "object array" in _error(path)


def test_corrupt_npy_and_binary_text(tmp_path):
    path = tmp_path / "bad.npy"
    path.write_bytes(b"definitely not numpy")
    assert ".npy" in _error(path)
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(128, 256)))
    assert "UTF-8" in _error(path)


# --- text columns, misleading CSV errors (review fixes) ----------------------

IRIS = (
    "sl,sw,pl,pw,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "4.9,3.0,1.4,0.2,setosa\n"
    "7.0,3.2,4.7,1.4,versicolor\n"
    "6.4,3.2,4.5,1.5,versicolor\n"
)


@pytest.mark.parametrize("columns", [["pl", "pw"], [2, 3], ["2", "3"]])
def test_columns_skip_a_text_column(tmp_path, columns):
    X, meta = load_data(_write(tmp_path, "iris.csv", IRIS), columns=columns)
    np.testing.assert_array_equal(X, [[1.4, 0.2], [1.4, 0.2], [4.7, 1.4], [4.5, 1.5]])
    assert meta["columns"] == ["pl", "pw"]
    # Selecting the text column itself is still an error, naming that column.
    message = _error(tmp_path / "iris.csv", columns=["pl", "species"])
    assert "non-numeric value 'setosa'" in message and "column 5 ('species')" in message


def test_open_data_skips_a_text_column_like_the_cli(tmp_path):
    from animate_em.datasets import open_data

    data = open_data(str(_write(tmp_path, "iris.csv", IRIS)), columns=["sw", "pl"])
    assert data.columns == ("sw", "pl") and data.X.shape == (4, 2)
    np.testing.assert_array_equal(data.X[:, 0], [3.5, 3.0, 3.2, 3.2])


def test_nan_in_a_skipped_column_does_not_matter(tmp_path):
    path = _write(tmp_path, "n.csv", "a,b,c\n1,nan,2\n3,4,5\n6,7,8\n")
    X, _ = load_data(path, columns=["c", "a"])
    np.testing.assert_array_equal(X, [[2, 1], [5, 3], [8, 6]])
    message = _error(path, columns=["b"])
    assert "1 NaN" in message and "column 2 ('b')" in message


def test_text_column_without_columns_suggests_columns(tmp_path):
    message = _error(_write(tmp_path, "iris.csv", IRIS))
    assert "'species'" in message and "'setosa'" in message and "line 2" in message
    assert "--columns sl,sw,pl,pw" in message
    # A stray word in a number column is a typo, not a column to skip: no hint.
    message = _error(_write(tmp_path, "s.csv", "a,b\n1,2\n3,x\n5,6\n7,8\n"))
    assert "non-numeric value 'x'" in message and "--columns" not in message


def test_text_column_in_headerless_file_suggests_indices(tmp_path):
    message = _error(_write(tmp_path, "t.csv", "1,2,a\n3,4,b\n5,6,c\n"))
    assert "column 3" in message and "--columns 0,1" in message


@pytest.mark.parametrize(
    "text, line, got, expected",
    [("x,y\n1,2\n3\n4,5\n", 3, "1 value,", 2),
     ("x,y\n1,2\n3,4,5\n6,7\n", 3, "3 values", 2),
     ("1;2\n3\n4;5\n", 2, "1 value,", 2)],
)
def test_ragged_row_is_reported_as_ragged_not_as_a_bad_value(tmp_path, text, line, got, expected):
    message = _error(_write(tmp_path, "r.csv", text))
    assert f"line {line} has {got}" in message and f"expected {expected}" in message
    assert "ragged" in message and "non-numeric" not in message


@pytest.mark.parametrize(
    "text, line",
    [("x;y\n1,5;2\n3;4\n5;7\n", 2), ("1,5;2,5\n3,5;4,5\n", 1), ('"1,5","2"\n"3","4"\n', 1)],
)
def test_decimal_commas_are_refused_with_a_hint(tmp_path, text, line):
    message = _error(_write(tmp_path, "d.csv", text))
    assert "'1,5'" in message and f"line {line}," in message
    assert "decimal commas are not supported" in message and "'.'" in message
    # ... but only for values that look like decimal-comma numbers.
    message = _error(_write(tmp_path, "w.csv", "x;y\n1;2\n3;a,b\n5;7\n6;8\n"))
    assert "'a,b'" in message and "decimal comma" not in message


@pytest.mark.parametrize("bad", ["1_0", "1_000.5", "\u0661", "\uff13"])
def test_numbers_float_accepts_but_a_data_file_should_not(tmp_path, bad):
    message = _error(_write(tmp_path, "u.csv", f"x,y\n{bad},2\n3,4\n5,7\n6,8\n"))
    assert f"non-numeric value {bad!r}" in message and "line 2" in message


# --- a row index written by pandas' to_csv -------------------------------------

_PANDAS = ",petal length (cm),petal width (cm)\n0,1.4,0.2\n1,1.3,0.2\n2,4.7,1.4\n3,5.1,1.9\n"


@pytest.mark.parametrize("text", [_PANDAS, _PANDAS.replace(",petal", "Unnamed: 0,petal", 1),
                                  _PANDAS.replace("\n2,", "\n7,").replace("\n3,", "\n12,")])
def test_an_unnamed_leading_column_counting_rows_is_skipped_with_a_note(tmp_path, text):
    X, meta = load_data(_write(tmp_path, "iris.csv", text))
    np.testing.assert_array_equal(X, [[1.4, 0.2], [1.3, 0.2], [4.7, 1.4], [5.1, 1.9]])
    assert meta["columns"] == ["petal length (cm)", "petal width (cm)"]
    assert meta["indices"] == [1, 2]
    assert len(meta["notes"]) == 1 and "row index" in meta["notes"][0] and "--columns" in meta["notes"][0]


@pytest.mark.parametrize("text", [
    "id,a,b\n0,1.4,0.2\n1,1.3,0.2\n2,4.7,1.4\n",          # named: data, not an index
    ",a,b\n0,1.4,0.2\n2,1.3,0.2\n1,4.7,1.4\n",            # does not count upwards
    ",a,b\n0.5,1.4,0.2\n1.5,1.3,0.2\n2.5,4.7,1.4\n",      # not whole numbers
    "0,1.4,0.2\n1,1.3,0.2\n2,4.7,1.4\n",                  # no header: nothing says it is unnamed
])
def test_a_leading_column_that_is_not_an_unnamed_row_count_is_kept(tmp_path, text):
    X, meta = load_data(_write(tmp_path, "d.csv", text))
    assert X.shape == (3, 3) and meta["notes"] == [] and meta["indices"] == [0, 1, 2]


def test_columns_override_the_row_index_rule(tmp_path):
    X, meta = load_data(_write(tmp_path, "iris.csv", _PANDAS), columns=[0, "petal width (cm)"])
    np.testing.assert_array_equal(X[:, 0], [0, 1, 2, 3])
    assert meta["notes"] == [] and meta["indices"] == [0, 2]
