"""Time animate-em's renderer against the matplotlib pipeline a lecturer writes today.

Run by hand (scikit-learn is a test dependency only; nothing here runs in the test suite)::

    .venv/bin/python bench/render_speed.py [--quick] [--only speed|memory|panels] [--repeat 2]

Three measurements, each against a baseline measured in the same run:

speed
    The same workload (3000 points from the ``anisotropic`` dataset, K = 4,
    exactly 60 EM iterations, 1280x720 H.264 MP4 at 30 fps) rendered two ways:

    (a) scikit-learn's ``GaussianMixture`` stepped one iteration per call
        (``warm_start=True, max_iter=1``) from our initial parameters, and a
        ``FuncAnimation`` whose update function clears and redraws both axes
        (scatter in soft-assignment colours, 2-sigma ``Ellipse`` patches, means,
        the log-likelihood line) saved with matplotlib's ``FFMpegWriter``;
    (b) ``animate_em.render`` of the equivalent scene (``em-basics`` with the
        workload's overrides), which also draws ghosts, weights and a caption.

    Both write the same number of frames (animate-em's start and end holds are
    redrawn by (a) too) with the same encoder settings (libx264, preset
    medium, CRF 18, yuv420p, High profile, faststart), once with one frame per
    iteration and once with five. Times include fitting, drawing and encoding.
memory
    Peak RSS (``VmHWM``) of a child process rendering the same fit as 1000
    frames and as 100 frames (the frames must be streamed, not collected).
    ``ru_maxrss`` is not used for the child: Linux keeps it across
    ``execve``, so a child forked from this (large) process would report the
    parent's size. ffmpeg's peak is printed separately.
panels
    Per-frame-per-panel cost of the multi-panel ``restarts`` scene (or, if it
    is not installed, a 9-run grid built in code) against the same scene with
    one run, and against ``em-basics`` at the same quality.

Timings are the best of ``--repeat`` runs (the median is printed too); the
machine may be shared, so the best is the least disturbed measurement.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Targets from the issue: (a) time per frame / (b) time per frame must reach these.
SPEED_TARGETS = {1: 8.0, 5: 15.0}
#: Peak RSS of a 1000-frame render may be at most this multiple of a 100-frame one.
MEMORY_TARGET = 1.2
#: Per-panel cost of a multi-panel frame may be at most this multiple of a one-panel frame.
PANEL_TARGET = 1.0

# x264 settings of animate-em's Mp4Writer, given to matplotlib's writer too.
X264_ARGS = ["-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p", "-profile:v", "high",
             "-movflags", "+faststart"]
# Okabe-Ito, the palette animate-em uses; the lecturer's plot gets the same colours.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#000000"]


@dataclass(frozen=True)
class Workload:
    n_samples: int = 3000
    k: int = 4
    n_iter: int = 60
    quality: str = "m"          # 1280x720, 30 fps
    memory_frames: tuple = (100, 1000)
    panel_duration: float = 4.0
    panel_runs: int = 9


FULL = Workload()
QUICK = Workload(n_samples=600, n_iter=8, memory_frames=(30, 150), panel_duration=1.5, panel_runs=4)


def scene_for(work: Workload, **overrides):
    """em-basics with the workload's data and model; EM runs exactly ``n_iter`` iterations.

    The scene schema refuses ``tol = 0``; a tolerance of 1e-300 never stops EM
    early (the count is checked after fitting).
    """
    from animate_em.scene import Scene

    return Scene.default().with_overrides(dict(
        name="bench", n_samples=work.n_samples, k=work.k, tol=1e-300, max_iter=work.n_iter,
        quality=work.quality, **overrides))


def best_and_median(times: list[float]) -> tuple[float, float]:
    return min(times), statistics.median(times)


def cpu_seconds() -> float:
    """CPU time of this process plus its finished children (ffmpeg): less sensitive to a busy machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(call) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of ``call()``."""
    cpu, start = cpu_seconds(), time.perf_counter()
    result = call()
    return time.perf_counter() - start, cpu_seconds() - cpu, result


# ---------------------------------------------------------------------------
# (a) the lecturer's pipeline
# ---------------------------------------------------------------------------

def lecturer_render(X: np.ndarray, initial, *, k: int, n_iter: int, frames_per_iteration: int,
                    hold_start: int, hold_end: int, size: tuple[int, int], fps: int, path: Path) -> dict:
    """scikit-learn stepped once per iteration + FuncAnimation that clears and redraws, FFMpegWriter.

    Frame ``f`` shows iteration 0 during the start hold, then iteration
    ``(f - hold_start) // frames_per_iteration + 1`` (the same state redrawn
    ``frames_per_iteration`` times), then the final state during the end hold.
    """
    import imageio_ffmpeg
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Ellipse
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    matplotlib.rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
    colours = np.array([to_rgb(c) for c in OKABE_ITO[:k]])
    n_frames = hold_start + n_iter * frames_per_iteration + hold_end

    gm = GaussianMixture(k, covariance_type="full", tol=0.0, max_iter=1, warm_start=True,
                         weights_init=initial.weights, means_init=initial.means,
                         precisions_init=np.linalg.inv(initial.covariances), reg_covar=1e-6)
    state = {"iteration": 0, "weights": initial.weights, "means": initial.means,
             "covariances": initial.covariances, "resp": None, "ll": []}

    def step_to(iteration: int) -> None:
        while state["iteration"] < iteration:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                gm.fit(X)
            state.update(iteration=state["iteration"] + 1, weights=gm.weights_, means=gm.means_,
                         covariances=gm.covariances_, resp=gm.predict_proba(X))
            state["ll"].append(gm.score(X) * len(X))

    fig, (ax, ax_ll) = plt.subplots(1, 2, figsize=(size[0] / 100, size[1] / 100), dpi=100,
                                    gridspec_kw={"width_ratios": [2, 1]})
    xlim = (X[:, 0].min() - 1, X[:, 0].max() + 1)
    ylim = (X[:, 1].min() - 1, X[:, 1].max() + 1)

    def update(frame: int):
        if frame < hold_start:
            iteration = 0
        else:
            iteration = min(n_iter, (frame - hold_start) // frames_per_iteration + 1)
        step_to(iteration)
        ax.clear()
        c = "0.6" if state["resp"] is None else state["resp"] @ colours
        ax.scatter(X[:, 0], X[:, 1], c=c, s=6, alpha=0.8, linewidths=0)
        for j in range(k):
            values, vectors = np.linalg.eigh(state["covariances"][j])
            angle = np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1]))
            width, height = 2 * 2.0 * np.sqrt(values[::-1])
            ax.add_patch(Ellipse(state["means"][j], width, height, angle=angle, fill=False,
                                 edgecolor=colours[j], linewidth=2))
        ax.scatter(state["means"][:, 0], state["means"][:, 1], marker="x", c=colours, s=80, linewidths=2)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        ax.set_aspect("equal")
        ax.set_title(f"EM iteration {iteration}")
        ax_ll.clear()
        ax_ll.plot(range(1, len(state["ll"]) + 1), state["ll"], "o-", color="k", markersize=3)
        ax_ll.set_xlim(0, n_iter + 1)
        ax_ll.set_xlabel("iteration")
        ax_ll.set_ylabel("log-likelihood")
        return []

    anim = FuncAnimation(fig, update, frames=n_frames, init_func=lambda: [], repeat=False,
                         cache_frame_data=False)
    anim.save(str(path), writer=FFMpegWriter(fps=fps, codec="libx264", extra_args=X264_ARGS))
    plt.close(fig)
    return {"n_frames": n_frames, "means": np.array(state["means"]), "ll": state["ll"][-1]}


# ---------------------------------------------------------------------------
# speed
# ---------------------------------------------------------------------------

def bench_speed(work: Workload, repeat: int) -> list[dict]:
    import animate_em
    from animate_em.animation import as_prepared
    from animate_em.encode.ffmpeg import count_frames

    rows = []
    for fpi in (1, 5):
        scene = scene_for(work, frames_per_iteration=fpi)
        # Untimed: the initial parameters for scikit-learn and the frame layout.
        reference = as_prepared(scene)
        run = reference.runs[0]
        if run.n_iter != work.n_iter:
            raise SystemExit(f"EM ran {run.n_iter} iterations, expected {work.n_iter}")
        timeline = reference.timeline
        t_ours, t_theirs, cpu_ours, cpu_theirs = [], [], [], []
        with tempfile.TemporaryDirectory() as folder:
            ours_path, theirs_path = Path(folder) / "ours.mp4", Path(folder) / "theirs.mp4"
            for _ in range(repeat):   # interleaved, so a busy moment hurts both alike
                wall, cpu, result = timed(lambda: animate_em.render(scene, ours_path))
                t_ours.append(wall)
                cpu_ours.append(cpu)
                wall, cpu, theirs = timed(lambda: lecturer_render(
                    reference.X, run.snapshots[0], k=work.k, n_iter=work.n_iter, frames_per_iteration=fpi,
                    hold_start=timeline.hold_start_frames, hold_end=timeline.hold_end_frames,
                    size=(reference.width, reference.height), fps=reference.fps, path=theirs_path))
                t_theirs.append(wall)
                cpu_theirs.append(cpu)
            frames_ours, frames_theirs = count_frames(ours_path), count_frames(theirs_path)
            mb_ours, mb_theirs = ours_path.stat().st_size / 1e6, theirs_path.stat().st_size / 1e6
        if not frames_ours == frames_theirs == result.n_frames == theirs["n_frames"]:
            raise SystemExit(f"frame counts differ: ours {frames_ours}, matplotlib {frames_theirs}")
        drift = float(np.abs(theirs["means"] - run.final.means).max())
        label = (f"{work.n_samples} pts, K={work.k}, {work.n_iter} it x {fpi} fr "
                 f"+ {timeline.hold_start_frames + timeline.hold_end_frames} hold")
        b_ours, m_ours = best_and_median(t_ours)
        b_theirs, m_theirs = best_and_median(t_theirs)
        rows.append(dict(workload=f"(a) matplotlib+sklearn, {label}", frames=frames_theirs, best=b_theirs,
                         median=m_theirs, cpu=min(cpu_theirs), mb=mb_theirs, ratio=None, target=None))
        rows.append(dict(workload=f"(b) animate-em,          {label}", frames=frames_ours, best=b_ours,
                         median=m_ours, cpu=min(cpu_ours), mb=mb_ours, ratio=(b_theirs / frames_theirs) / (b_ours / frames_ours),
                         target=SPEED_TARGETS[fpi]))
        rows[-1]["cpu_ratio"] = (rows[-2]["cpu"] / frames_theirs) / (rows[-1]["cpu"] / frames_ours)
        rows[-1]["note"] = (f"sklearn vs animate-em final means differ by {drift:.1e}; "
                            f"final LL {theirs['ll']:.3f} vs {run.final.log_likelihood:.3f}")
    return rows


# ---------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------

def _child_render(spec: dict) -> None:
    """Runs in a child process: prepare, render, then report peak RSS (KiB) as JSON."""
    import animate_em
    from animate_em.animation import as_prepared

    work = Workload(**{k: tuple(v) if isinstance(v, list) else v for k, v in spec["work"].items()})
    fps = 30
    scene = scene_for(work, duration=spec["frames"] / fps, fps=fps, hold_start=1 / fps, hold_end=1 / fps)
    prepared = as_prepared(scene)
    before = _vm_kib("VmRSS")
    with tempfile.TemporaryDirectory() as folder:
        result = animate_em.render(prepared, Path(folder) / "memory.mp4")
    print(json.dumps({"frames": result.n_frames, "before_kib": before, "peak_kib": _vm_kib("VmHWM"),
                      "ru_self_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "ru_ffmpeg_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))


def _vm_kib(field: str) -> int:
    """A field of /proc/self/status in KiB (0 where /proc does not exist)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def bench_memory(work: Workload) -> list[dict]:
    results = {}
    for frames in work.memory_frames:
        spec = {"frames": frames, "work": work.__dict__}
        start = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], check=True,
                             capture_output=True, text=True)
        info = json.loads(out.stdout.strip().splitlines()[-1])
        info["seconds"] = time.perf_counter() - start
        results[frames] = info
    small, large = (results[f] for f in work.memory_frames)
    for info in (small, large):
        # VmHWM starts afresh at exec; ru_maxrss keeps the RSS the forked parent had (Linux keeps it
        # across execve), so after the speed section it would report this big process, not the child.
        info["python_kib"] = info["peak_kib"] or info["ru_self_kib"]
    rows = []
    for frames, info in results.items():
        rows.append(dict(workload=f"render {frames} frames in a child process", frames=info["frames"],
                         best=info["seconds"], median=None, peak_mb=info["python_kib"] / 1024,
                         growth_mb=(info["peak_kib"] - info["before_kib"]) / 1024,
                         ffmpeg_mb=info["ru_ffmpeg_kib"] / 1024, ratio=None, target=None))
    rows[-1]["ratio"] = large["python_kib"] / small["python_kib"]
    rows[-1]["target"] = MEMORY_TARGET
    # What RUSAGE_CHILDREN of this process would report: the largest process of the tree (often ffmpeg).
    tree = [max(info["python_kib"], info["ru_ffmpeg_kib"]) / 1024 for info in (small, large)]
    rows[-1]["tree"] = (tree[0], tree[1], tree[1] / tree[0])
    return rows


# ---------------------------------------------------------------------------
# panels
# ---------------------------------------------------------------------------

def multi_panel_scene(work: Workload):
    """The built-in ``restarts`` scene if installed, else a grid of runs from different seeds."""
    from animate_em.scene import Scene
    from animate_em.scene.spec.scene import builtin_scenes, load_scene

    if "restarts" in builtin_scenes():
        return load_scene("restarts"), "restarts (built-in)"
    d = {"name": "restarts-bench", "title": "Same data, different starts", "layout": "grid",
         "data": {"source": "anisotropic", "seed": 0, "n_samples": 500},
         "model": {"k": 4, "init": "random_from_data", "tol": 1e-4, "max_iter": 100},
         "runs": [{"label": f"seed={s}", "seed": s} for s in range(work.panel_runs)]}
    return Scene.from_dict(d), f"{work.panel_runs}-run grid built in code (no 'restarts' scene yet)"


def bench_panels(work: Workload, repeat: int) -> list[dict]:
    import animate_em
    from animate_em.animation import as_prepared
    from animate_em.scene import Scene

    multi, multi_name = multi_panel_scene(work)
    timing = dict(quality=work.quality, duration=work.panel_duration, hold_start=0.5, hold_end=0.5)
    multi = multi.with_overrides(timing)
    # The same scene with only its first run: same data, quality and clock, one panel.
    single = Scene.from_dict({**multi.to_dict(), "runs": multi.to_dict()["runs"][:1], "layout": "auto"},
                             name=multi.name)
    basics = Scene.default().with_overrides(timing)
    cases = [("em-basics", basics), (f"{multi_name}, first run only", single), (multi_name, multi)]
    prepared = [(name, as_prepared(scene)) for name, scene in cases]
    times = {name: [] for name, _ in prepared}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            for name, p in prepared:
                # A fresh Prepared-equivalent each time: rendering does not mutate it, fits are excluded.
                start = time.perf_counter()
                animate_em.render(p, Path(folder) / "panels.mp4")
                times[name].append(time.perf_counter() - start)
    rows = []
    base_cost = {}
    for name, p in prepared:
        n_panels = len(p.runs)
        best, median = best_and_median(times[name])
        per_panel = best / p.n_frames / n_panels
        base_cost[name] = per_panel
        rows.append(dict(workload=f"{name}: {n_panels} panel(s), {p.n_samples} pts each", frames=p.n_frames,
                         best=best, median=median, per_panel_ms=per_panel * 1e3, ratio=None, target=None))
    multi_cost = rows[-1]["per_panel_ms"] / 1e3
    rows[-1]["ratio"] = multi_cost / base_cost[f"{multi_name}, first run only"]
    rows[-1]["target"] = PANEL_TARGET
    rows[-1]["ratio_basics"] = multi_cost / base_cost["em-basics"]
    return rows


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def verdict(row: dict, higher_is_better: bool) -> str:
    if row.get("target") is None:
        return ""
    ok = row["ratio"] >= row["target"] if higher_is_better else row["ratio"] <= row["target"]
    return "PASS" if ok else "FAIL"


def print_speed(rows: list[dict]) -> None:
    print("\nspeed: wall-clock time per frame (fit + draw + encode), (a) / (b); higher is better")
    print(f"{'workload':<72} {'frames':>6} {'best s':>8} {'median s':>9} {'ms/frame':>9} {'ratio':>7} "
          f"{'target':>7} {'':>4} {'CPU ms/fr':>9} {'CPU ratio':>9} {'MB':>6}")
    for row in rows:
        ratio = f"{row['ratio']:.1f}x" if row["ratio"] is not None else ""
        target = f">={row['target']:g}x" if row["target"] is not None else ""
        cpu_ratio = f"{row['cpu_ratio']:.1f}x" if row.get("cpu_ratio") is not None else ""
        print(f"{row['workload']:<72} {row['frames']:>6d} {row['best']:>8.2f} {row['median']:>9.2f} "
              f"{row['best'] / row['frames'] * 1e3:>9.1f} {ratio:>7} {target:>7} {verdict(row, True):>4} "
              f"{row['cpu'] / row['frames'] * 1e3:>9.1f} {cpu_ratio:>9} {row['mb']:>6.2f}")
        if row.get("note"):
            print(f"    {row['note']}")


def print_memory(rows: list[dict]) -> None:
    print("\nmemory: peak RSS (VmHWM) of the rendering process (ffmpeg is a separate process); lower is better")
    print(f"{'workload':<44} {'frames':>6} {'seconds':>8} {'ms/frame':>9} {'peak MB':>8} {'growth MB':>10} "
          f"{'ffmpeg MB':>10} {'ratio':>6} {'target':>7} {'':>4}")
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else ""
        target = f"<={row['target']:g}" if row["target"] is not None else ""
        print(f"{row['workload']:<44} {row['frames']:>6d} {row['best']:>8.2f} "
              f"{row['best'] / row['frames'] * 1e3:>9.1f} {row['peak_mb']:>8.1f} {row['growth_mb']:>10.1f} "
              f"{row['ffmpeg_mb']:>10.1f} {ratio:>6} {target:>7} {verdict(row, False):>4}")
    print("    growth = peak RSS minus RSS after preparing the scene (fit done, nothing drawn); "
          "seconds include interpreter start-up")
    small, large, ratio = rows[-1]["tree"]
    print(f"    largest process of the tree (Python or ffmpeg, what RUSAGE_CHILDREN reports): {small:.1f} -> "
          f"{large:.1f} MB, ratio {ratio:.2f} ({'PASS' if ratio <= MEMORY_TARGET else 'FAIL'} against "
          f"<={MEMORY_TARGET:g}); x264's own buffers are the ceiling there, not the number of frames")


def print_panels(rows: list[dict]) -> None:
    print("\npanels: time per frame per panel, multi-panel / one panel; lower is better "
          "(fits excluded)")
    print(f"{'workload':<72} {'frames':>6} {'best s':>8} {'median s':>9} {'ms/fr/panel':>12} {'ratio':>6} "
          f"{'target':>7} {'':>4}")
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else ""
        target = f"<={row['target']:g}" if row["target"] is not None else ""
        print(f"{row['workload']:<72} {row['frames']:>6d} {row['best']:>8.2f} {row['median']:>9.2f} "
              f"{row['per_panel_ms']:>12.2f} {ratio:>6} {target:>7} {verdict(row, False):>4}")
    last = rows[-1]
    print(f"    against em-basics (500 pts, one panel): ratio {last['ratio_basics']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workload for a smoke run")
    parser.add_argument("--only", choices=("speed", "memory", "panels"), help="run one measurement only")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed repeats, interleaved; the best counts (default 1: about 3 minutes on an idle "
                             "2-core machine; use 2-3 on a busy one)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_render(json.loads(args.child))
        return
    work = QUICK if args.quick else FULL
    repeat = args.repeat or 1
    import imageio_ffmpeg
    import matplotlib

    import animate_em
    print(f"animate-em {animate_em.__version__}, matplotlib {matplotlib.__version__}, "
          f"ffmpeg {imageio_ffmpeg.get_ffmpeg_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}, repeat {repeat}{', QUICK' if args.quick else ''}")
    started = time.perf_counter()
    if args.only in (None, "speed"):
        print_speed(bench_speed(work, repeat))
    if args.only in (None, "memory"):
        print_memory(bench_memory(work))
    if args.only in (None, "panels"):
        print_panels(bench_panels(work, repeat))
    print(f"\ntotal {time.perf_counter() - started:.0f} s, load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
