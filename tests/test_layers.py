"""The layers of DESIGN.md hold: imports point one way."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "animate_em"
STDLIB = set(sys.stdlib_module_names)


def _imports(folder: str) -> dict[str, set[str]]:
    """Top-level module names imported by every file of a subpackage (relative imports resolved)."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    names.add(f"animate_em.{folder}")
                elif node.module:
                    names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


@pytest.mark.parametrize("folder, allowed", [
    ("em", {"numpy", "animate_em.em", "animate_em.errors"}),
    ("datasets", {"numpy", "animate_em.datasets", "animate_em.errors"}),
    ("render", {"numpy", "imageio", "imageio_ffmpeg", "animate_em.render", "animate_em.errors"}),
])
def test_layer_imports_only_what_design_allows(folder, allowed):
    for path, names in _imports(folder).items():
        outside = {n for n in names if n.split(".")[0] not in STDLIB
                   and not any(n == a or n.startswith(a + ".") for a in allowed)}
        assert not outside, f"{path} imports {sorted(outside)}"


def test_scene_layer_knows_nothing_of_encoders():
    for path, names in _imports("scene").items():
        assert not {n for n in names if n.startswith(("animate_em.render", "imageio", "click"))}, path
