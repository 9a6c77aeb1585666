"""Every frame of every built-in scene, streamed or asked for in any order, equals a full redraw.

The blitted frames (cached background, points layer, kept frames, ghosts
painted onto the background, stamped caption text) promise the pixels of
``frame(i, full_redraw=True)``. Overlays that appear at the end (gap label,
rank badges and frame, collapse notice, header badges), ghosts that appear
out of order and caption numbers next to fixed text each broke that promise
in one scene or another, so every scene is checked, at a tiny size to stay fast.

Every frame is streamed and every frame's blitted pixels are compared, but a full
redraw (the slow reference) is drawn only for a representative set of frames:
wherever a cache is built, reused for the first time or dropped, and a seeded
sample of the rest (:func:`_representative`). Random access is compared with the
streamed frames, which are themselves checked against the full redraws.
"""
import numpy as np
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.spec.scene import builtin_scenes

TINY = {"width": 320, "height": 180}
EM = {"fps": 10, "frames_per_iteration": 2, "max_iter": 12}
SWEEP = {"fps": 5}


def _prepared(name, size=TINY):
    scene = load_scene(name)
    # A sweep over K has no EM beats to shorten; a lower frame rate shortens its morphs.
    return prepare(scene.with_overrides({**size, **(SWEEP if scene.kind == "sweep" else EM)}))


class _FullRedraws:
    """``frame(i, full_redraw=True)`` of a fresh source, drawn once per distinct moment.

    Frames of a hold show the same moment; a full redraw depends on nothing
    else, so one per moment keeps the test fast without skipping any frame.
    """

    def __init__(self, prepared):
        self.source = frame_source(prepared)
        self.source._ensure_built()
        self.moments = [self.source._moments(i) for i in range(len(self.source))]
        self.cache = []

    def __getitem__(self, index):
        moment = self.moments[index]
        for seen, frame in self.cache:
            if seen == moment:
                return frame
        frame = self.source.frame(index, full_redraw=True)
        self.cache.append((moment, frame))
        return frame


def _representative(source, sampled=4) -> list[int]:
    """Frames whose full redraw the blitted frames are compared with.

    A segment is a run of frames with one kept background (the static key: ghosts,
    badges, overlays) and the same runs holding (start or end). Its first two frames
    (a new background, then the first frame drawn on it: an E beat, then an M beat
    reusing the points layer) and its last are where caches are built, reused and
    dropped; a seeded sample of the other moments covers captions and beats between.
    Where the background changes frame after frame (ranked panels moving into place,
    a bound redrawn every iteration) the first three and last two frames of the
    stretch stand for it, and the sample may fall inside it.
    """
    moments = [source._moments(i) for i in range(len(source))]

    def segment(m):
        # A kind's moment is one run's (it has a phase) or holds every run's (in `runs`, or itself a list).
        runs = [m] if hasattr(m, "phase") else getattr(m, "runs", m)
        return source._static_key(m), tuple(run.phase in ("start", "end") for run in runs)

    keys = [segment(m) for m in moments]
    chosen = {0, len(keys) - 1}
    for index in range(1, len(keys)):
        if keys[index] != keys[index - 1]:
            chosen.update({index - 1, index, min(index + 1, len(keys) - 1)})
    stretch: list[int] = []
    for index in [*sorted(chosen), None]:
        if stretch and index == stretch[-1] + 1:
            stretch.append(index)
            continue
        if len(stretch) > 5:
            chosen.difference_update(stretch[3:-2])
        stretch = [index]
    # The sample is drawn from moments not yet chosen (a hold's frames are one moment).
    seen = [moments[index] for index in chosen]
    rest = []
    for index, moment in enumerate(moments):
        if moment not in seen:
            seen.append(moment)
            rest.append(index)
    rng = np.random.default_rng(len(keys))
    chosen.update(rng.choice(rest, min(sampled, len(rest)), replace=False).tolist())
    return sorted(chosen)


def _first_difference(a, b) -> str:
    diff = np.abs(a.astype(int) - b.astype(int)).max(axis=2)
    rows, cols = np.nonzero(diff)
    return f"{len(rows)} px up to {diff.max()} levels, rows {rows.min()}-{rows.max()}, cols {cols.min()}-{cols.max()}"


@pytest.mark.parametrize("name", sorted(builtin_scenes()))
def test_every_frame_streamed_and_in_random_order_equals_a_full_redraw(name):
    prepared = _prepared(name)
    full = _FullRedraws(prepared)
    n = len(full.moments)
    checked = _representative(full.source)
    # Streaming without copies: every cache on the path an encoder takes.
    streamed = []
    for index, frame in enumerate(frame_source(prepared, copy=False)):
        streamed.append(frame.copy())
        if index in checked:
            reference = full[index]
            assert np.array_equal(frame, reference), f"{name} frame {index}: {_first_difference(frame, reference)}"
    assert len(streamed) == n
    assert len(full.cache) < len(checked)   # holds exist, so the per-moment shortcut above is sound
    # Random access on one source: jumps back (ghosts and badges disappear), forward past
    # several ghost changes at once, repeats, and a full redraw in the middle.
    rng = np.random.default_rng(len(name))
    order = [n - 1, 0, n // 2, *rng.integers(0, n, 4).tolist(), n - 2, 1, n - 1]
    source = frame_source(prepared)
    for step, index in enumerate(order):
        if step == len(order) // 2:
            source.frame(int(rng.integers(0, n)), full_redraw=True)
        frame = source.frame(index)
        assert np.array_equal(frame, streamed[index]), \
            f"{name} frame {index} (step {step} of {order}): {_first_difference(frame, streamed[index])}"


@pytest.mark.parametrize("name", sorted(builtin_scenes()))
def test_first_and_last_frame_equal_a_full_redraw_at_another_size(name):
    # Where overlays, badges and swatches land (and whether they touch) depends on the size:
    # the rank frame of "restarts" met its panel's header badge at 426 x 240 only.
    source = frame_source(_prepared(name, {"width": 426, "height": 240}))
    n = len(source)
    for index in (0, n - 1):
        frame = source.frame(index)
        full = source.frame(index, full_redraw=True)
        assert np.array_equal(frame, full), f"{name} frame {index}: {_first_difference(frame, full)}"
