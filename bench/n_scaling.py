"""Per-frame cost against the number of points: a scatter up to 20,000 points, a density image beyond.

Run by hand (not part of the test suite)::

    .venv/bin/python bench/n_scaling.py [--sizes 5000 20000 100000 1000000] [--save DIR] [--repeat 2]

The same animation (the ``anisotropic`` data at N points, K = 4, exactly
20 EM iterations, 4 frames per iteration plus the holds, 854x480) is drawn
for every N; the frame count is the same for all. Timed: drawing every frame
(``frame_source`` iterated, building the figure and binning the points
included; fitting and encoding are not: EM's cost is ``bench/em_speed.py``'s,
and the encoder sees the same frames whatever N). Printed per frame, in wall
and process CPU time, with the ratio to the smallest N. Target (issue 10):
N = 1,000,000 at most 1.5x N = 5,000. ``--save DIR`` writes the first, a
middle and the last frame of every N as PNG files to look at.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

TARGET = 1.5
OVERRIDES = {"quality": "l", "max_iter": 20, "tol": 0.0, "frames_per_iteration": 4, "k": 4}


def draw_all(prepared, save: Path | None, n: int) -> tuple[float, float, int]:
    from PIL import Image

    from animate_em.scene import frame_source

    source = frame_source(prepared, copy=False)
    total = len(source)
    keep = {0, total // 3, total - 1}
    wall, cpu = time.perf_counter(), time.process_time()
    for index, frame in enumerate(source):
        if save is not None and index in keep:
            # Saved outside the clock.
            pause = time.perf_counter(), time.process_time()
            Image.fromarray(frame[..., :3]).save(save / f"n{n}_frame{index:03d}.png")
            wall += time.perf_counter() - pause[0]
            cpu += time.process_time() - pause[1]
    return (time.perf_counter() - wall) / total, (time.process_time() - cpu) / total, total


def main() -> None:
    from animate_em.scene import load_scene, prepare
    from animate_em.scene.draw.points import DENSITY_FROM

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 20000, 100000, 1000000])
    parser.add_argument("--repeat", type=int, default=2, help="timed repeats per N (best kept)")
    parser.add_argument("--save", type=Path, default=None, help="folder for a few frames of every N")
    args = parser.parse_args()
    if args.save is not None:
        args.save.mkdir(parents=True, exist_ok=True)
    base = None
    print(f"{'N':>9}  {'drawn as':<8} {'frames':>6} {'fit (s)':>8} {'ms/frame':>9} {'cpu ms':>7} "
          f"{'ratio':>6} {'cpu ratio':>9}")
    results = {}
    for n in args.sizes:
        started = time.perf_counter()
        prepared = prepare(load_scene("em-basics").with_overrides({**OVERRIDES, "n_samples": n}))
        fit = time.perf_counter() - started
        runs = [draw_all(prepared, args.save if r == 0 else None, n) for r in range(args.repeat)]
        wall = min(r[0] for r in runs)
        cpu = min(r[1] for r in runs)
        frames = runs[0][2]
        if base is None:
            base = (wall, cpu)
        results[n] = (wall / base[0], cpu / base[1])
        kind = "density" if n > DENSITY_FROM else "points"
        print(f"{n:>9}  {kind:<8} {frames:>6} {fit:>8.1f} {1000 * wall:>9.1f} {1000 * cpu:>7.1f} "
              f"{wall / base[0]:>6.2f} {cpu / base[1]:>9.2f}   (median {1000 * statistics.median(r[0] for r in runs):.1f} ms)")
    big, small = max(args.sizes), min(args.sizes)
    if big >= 1_000_000 and small <= 5000:
        ratio = results[big][0]
        print(f"\nN = {big:,} against N = {small:,}: {ratio:.2f}x per frame (CPU {results[big][1]:.2f}x); "
              f"target <= {TARGET}x: {'PASS' if ratio <= TARGET else 'FAIL'}")


if __name__ == "__main__":
    main()
