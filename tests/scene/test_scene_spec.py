"""Scene specs: TOML loading, validation messages, overrides, serialisation."""
import dataclasses
import tomllib

import pytest

import animate_em.scene.spec.scene as spec_module
import animate_em.scene.spec.schema as schema_module
from animate_em.errors import UserError
from animate_em.scene.spec.scene import DataSpec, ModelSpec, Scene, StyleSpec, TimingSpec, builtin_scenes, load_scene
from animate_em.scene.spec.schema import QUALITY, TABLES, keys_markdown


def write(tmp_path, text, name="lecture.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


# -- loading ------------------------------------------------------------------------

def test_minimal_file_takes_every_default(tmp_path):
    scene = Scene.from_toml(write(tmp_path, ""))
    assert scene.name == "lecture"
    assert scene.data == DataSpec() and scene.model == ModelSpec()
    assert scene.timing == TimingSpec() and scene.style == StyleSpec()
    assert scene.runs == () and scene.layout == "single"
    assert scene.size == QUALITY["m"][:2] and scene.fps == QUALITY["m"][2]


def test_dataclass_defaults_agree_with_the_schema():
    for table, cls in (("data", DataSpec), ("model", ModelSpec), ("timing", TimingSpec), ("style", StyleSpec)):
        instance = cls()
        for key in TABLES[table]:
            assert getattr(instance, key.name) == key.default, (table, key.name)
        assert {f.name for f in dataclasses.fields(cls)} == {key.name for key in TABLES[table]}


def test_full_file_is_read(tmp_path):
    scene = Scene.from_toml(write(tmp_path, """
name = "compare"
title = "Two starts"
[data]
source = "blobs"
seed = 3
n_samples = 120
[model]
k = 3
init = "random"
tol = 1e-4
[[runs]]
label = "random start"
[[runs]]
init = "kmeans++"
seed = 4
[timing]
fps = 25
frames_per_iteration = 6
[style]
theme = "dark"
quality = "l"
width = 640
"""))
    assert scene.name == "compare" and scene.title == "Two starts"
    assert scene.data == DataSpec("blobs", 3, 120, None)
    assert scene.model.k == 3 and scene.model.tol == 1e-4
    assert scene.layout == "row"
    models = scene.run_models()
    assert models[0] == ("random start", dataclasses.replace(scene.model))
    assert models[1][0] == "init=kmeans++, seed=4"
    assert models[1][1].init == "kmeans++" and models[1][1].seed == 4 and models[1][1].k == 3
    assert scene.fps == 25 and scene.size == (640, QUALITY["l"][1])


def test_layout_auto_resolves_by_number_of_runs():
    assert Scene.from_dict({"runs": [{}] * 2}, name="a").layout == "row"
    assert Scene.from_dict({"runs": [{}] * 4}, name="a").layout == "grid"
    assert Scene.from_dict({"runs": [{}] * 4, "layout": "row"}, name="a").layout == "row"


def test_relative_data_file_is_relative_to_the_scene_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "points.csv").write_text("a,b\n1,2\n3,4\n")
    scene = Scene.from_toml(write(tmp_path, '[data]\nsource = "data/points.csv"\n'))
    assert scene.data.source == str(tmp_path / "data" / "points.csv")


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("[model]\nk = 0", "[model] k must be >= 1, got 0"),
    ("[model]\nk = 2.5", "[model] k must be an integer, got 2.5"),
    ("[model]\nk = true", "[model] k must be an integer, got True"),
    ("[model]\nkk = 3", "[model] unknown key 'kk'"),
    ("[model]\ninit = \"magic\"", "[model] init must be one of"),
    ("[model]\ncovariance_type = \"round\"", "[model] covariance_type must be one of"),
    ("[model]\ntol = -1e-3", "[model] tol must be >= 0, got -0.001"),
    ("[model]\nreg_covar = -1.0", "[model] reg_covar must be >= 0, got -1.0"),
    ("[model]\nmax_iter = 0", "[model] max_iter must be >= 1"),
    ("[data]\nsource = 3", "[data] source must be a string, got 3"),
    ("[data]\ncolumns = [\"a\"]", "[data] columns must be a list of 2"),
    ("[data]\nn_samples = 1", "[data] n_samples must be >= 2"),
    ("[timing]\nduration = -1.0", "[timing] duration must be > 0"),
    ("[timing]\nfps = 0", "[timing] fps must be >= 1"),
    ("[timing]\nframes_per_iteration = 0", "[timing] frames_per_iteration must be >= 1"),
    ("[style]\ntheme = \"sepia\"", "[style] theme must be one of 'light', 'dark'"),
    ("[style]\nquality = \"x\"", "[style] quality must be one of"),
    ("[style]\nwidth = 641", "[style] width must be even, got 641"),
    ("[style]\nshow_trace = \"yes\"", "[style] show_trace must be true or false"),
    ("[style]\nsigma = 0", "[style] sigma must be > 0"),
    ("[style]\ntrace_scale = \"log\"", "[style] trace_scale must be one of"),
    ("colour = \"red\"", "top level: unknown key 'colour'"),
    ("layout = \"diagonal\"", "layout must be one of"),
    ("model = 3", "[model] must be a table"),
    ("[[runs]]\nseed = -1", "[[runs]] #1 seed must be >= 0"),
    ("[[runs]]\nlabel = \"a\"\n[[runs]]\nspeed = 2", "[[runs]] #2 unknown key 'speed'"),
    ("layout = \"single\"\n[[runs]]\n[[runs]]", "layout 'single' shows one run"),
    ("[model\nk = 3", "invalid TOML"),
])
def test_errors_are_one_line_and_name_file_table_and_key(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as info:
        Scene.from_toml(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserError, match="scene file not found"):
        Scene.from_toml(tmp_path / "nope.toml")
    with pytest.raises(UserError, match="folder"):
        Scene.from_toml(tmp_path)


def test_too_many_runs():
    with pytest.raises(UserError, match="at most"):
        Scene.from_dict({"runs": [{}] * 13}, name="a")


def test_from_dict_without_file_names_the_scene():
    with pytest.raises(UserError, match=r"^scene 'demo': \[model\] k must be >= 1"):
        Scene.from_dict({"model": {"k": 0}}, name="demo")


# -- overrides ------------------------------------------------------------------------------

def test_overrides_apply_to_model_data_style_and_timing():
    scene = Scene.default()
    changed = scene.with_overrides({"k": 2, "init": "kmeans", "seed": 9, "max_iter": 7, "tol": 0.01,
                                    "data": "blobs", "theme": "dark", "quality": "l", "fps": 10,
                                    "frames_per_iteration": 3, "title": None})
    assert changed.model == dataclasses.replace(scene.model, k=2, init="kmeans", seed=9, max_iter=7, tol=0.01)
    assert changed.data.source == "blobs" and changed.style.theme == "dark" and changed.style.quality == "l"
    assert changed.fps == 10 and changed.timing.frames_per_iteration == 3
    assert changed.title == scene.title        # None means "no override"
    assert scene.model.k == 4                  # the original is untouched
    assert scene.replace(k=3).model.k == 3


def test_zero_restores_automatic_fps_and_pacing():
    scene = Scene.from_dict({"timing": {"fps": 12, "frames_per_iteration": 4}}, name="a")
    auto = scene.with_overrides({"fps": 0, "frames_per_iteration": 0})
    assert auto.timing.fps is None and auto.timing.frames_per_iteration is None
    assert auto.fps == QUALITY[scene.style.quality][2]


def test_model_override_wins_over_run_overrides():
    scene = Scene.from_dict({"runs": [{"seed": 1, "label": "a"}, {"seed": 2, "init": "random"}]}, name="a")
    changed = scene.with_overrides({"seed": 5})
    assert [m.seed for _, m in changed.run_models()] == [5, 5]
    assert changed.run_models()[1][1].init == "random"


@pytest.mark.parametrize("overrides, expected", [
    ({"k": 0}, "option -k must be >= 1, got 0"),
    ({"max_iter": -3}, "option --max-iter must be >= 1, got -3"),
    ({"theme": "blue"}, "option --theme must be one of"),
    ({"tol": "small"}, "option --tol must be a number"),
    ({"warp": 9}, "unknown scene override 'warp'"),
])
def test_bad_overrides_are_user_errors(overrides, expected):
    with pytest.raises(UserError) as info:
        Scene.default().with_overrides(overrides)
    assert expected in str(info.value)


# -- serialisation ------------------------------------------------------------------------

def test_to_dict_fills_every_default():
    d = Scene.from_dict({}, name="x").to_dict()
    for table, keys in TABLES.items():
        if table in ("", "runs"):
            continue
        assert set(d[table]) == {key.name for key in keys}
    assert {"name", "title", "description", "layout", "runs"} <= set(d)


@pytest.mark.parametrize("d", [
    {},
    {"title": "Quotes \" and \\ and ü", "data": {"columns": ["a", 1], "n_samples": 50},
     "model": {"reg_covar": 1e-9, "tol": 1e-5},
     "runs": [{"label": "x", "k": 2}, {"covariance_type": "diag"}],
     "style": {"point_size": 12.5, "show_trace": False, "width": 800}, "timing": {"fps": 24}},
])
def test_toml_and_dict_round_trips(tmp_path, d):
    scene = Scene.from_dict(d, name="round")
    path = write(tmp_path, scene.to_toml(), "round.toml")
    assert tomllib.loads(path.read_text())   # valid TOML
    assert Scene.from_toml(path) == scene
    assert Scene.from_dict(scene.to_dict()) == scene


# -- built-ins and documentation -------------------------------------------------------------

def test_builtin_em_basics_loads():
    scenes = builtin_scenes()
    assert "em-basics" in scenes
    scene = Scene.default()
    assert scene.name == "em-basics"
    assert scene.data.source == "anisotropic" and scene.model.k == 4
    assert load_scene("em-basics") == scene
    assert load_scene(str(scenes["em-basics"])) == scene


def test_every_builtin_scene_is_valid():
    for name, path in builtin_scenes().items():
        assert Scene.from_toml(path).name == name


def test_load_scene_unknown_name():
    with pytest.raises(UserError, match="unknown scene 'nope'.*em-basics"):
        load_scene("nope")


def test_every_key_is_documented_in_the_module_docstring():
    # The table lives in schema's docstring (spec's points there), generated and kept equal.
    table = keys_markdown()
    assert table in schema_module.__doc__
    assert "animate_em.scene.spec.schema" in spec_module.__doc__
    for name, keys in TABLES.items():
        for key in keys:
            assert f"`{key.name}`" in table
    assert table.count("\n") == 2 + sum(len(keys) for keys in TABLES.values())
