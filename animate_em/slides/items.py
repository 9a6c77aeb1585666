"""What a slide is made of: the scene's files (:class:`SlideItem`) and the caption and notes text."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SlideItem", "caption_text"]


@dataclass
class SlideItem:
    """One scene of a deck and the files rendered for it.

    Attributes
    ----------
    name : str
        Media file stem (the scene name, made unique and file-system safe).
    title : str
    caption : str
        The key numbers, one line per run.
    notes : str
        Speaker notes: when each iteration starts in the video.
    video, cover, manifest : Path
        MP4, first frame (PNG) and render manifest.
    width, height : int
        Video size in pixels.
    frames : Path or None
        PNG frame folder for Beamer.
    frame_names : list of str
        Frame file names in that folder, in order.
    beamer_fps : int or None
    seconds : float or None
        Length of the video.
    autoplay : bool
        The video starts when the slide opens (a step deck) instead of on the first click.
    """

    name: str
    title: str
    caption: str
    notes: str
    video: Path
    cover: Path
    manifest: Path | None
    width: int
    height: int
    frames: Path | None = None
    frame_names: list = field(default_factory=list)
    beamer_fps: int | None = None
    seconds: float | None = None
    autoplay: bool = False


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

def _ll(value: float) -> str:
    return f"{value:.2f}"


def caption_text(prepared) -> str:
    """The numbers under a slide's video.

    One run: ``K = 4, init = kmeans++ | 21 iterations (converged) | final
    log-likelihood -2369.58 | BIC 4882.10``. Several runs: one line per run
    with its label, K, iterations and final log-likelihood.

    Parameters
    ----------
    prepared : Prepared

    Returns
    -------
    str
    """
    runs = prepared.runs
    if len(runs) == 1:
        run = runs[0]
        status = "converged" if run.converged else "stopped at max_iter"
        return (f"K = {run.final.n_components}, init = {run.settings.get('init')} | "
                f"{run.n_iter} iterations ({status}) | final log-likelihood {_ll(run.final.log_likelihood)} | "
                f"BIC {run.bic:.2f}")
    lines = []
    for label, run in zip(prepared.labels, runs):
        lines.append(f"{label}: K = {run.final.n_components}, init = {run.settings.get('init')}, "
                     f"{run.n_iter} iterations, final log-likelihood {_ll(run.final.log_likelihood)}, "
                     f"BIC {run.bic:.2f}")
    return "\n".join(lines)


def _notes(manifest_record: dict) -> str:
    marks = manifest_record["chapters"]
    parts = [f"{mark['title']} at {mark['time']:.2f} s (frame {mark['frame']})" for mark in marks]
    return "Chapters: " + "; ".join(parts)
