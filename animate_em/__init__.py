"""animate-em: watch Expectation-Maximization fit a Gaussian mixture.

The public surface is small:

>>> import animate_em
>>> run = animate_em.fit(X, 3, seed=0)                   # doctest: +SKIP
>>> run.snapshots[0], run.final, run.log_likelihoods     # doctest: +SKIP
>>> animate_em.render("em-basics", formats="all")        # doctest: +SKIP
>>> animate_em.animate(run, X)        # inline in Jupyter   # doctest: +SKIP

:func:`fit` returns a :class:`Run` of :class:`Snapshot` objects; a
:class:`Scene` (or a run and its data) plus :func:`render` turns them into
files. The EM core (``animate_em.em``) imports NumPy only; the drawing and
encoding layers are imported on first use, so ``fit`` stays quick to load.
"""
import types as _types

from animate_em.datasets import load_data
from animate_em.em import Collapse, Run, Selection, Snapshot, fit, restarts, select_k
from animate_em.errors import UserError

__version__ = "0.1.0"

# The renderer package keeps its name (`from animate_em.render import write`),
# and the package object is also callable as `animate_em.render(scene, path)`,
# the one-call API. The call is forwarded here, so the renderer itself still
# knows nothing of scenes or EM.
from animate_em import render as _render_package  # noqa: E402


class _CallableRenderPackage(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        from animate_em.animation import render as render_animation

        return render_animation(*args, **kwargs)


_render_package.__class__ = _CallableRenderPackage
render = _render_package

_LAZY = {"Scene": "animate_em.scene", "animate": "animate_em.animation",
         "Animation": "animate_em.animation", "RenderResult": "animate_em.animation"}


def __getattr__(name):
    # Scenes and animations pull in matplotlib: import them only when asked.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'animate_em' has no attribute {name!r}")


__all__ = ["Animation", "Collapse", "RenderResult", "Run", "Scene", "Selection", "Snapshot", "UserError",
           "animate", "fit", "load_data", "render", "restarts", "select_k", "__version__"]
