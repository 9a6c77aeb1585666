"""The keys a scene TOML file may hold: types, defaults, limits and meaning.

One table drives validation (:mod:`animate_em.scene.spec`), the defaults and
the documentation, so they cannot drift apart. Every value a user can get
wrong is checked here and reported as a one-line
:class:`~animate_em.errors.UserError` naming the file, table and key.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from animate_em.errors import UserError

#: Output presets: width, height, frames per second.
QUALITY = {"l": (854, 480, 15), "m": (1280, 720, 30), "h": (1920, 1080, 60), "k": (3840, 2160, 60)}

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
INITS = ("kmeans++", "kmeans", "random", "random_from_data")
LAYOUTS = ("auto", "single", "row", "grid")
THEME_NAMES = ("light", "dark")
TRACE_SCALES = ("total", "per-sample")
KINDS = ("em", "sweep")
CRITERIA = ("bic", "aic")
MAX_RUNS = 12
MAX_K = 20


@dataclass(frozen=True)
class Key:
    """One TOML key: its type, default and limits."""

    name: str
    kind: str            # "int" | "float" | "str" | "bool" | "columns" | "ints" (increasing integers)
    default: Any
    doc: str
    optional: bool = False          # None allowed (the key may be left out with no value)
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None      # strict lower bound
    even: bool = False

    @property
    def type_name(self) -> str:
        base = {"int": "integer", "float": "number", "str": "string", "bool": "boolean",
                "columns": "list of 2 names or indices", "ints": "list of integers"}[self.kind]
        return base

    def default_text(self) -> str:
        if self.default is None:
            return "(none)"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, str):
            return f'"{self.default}"'
        if isinstance(self.default, (list, tuple)):
            return "[" + ", ".join(repr(v) for v in self.default) + "]"
        return repr(self.default)


# ---------------------------------------------------------------------------
# The schema
# ---------------------------------------------------------------------------

TOP_KEYS = (
    Key("name", "str", None, "Scene name (output file stem); default: the TOML file name", optional=True),
    Key("title", "str", "Fitting a Gaussian mixture with EM", "Title drawn on the frames; empty for none"),
    Key("description", "str", "", "One line for listings (`animate-em scenes`)"),
    Key("layout", "str", "auto", "Panels for several runs: `single`, `row`, `grid`, or `auto` "
        "(single for one run, row for up to 3, grid beyond)", choices=LAYOUTS),
    Key("kind", "str", "em", "What is animated: `em` (the EM iterations of each run) or `sweep` (the converged "
        "fit for each K of `[sweep] k`, while an information-criterion curve grows)", choices=KINDS),
)

DATA_KEYS = (
    Key("source", "str", "anisotropic", "Built-in dataset name or a CSV/TSV/.npy path (relative to the TOML file)"),
    Key("seed", "int", 0, "Seed of a synthetic built-in dataset (and of subsampling a file)", minimum=0),
    Key("n_samples", "int", None, "Number of points: size of a synthetic dataset, or a random subset of a file; "
        "default: the dataset's own size", optional=True, minimum=2),
    Key("columns", "columns", None, "Two columns of a file (names or 0-based indices); default: the first two",
        optional=True),
)

MODEL_KEYS = (
    Key("k", "int", 3, "Number of mixture components", minimum=1, maximum=20),
    Key("covariance_type", "str", "full", "`full`, `diag`, `spherical` or `tied`", choices=COVARIANCE_TYPES),
    Key("init", "str", "kmeans++", "Initialisation: `kmeans++`, `kmeans`, `random` (random responsibilities) or "
        "`random_from_data` (random data points as means)", choices=INITS),
    Key("seed", "int", 0, "Seed of the initialisation", minimum=0),
    Key("n_init", "int", 1, "Initialisations tried; the best final log-likelihood is shown", minimum=1, maximum=100),
    Key("tol", "float", 1e-3, "Stop when the per-sample mean log-likelihood changes by less than this; "
        "0 runs exactly `max_iter` iterations", minimum=0.0),
    Key("max_iter", "int", 100, "Most EM iterations", minimum=1, maximum=10000),
    Key("reg_covar", "float", 1e-6, "Added to covariance diagonals to keep them invertible", minimum=0.0),
)

RUN_KEYS = (Key("label", "str", None, "Panel label; default: the overridden settings, e.g. `seed=3`",
                optional=True),) + MODEL_KEYS

TIMING_KEYS = (
    Key("fps", "int", None, "Frames per second; default: the quality preset's", optional=True,
        minimum=1, maximum=240),
    Key("frames_per_iteration", "int", None, "Frames per EM iteration; default: automatic pacing to `duration` "
        "(flat late iterations get fewer frames); 1 = one plain frame per iteration, no E/M beats",
        optional=True, minimum=1, maximum=1000),
    Key("duration", "float", 12.0, "Target length in seconds with automatic pacing, holds included",
        above=0.0, maximum=3600.0),
    Key("hold_start", "float", 1.0, "Seconds on the initial state (at least one frame)", minimum=0.0, maximum=600.0),
    Key("hold_end", "float", 2.0, "Seconds on the final fit (at least one frame)", minimum=0.0, maximum=600.0),
)

STYLE_KEYS = (
    Key("theme", "str", "light", "`light` or `dark`", choices=THEME_NAMES),
    Key("quality", "str", "m", "Size preset: `l` 854x480 15 fps, `m` 1280x720 30 fps, `h` 1920x1080 60 fps, "
        "`k` 3840x2160 60 fps", choices=tuple(QUALITY)),
    Key("width", "int", None, "Frame width in pixels (even); default: the quality preset's", optional=True,
        minimum=64, maximum=8192, even=True),
    Key("height", "int", None, "Frame height in pixels (even); default: the quality preset's", optional=True,
        minimum=64, maximum=8192, even=True),
    Key("sigma", "float", 2.0, "Mahalanobis radius of the ellipses (2 = the 2-sigma ellipse, ~86 % of a "
        "component's mass in 2-D)", above=0.0, maximum=10.0),
    Key("ghost_every", "int", 5, "Faint ghost ellipses every this many iterations; 0 = none", minimum=0),
    Key("show_trace", "bool", True, "Draw the log-likelihood panel"),
    Key("trace_scale", "str", "total", "Log-likelihood axis: `total` or `per-sample` (mean)", choices=TRACE_SCALES),
    Key("show_true", "bool", False, "Draw the generating mixture's ellipses, dashed (synthetic data only)"),
    Key("point_size", "float", None, "Marker area of the data points in pt^2; default: scaled to the frame",
        optional=True, above=0.0, maximum=1000.0),
    Key("point_alpha", "float", None, "Opacity of the data points; default: the theme's", optional=True,
        above=0.0, maximum=1.0),
    Key("line_width", "float", None, "Ellipse line width in points; default: scaled to the frame",
        optional=True, above=0.0, maximum=50.0),
    Key("annotate_gap", "bool", False, "Once every run has finished, label the gap between the highest and "
        "the lowest final log-likelihood on the trace panel (in nats)"),
    Key("rank_runs", "bool", False, "Once every run has finished, badge each panel with its rank by final "
        "log-likelihood (#1 = highest) and frame the best panel"),
)

SWEEP_KEYS = (
    Key("k", "ints", (1, 2, 3, 4, 5, 6, 7), "Numbers of components, increasing; each is fitted with the `[model]` "
        "settings (its `k` is not used; `n_init` > 1 steadies the curve). Only read when `kind = \"sweep\"`",
        minimum=1, maximum=MAX_K),
    Key("criterion", "str", "bic", "Criterion plotted and minimised to pick K: `bic` or `aic` (lower is better)",
        choices=CRITERIA),
    Key("show_aic", "bool", True, "Also draw AIC, fainter, on the same axes (when `criterion` is `bic`)"),
    Key("seconds_per_step", "float", 1.5, "Seconds per K: its fit morphs in, then its point joins the curve "
        "(`[timing] duration` and `frames_per_iteration` are not used by sweeps)", minimum=0.2, maximum=60.0),
)

#: TOML table name -> its keys. ``""`` is the top level, ``"runs"`` the ``[[runs]]`` array.
TABLES = {"": TOP_KEYS, "data": DATA_KEYS, "model": MODEL_KEYS, "runs": RUN_KEYS,
          "timing": TIMING_KEYS, "style": STYLE_KEYS, "sweep": SWEEP_KEYS}


def keys_of(table: str) -> dict[str, Key]:
    return {key.name: key for key in TABLES[table]}


def defaults(table: str) -> dict[str, Any]:
    return {key.name: key.default for key in TABLES[table] if table != "runs"}


# ---------------------------------------------------------------------------
# Checking one value
# ---------------------------------------------------------------------------

def _number_text(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() else repr(x)


def check_value(key: Key, value: Any, where: str) -> Any:
    """Validate and normalise ``value`` for ``key``; ``where`` prefixes the message.

    Raises
    ------
    UserError
        ``"<where> <key> must be ..., got ..."``, one line.
    """
    given = value

    def fail(rule: str) -> UserError:
        return UserError(f"{where}{key.name} must be {rule}, got {given!r}")

    if value is None:
        if key.optional:
            return None
        raise fail(f"a {key.type_name}")
    if key.kind == "bool":
        if not isinstance(value, bool):
            raise fail("true or false")
        return value
    if key.kind == "str":
        if not isinstance(value, str):
            raise fail("a string")
        if key.choices is not None and value not in key.choices:
            raise fail("one of " + ", ".join(repr(c) for c in key.choices))
        if "\n" in value:
            raise fail("a single line")
        return value
    if key.kind == "columns":
        if (not isinstance(value, (list, tuple)) or len(value) != 2
                or not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in value)):
            raise fail("a list of 2 column names or indices")
        if any(isinstance(c, int) and c < 0 for c in value):
            raise fail("a list of 2 column names or non-negative indices")
        return tuple(value)
    if key.kind == "ints":
        if (not isinstance(value, (list, tuple)) or not value
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
            raise fail("a non-empty list of integers")
        if any(v < key.minimum or v > key.maximum for v in value):
            raise fail(f"a list of integers from {_number_text(key.minimum)} to {_number_text(key.maximum)}")
        if any(b <= a for a, b in zip(value, value[1:])):
            raise fail("a list of strictly increasing integers")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail("an integer" if key.kind == "int" else "a number")
    if key.kind == "int":
        if not isinstance(value, int):
            raise fail("an integer")
    else:
        value = float(value)
        if not math.isfinite(value):
            raise fail("a finite number")
    if key.minimum is not None and value < key.minimum:
        raise fail(f">= {_number_text(key.minimum)}")
    if key.above is not None and value <= key.above:
        raise fail(f"> {_number_text(key.above)}")
    if key.maximum is not None and value > key.maximum:
        raise fail(f"<= {_number_text(key.maximum)}")
    if key.even and value % 2:
        raise fail("even")
    return value


def check_table(table: str, values: Any, where: str, label: str,
                also_known: tuple = ()) -> dict[str, Any]:
    """Validate a whole table: unknown keys, types, limits. Returns normalised values.

    ``label`` is how the table appears in messages, e.g. ``"[model] "``;
    ``also_known`` lists names handled elsewhere (sub-tables of the top level).
    """
    if not isinstance(values, dict):
        raise UserError(f"{where}: {label.strip() or 'scene'} must be a table, got {type(values).__name__}")
    known = keys_of(table)
    for name in values:
        if name not in known:
            where_text = label or "top level: "
            raise UserError(f"{where}: {where_text}unknown key {name!r} "
                            f"(known: {', '.join([*known, *also_known])})")
    return {name: check_value(known[name], value, f"{where}: {label}") for name, value in values.items()}


# ---------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------

def keys_markdown() -> str:
    """A markdown table of every scene key: table, key, type, default, meaning."""
    lines = ["| table | key | type | default | meaning |", "|---|---|---|---|---|"]
    for table, keys in TABLES.items():
        shown = {"": "(top level)", "runs": "[[runs]]"}.get(table, f"[{table}]")
        for key in keys:
            doc = key.doc
            if table == "runs" and key.name != "label":
                doc = f"Overrides `[model] {key.name}` for this run"
            default = "`[model]` value" if table == "runs" and key.name != "label" else key.default_text()
            lines.append(f"| {shown} | `{key.name}` | {key.type_name} | {default} | {doc} |")
    return "\n".join(lines) + "\n"
