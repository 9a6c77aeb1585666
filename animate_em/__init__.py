"""animate-em: watch Expectation-Maximization fit a Gaussian mixture.

The public surface is small:

>>> import animate_em
>>> run = animate_em.fit(X, 3, seed=0)                   # doctest: +SKIP
>>> run.snapshots[0], run.final, run.log_likelihoods     # doctest: +SKIP
>>> animate_em.render("em-basics", formats="all")        # doctest: +SKIP
>>> animate_em.animate(run, X)        # inline in Jupyter   # doctest: +SKIP
>>> animate_em.check(X, "alice.npz")  # is a recorded EM right, step by step?   # doctest: +SKIP
>>> animate_em.from_history(X, "alice.npz")   # ... as a Run, to animate   # doctest: +SKIP

:func:`fit` returns a :class:`Run` of :class:`Snapshot` objects; a
:class:`Scene` (or a run and its data) plus :func:`render` turns them into
files. The EM core (``animate_em.em``) imports NumPy only; every layer,
the EM core included, is imported on first use, so ``import animate_em`` (and
``animate-em --help``) stays quick and ``fit`` never loads matplotlib.
"""
from animate_em.errors import UserError
from animate_em.version import __version__


def render(scene_or_run=None, path=None, *, formats=None, data=None, output_dir="output", still: bool = False,
           poster: bool = False, overrides: dict | None = None, on_frame=None, manifest: bool = True,
           on_start=None, **scene_overrides):
    """Render a scene or a fitted run to MP4 / GIF / WebM / PNG sequence, plus stills.

    The one-call API; see :func:`animate_em.animation.render` for every
    parameter. The drawing and encoding layers are imported on the first
    call, so ``import animate_em`` stays quick.

    >>> animate_em.render("em-basics", formats=("mp4", "gif"), poster=True)   # doctest: +SKIP
    >>> animate_em.render(run, "fit.mp4", data=X, theme="dark")               # doctest: +SKIP

    Returns
    -------
    RenderResult
    """
    from animate_em.animation import render as render_animation

    return render_animation(scene_or_run, path, formats=formats, data=data, output_dir=output_dir, still=still,
                            poster=poster, overrides=overrides, on_frame=on_frame, manifest=manifest,
                            on_start=on_start, **scene_overrides)


_LAZY = {"Scene": "animate_em.scene", "animate": "animate_em.animation",
         "Animation": "animate_em.animation", "RenderResult": "animate_em.animation",
         "load_data": "animate_em.datasets", "check": "animate_em.course", "from_history": "animate_em.course",
         **{name: "animate_em.em" for name in ("Collapse", "Run", "Selection", "Snapshot", "fit", "restarts",
                                               "select_k")}}


def __getattr__(name):
    # NumPy (EM core, datasets) and matplotlib (scenes, animations): imported only when asked.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'animate_em' has no attribute {name!r}")


__all__ = ["Animation", "Collapse", "RenderResult", "Run", "Scene", "Selection", "Snapshot", "UserError",
           "animate", "check", "fit", "from_history", "load_data", "render", "restarts", "select_k",
           "__version__"]
