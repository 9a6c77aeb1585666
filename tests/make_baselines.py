"""Regenerate the image baselines of tests/scene/test_scene_images.py.

Run ``.venv/bin/python tests/make_baselines.py`` after a deliberate change to
how frames look (and after upgrading matplotlib: text rendering changes between
versions). It rewrites ``tests/baseline/*.png`` and ``tests/baseline/VERSION``.

The scene is built by hand (fixed data, hand-made snapshots, fixed timeline),
so the baselines depend on the drawing code only, not on the EM core.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BASELINE_DIR = HERE / "baseline"
WIDTH, HEIGHT = 480, 270
MOMENTS = ("start", "E", "M", "end")


def _log_likelihood(X, weights, means, covs):
    logs = []
    for w, m, c in zip(weights, means, covs):
        d = X - m
        inv = np.linalg.inv(c)
        maha = np.einsum("ni,ij,nj->n", d, inv, d)
        logs.append(np.log(w) - 0.5 * maha - 0.5 * np.log(np.linalg.det(c)) - np.log(2 * np.pi))
    logs = np.array(logs)
    top = logs.max(axis=0)
    return float(np.sum(top + np.log(np.exp(logs - top).sum(axis=0))))


def baseline_prepared(theme: str = "light", width: int = WIDTH, height: int = HEIGHT, n_runs: int = 1):
    """A small fixed scene: 3 clusters, 6 hand-made iterations, 4 frames per iteration."""
    from animate_em.em.types import Run, Snapshot
    from animate_em.scene.draw.palette import get_theme
    from animate_em.scene.prepared import Prepared
    from animate_em.scene.spec.scene import Scene
    from animate_em.scene.timing.timeline import Timeline

    rng = np.random.default_rng(7)
    true_means = np.array([[0.0, 0.0], [4.0, 1.0], [1.5, 4.0]])
    true_covs = np.array([[[1.0, 0.5], [0.5, 0.8]], [[0.5, -0.2], [-0.2, 1.2]], [[0.9, 0.0], [0.0, 0.3]]])
    true_weights = np.array([0.4, 0.35, 0.25])
    counts = (true_weights * 240).astype(int)
    X = np.concatenate([rng.multivariate_normal(m, c, size=n) for m, c, n in zip(true_means, true_covs, counts)])
    runs = []
    for r in range(n_runs):
        start_means = np.array([[1.0, 1.5], [2.5, 2.0], [2.0 + 0.5 * r, 1.0]])
        start_covs = np.array([np.cov(X.T)] * 3)
        snaps = []
        for t in range(7):
            u = 1 - (1 - t / 6) ** 2
            weights = (1 - u) * np.full(3, 1 / 3) + u * true_weights
            means = (1 - u) * start_means + u * true_means
            covs = (1 - u) * start_covs + u * true_covs
            snaps.append(Snapshot(t, weights, means, covs, _log_likelihood(X, weights, means, covs)))
        runs.append(Run(tuple(snaps), settings={"init": "kmeans++", "k": 3}, converged=True, n_samples=len(X)))
    traces = [np.array([s.log_likelihood for s in run.snapshots]) for run in runs]
    timeline = Timeline.build(traces, fps=10, frames_per_iteration=4, hold_start=0.2, hold_end=0.2)
    scene = Scene.from_dict({"name": "baseline", "title": "Baseline scene",
                             "layout": "single" if n_runs == 1 else "row",
                             "style": {"theme": theme, "width": width, "height": height}})
    return Prepared(scene=scene, X=X, columns=("x", "y"), units=None, true_params=None, runs=runs,
                    labels=[f"run {r + 1}" for r in range(n_runs)], traces=traces, timeline=timeline,
                    width=width, height=height, fps=10, theme=get_theme(theme))


def moment_frames(prepared) -> dict[str, int]:
    """Frame index of each baseline moment: start, mid E beat and mid M beat of iteration 3, end."""
    timeline = prepared.timeline
    out = {"start": 0, "end": len(timeline) - 1}
    for i in range(len(timeline)):
        m = timeline.moment(i)
        if m.iteration == 3 and m.phase == "E" and 0 < m.resp_fraction < 1 and "E" not in out:
            out["E"] = i
        if m.iteration == 3 and m.phase == "M" and 0 < m.param_fraction < 1 and "M" not in out:
            out["M"] = i
    return out


def render_baselines(prepared):
    """{name: RGBA frame} for every baseline image."""
    from animate_em.scene.frames.source import frame_source

    source = frame_source(prepared)
    return {name: source.frame(index) for name, index in moment_frames(prepared).items()}


def baseline_images() -> dict[str, object]:
    """Every baseline: the four moments in the light theme, the end in the dark theme."""
    images = {f"frame_{name}": image for name, image in render_baselines(baseline_prepared()).items()}
    dark = baseline_prepared("dark")
    images["frame_end_dark"] = render_baselines(dark)["end"]
    return images


def main() -> int:
    import matplotlib
    from PIL import Image

    BASELINE_DIR.mkdir(exist_ok=True)
    for name, image in baseline_images().items():
        path = BASELINE_DIR / f"{name}.png"
        Image.fromarray(image[..., :3]).save(path, optimize=True)
        print(f"wrote {path.relative_to(HERE.parent)} ({os.path.getsize(path) // 1024} KB)")
    (BASELINE_DIR / "VERSION").write_text(f"matplotlib {matplotlib.__version__}\n")
    print(f"wrote tests/baseline/VERSION (matplotlib {matplotlib.__version__})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
