"""How much of the frame the panels cover, for every built-in scene and a user's data file.

Run by hand (no timing; the numbers depend only on the code)::

    .venv/bin/python bench/frame_cover.py [--quality l h]

For each scene and quality preset it prints the fraction of the frame's area
covered by the data panels (their axes boxes), by the data panels plus the
log-likelihood (or criterion) panel, the size of one data panel in pixels,
and the fraction of the data panel that the data's bounding box spans in its
limiting direction (the framing target is at least 80 %). To compare with
another version of the package, run the same script with ``PYTHONPATH``
pointing at that version's source (e.g. ``git archive main | tar -x -C
/tmp/main``).
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from animate_em.scene import builtin_scenes, frame_source, load_scene, prepare
from animate_em.scene.draw.points import PointCloud


def user_csv(folder: Path) -> Path:
    """A three-cluster CSV with a header, shaped like iris' petal columns."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal([1.5, 0.3], [0.2, 0.1], (50, 2)), rng.normal([4.5, 1.4], [0.5, 0.2], (50, 2)),
                   rng.normal([5.6, 2.0], [0.5, 0.25], (50, 2))])
    path = folder / "petals.csv"
    path.write_text("petal length (cm),petal width (cm)\n" + "\n".join(f"{a:.3f},{b:.3f}" for a, b in X) + "\n")
    return path


def measure(prepared) -> dict:
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    fig = source.fig
    W, H = fig.bbox.width, fig.bbox.height
    data = [ax for ax in fig.axes if any(isinstance(a, PointCloud) for a in ax.get_children())]
    if not data:   # another points artist (density images): every axes but the trace's
        data = [ax for ax in fig.axes if ax.get_ylabel() not in ("log-likelihood (total)",)][:len(prepared.runs)]
    area = lambda ax: ax.bbox.width * ax.bbox.height
    X = np.asarray(prepared.X)[:, :2]
    fractions = []
    for ax in data:
        lo, hi = ax.transData.transform(X.min(axis=0)), ax.transData.transform(X.max(axis=0))
        fractions.append(max((hi[0] - lo[0]) / ax.bbox.width, (hi[1] - lo[1]) / ax.bbox.height))
    return dict(data=sum(area(ax) for ax in data) / (W * H), all=sum(area(ax) for ax in fig.axes) / (W * H),
                panel=(data[0].bbox.width, data[0].bbox.height), framing=min(fractions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", nargs="+", default=["l", "h"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scenes = {name: load_scene(name) for name in sorted(builtin_scenes())}
        scenes["user csv (em-basics, K = 3)"] = load_scene("em-basics").with_overrides(
            {"data": str(user_csv(Path(tmp))), "k": 3})
        print(f"{'scene':<28} {'q':>2} {'data panels':>12} {'all panels':>11} {'one panel (px)':>15} "
              f"{'data spans':>11}")
        for name, scene in scenes.items():
            for quality in args.quality:
                m = measure(prepare(scene.with_overrides({"quality": quality})))
                w, h = m["panel"]
                print(f"{name:<28} {quality:>2} {m['data']:>11.1%} {m['all']:>11.1%} {w:>8.0f} x {h:<4.0f} "
                      f"{m['framing']:>10.0%}")


if __name__ == "__main__":
    main()
