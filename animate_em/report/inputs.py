"""What a report is about: a scene (its data and model) or DATA plus model options.

:func:`resolve` turns the report's argument into :class:`Inputs`: the points,
the fitted run, the prepared scene the poster and GIF are drawn from, and
the provenance of the data.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from animate_em.errors import UserError

#: Model defaults for DATA (the same as `animate-em fit`).
DATA_DEFAULTS = dict(covariance_type="full", init="kmeans++", seed=0, n_init=1, tol=1e-3, max_iter=100,
                     reg_covar=1e-6)


@dataclass
class Inputs:
    """The data and run a report narrates.

    Attributes
    ----------
    name, title : str
    X : ndarray of shape (n_samples, 2)
    run : Run
    prepared : Prepared
        Scene, timeline and theme for the poster grid and the animation.
    source : dict
        kind ("scene" or "data"), dataset, description, columns, units,
        sha256_file, scene / scene_name, data_seed, true_weights.
    true_params : dict or None
    """

    name: str
    title: str
    X: np.ndarray
    run: object
    prepared: object
    source: dict
    true_params: dict | None


def _is_scene(source) -> bool:
    from animate_em.scene import builtin_scenes

    text = os.fspath(source)
    return text in builtin_scenes() or text.lower().endswith(".toml")


def _true_weights(true_params):
    return None if not true_params else [float(w) for w in np.asarray(true_params["weights"])]


def _from_scene(source, overrides: dict) -> Inputs:
    from animate_em import datasets
    from animate_em.animation import as_prepared, safe_name
    from animate_em.scene import builtin_scenes

    prepared = as_prepared(source if source is not None else "em-basics", overrides=overrides)
    scene, meta = prepared.scene, prepared.meta
    file_meta = meta.get("meta") or {}
    builtin = source is None or os.fspath(source) in builtin_scenes()
    src = {"kind": "built-in dataset" if meta.get("name") in datasets.names() else "file",
           "scene": f"{scene.name} (built-in)" if builtin else os.fspath(scene.path or scene.name),
           "scene_name": scene.name, "dataset": meta.get("name") or scene.data.source,
           "description": meta.get("description"), "columns": list(prepared.columns),
           "units": prepared.units, "sha256_file": file_meta.get("sha256"), "data_seed": scene.data.seed,
           "true_weights": _true_weights(prepared.true_params)}
    # The name comes from the scene file, which may come from anyone: it names a folder, never a path.
    return Inputs(name=safe_name(scene.name), title=scene.title or f"EM on {src['dataset']}", X=prepared.X,
                  run=prepared.runs[0], prepared=prepared, source=src, true_params=prepared.true_params)


def _from_data(source, model: dict, columns, style: dict, k_max: int) -> Inputs:
    from animate_em import datasets
    from animate_em.em import fit, select_k
    from animate_em.scene import Scene
    from animate_em.scene.prepared import assemble

    names = [c.strip() for c in columns.split(",")] if isinstance(columns, str) else columns
    data = datasets.open_data(source, columns=names)
    if data.n_features != 2:
        raise UserError(f"{source} has {data.n_features} columns ({', '.join(data.columns)}); a report "
                        "draws 2-D data: choose two with --columns A,B")
    settings = {**DATA_DEFAULTS, **{key: v for key, v in model.items() if v is not None}}
    k = settings.pop("k", None)
    X = np.ascontiguousarray(data.X, dtype=float)
    if k is None:
        # No K given: the lowest BIC, as `animate-em select` would choose it.
        from animate_em.report.analysis import capped_ks

        sel = select_k(X, capped_ks(X, range(1, k_max + 1))[0], covariance_types=(settings["covariance_type"],),
                       n_init=settings["n_init"], init=settings["init"], seed=settings["seed"])
        k = sel.best_k
    run = fit(X, k, **settings)
    from animate_em.animation import safe_name

    name = safe_name(Path(data.name).stem if os.sep in data.name or "." in data.name else data.name)
    scene = Scene.default().with_overrides({"name": name, "title": data_title(k, data), **style})
    label = f"init={settings['init']}, seed={settings['seed']}"
    prepared = assemble(scene, {"X": X, "columns": data.columns, "units": data.units,
                                "true_params": data.true_params, "labels": data.labels, "name": data.name,
                                "description": data.description, "meta": dict(data.meta)}, [run], [label])
    src = {"kind": "file" if data.meta.get("path") else "built-in dataset", "dataset": data.name,
           "description": data.description, "columns": list(data.columns), "units": data.units,
           "sha256_file": data.meta.get("sha256"), "true_weights": _true_weights(data.true_params),
           "k_from_bic": model.get("k") is None}
    return Inputs(name=name, title=scene.title, X=X, run=run, prepared=prepared, source=src,
                  true_params=data.true_params)


def data_title(k: int, data) -> str:
    """"A mixture of 2 Gaussians fitted by EM to the Old Faithful geyser data": a report's title for DATA.

    The subject is what the data set's description names before a colon, the
    data set's name otherwise, or the file's name.
    """
    mixture = "A single Gaussian" if k == 1 else f"A mixture of {k} Gaussians"
    description = data.description or ""
    if data.meta.get("path"):
        subject = Path(data.name).name
    elif ":" in description:
        subject = f"the {description.split(':')[0].strip()} data"
    else:
        subject = f"the {data.name} data set"
    return f"{mixture} fitted by EM to {subject}"


def resolve(source=None, *, k=None, covariance_type=None, init=None, seed=None, n_init=None, tol=None,
            max_iter=None, reg_covar=None, columns=None, quality="l", frames_per_iteration=None,
            k_max: int = 8, as_data: bool = False) -> Inputs:
    """The data, run and scene a report is about.

    Parameters
    ----------
    source : str or path, optional
        Scene name / TOML file, or DATA (dataset name or file). None: em-basics.
    k, covariance_type, init, seed, n_init, tol, max_iter, reg_covar
        Model settings (override a scene's; defaults of `animate-em fit` for DATA,
        except K, which BIC chooses over 1..k_max when not given).
    columns : str or list, optional
        Two columns of a DATA file.
    quality, frames_per_iteration
        Animation settings of the prepared scene.
    as_data : bool
        Treat `source` as DATA even when a built-in scene has the same name
        (without it, a scene name wins: ``faithful`` is a scene and a dataset).

    Raises
    ------
    UserError
        Unknown scene or dataset, unreadable or non 2-D data, bad settings.
    """
    style = {"quality": quality, "frames_per_iteration": frames_per_iteration}
    model = {"k": k, "covariance_type": covariance_type, "init": init, "seed": seed, "n_init": n_init,
             "tol": tol, "max_iter": max_iter, "reg_covar": reg_covar}
    if source is None or (not as_data and _is_scene(source)):
        if columns:
            raise UserError("--columns applies to DATA, not to a scene (set [data] columns in the scene)")
        return _from_scene(source, {**model, **style})
    return _from_data(source, model, columns, style, k_max)
