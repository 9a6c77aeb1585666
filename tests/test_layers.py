"""The house of DESIGN.md holds: rooms import one way, no import circles, small folders.

Imports are read with ``ast`` from every file of the package, including
imports inside functions (a lazy import is still a dependency).
"""
from __future__ import annotations

import ast
import inspect
import sys
import types
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "animate_em"
STDLIB = set(sys.stdlib_module_names)

#: Most modules (``__init__.py`` not counted) one folder of the package may hold.
MAX_MODULES_PER_FOLDER = 10


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, path: Path) -> set[str]:
    """Every module name ``module`` imports (relative imports resolved; ``from a import b`` names a.b
    when b is a module of the package)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                origin = f"{base}.{node.module}" if node.module else base
            else:
                origin = node.module
            submodules = [f"{origin}.{alias.name}" for alias in node.names if f"{origin}.{alias.name}" in MODULES]
            names |= set(submodules)
            if len(submodules) < len(node.names):
                names.add(origin)
    return names


IMPORTS = {module: _imported(module, path) for module, path in MODULES.items()}


def _internal_edges() -> dict[str, set[str]]:
    """module -> modules of the package it imports (a name resolves to its nearest module)."""
    graph = {}
    for module, names in IMPORTS.items():
        targets = set()
        for name in names:
            while name and name not in MODULES and "." in name:
                name = name.rpartition(".")[0]
            if name in MODULES and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def _in(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _third_party_and_internal(module: str) -> set[str]:
    return {n for n in IMPORTS[module] if n.split(".")[0] not in STDLIB}


def _modules_under(room: str) -> list[str]:
    return [m for m in MODULES if _in(m, [room])]


# ---------------------------------------------------------------------------
# What each room may import
# ---------------------------------------------------------------------------

ALLOWED = {
    # The EM core is a NumPy library a statistician could use without ever drawing.
    "animate_em.em": {"numpy", "animate_em.em", "animate_em.errors"},
    # Files from outside are read through animate_em.untrusted (regular files of bounded size only).
    "animate_em.datasets": {"numpy", "animate_em.datasets", "animate_em.errors", "animate_em.untrusted"},
    # The encoders take frames and targets; they know nothing of EM or matplotlib. Signals wait
    # while a temporary file or an ffmpeg process is created and registered (animate_em.signals).
    "animate_em.encode": {"numpy", "imageio", "imageio_ffmpeg", "animate_em.encode", "animate_em.errors",
                          "animate_em.signals", "animate_em.untrusted"},
    # The course kit checks a student's EM against the core: NumPy and the core only, no drawing.
    "animate_em.course": {"numpy", "animate_em.course", "animate_em.em", "animate_em.errors",
                          "animate_em.untrusted"},
    # The scene file is read without drawing anything.
    "animate_em.scene.spec": {"animate_em.scene.spec", "animate_em.errors", "animate_em.datasets",
                              "animate_em.untrusted"},
    # Time is arithmetic on traces and parameters.
    "animate_em.scene.timing": {"numpy", "animate_em.scene.timing"},
    "animate_em.scene.runs": {"numpy", "animate_em.scene.runs", "animate_em.scene.spec", "animate_em.em",
                              "animate_em.datasets", "animate_em.errors"},
    # Drawing knows matplotlib, numbers and time, nothing of kinds, frames streaming or encoders.
    "animate_em.scene.draw": {"numpy", "matplotlib", "animate_em.scene.draw", "animate_em.scene.timing",
                              "animate_em.em"},
}


@pytest.mark.parametrize("room", sorted(ALLOWED))
def test_room_imports_only_what_design_allows(room):
    allowed = ALLOWED[room]
    modules = _modules_under(room)
    assert modules, f"no modules under {room}"
    for module in modules:
        outside = {n for n in _third_party_and_internal(module) if not _in(n, allowed)}
        assert not outside, f"{module} imports {sorted(outside)}"


def test_scene_layer_knows_nothing_of_encoders_files_or_the_command_line():
    glue = ("animate_em.encode", "animate_em.animation", "animate_em.manifest", "animate_em.report",
            "animate_em.slides", "animate_em.cli", "imageio", "imageio_ffmpeg", "click")
    for module in _modules_under("animate_em.scene"):
        wrong = {n for n in IMPORTS[module] if _in(n, glue)}
        assert not wrong, f"{module} imports {sorted(wrong)}"


def test_code_inside_the_scene_layer_never_imports_its_public_front():
    # scene/__init__.py gathers public names from every room; importing it from a room would
    # make that room depend on all the others.
    for module in _modules_under("animate_em.scene"):
        if module != "animate_em.scene":
            assert "animate_em.scene" not in IMPORTS[module], module


def test_shared_rooms_never_import_a_kind():
    # Kinds plug in through the registry (scene/kinds/__init__.py); only the registry's users
    # (frames/source.py, prepared.py) and the kinds themselves name it.
    for room in ("animate_em.scene.spec", "animate_em.scene.timing", "animate_em.scene.runs",
                 "animate_em.scene.draw", "animate_em.scene.frames.blit"):
        for module in _modules_under(room):
            kinds = {n for n in IMPORTS[module] if _in(n, ["animate_em.scene.kinds"])}
            assert not kinds, f"{module} imports {sorted(kinds)}"


def test_a_kind_never_imports_another_kind():
    kinds = sorted({m.split(".")[3] for m in _modules_under("animate_em.scene.kinds") if m.count(".") >= 4})
    assert {"em", "sweep"} <= set(kinds)
    for kind in kinds:
        others = [f"animate_em.scene.kinds.{k}" for k in kinds if k != kind]
        for module in _modules_under(f"animate_em.scene.kinds.{kind}"):
            wrong = {n for n in IMPORTS[module] if _in(n, others)}
            assert not wrong, f"{module} imports {sorted(wrong)}"


def test_the_presenter_knows_no_deck_and_no_command_line():
    # The step deck (slides/) builds on the presenter's steps and media, never the other way round.
    modules = _modules_under("animate_em.present")
    assert modules
    for module in modules:
        wrong = {n for n in IMPORTS[module] if _in(n, ["animate_em.slides", "animate_em.cli", "animate_em.report"])}
        assert not wrong, f"{module} imports {sorted(wrong)}"


def test_nothing_below_the_command_line_imports_click():
    for module in MODULES:
        if not _in(module, ["animate_em.cli"]):
            assert not {n for n in IMPORTS[module] if _in(n, ["click"])}, module


# ---------------------------------------------------------------------------
# Circles and folder sizes
# ---------------------------------------------------------------------------

def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_files_of_the_package():
    cycles = _cycles(_internal_edges())
    assert not cycles, "import circles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_folder_holds_more_than_about_ten_modules():
    for folder in sorted({p.parent for p in PACKAGE.rglob("*.py")}):
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES_PER_FOLDER, f"{folder.relative_to(PACKAGE.parent)}: {len(modules)} modules"


# ---------------------------------------------------------------------------
# The one-call API is a function
# ---------------------------------------------------------------------------

def test_render_is_a_plain_function_and_the_encoders_a_plain_module():
    import animate_em
    import animate_em.animation
    import animate_em.encode

    assert inspect.isfunction(animate_em.render)
    assert type(animate_em.encode) is types.ModuleType
    # The front door takes exactly what the glue's render takes (names, kinds, defaults).

    def shape(function):
        return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]

    assert shape(animate_em.render) == shape(animate_em.animation.render)
