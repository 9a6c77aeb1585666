"""Render manifests: what a render drew, so anyone can draw it again, and where each iteration starts.

Every :func:`animate_em.animation.render` writes ``<name>.manifest.json``
beside its media, once the media are complete::

    {"manifest_version": 1, "scene": {...every key, defaults filled in...},
     "seeds": {...}, "versions": {...}, "data": {"sha256": ..., ...},
     "video": {"n_frames": 65, "fps": 15, "width": 854, "height": 480, "duration": 4.33},
     "outputs": [{"format": "mp4", "path": "em-basics.mp4"}],
     "chapters": [{"title": "Initial guess", "iteration": 0, "frame": 0, "time": 0.0}, ...]}

The chapters are the frames at which each EM iteration begins (every one is a
keyframe of the MP4), so a presenter can jump straight to iteration 10.
:func:`load` turns a manifest back into the exact :class:`Scene`, after
checking that the data it loads today hashes to what was drawn;
:func:`animate_em.animation.render_from_manifest` draws it again.
"""
from __future__ import annotations

from animate_em.manifest.record import (
                     MANIFEST_VERSION,
                     SUFFIX,
                     VTT_SUFFIX,
                     build_manifest,
                     chapters,
                     chapters_path,
                     chapters_vtt,
                     checksum,
                     manifest_text,
                     data_hash,
                     manifest_path,
                     versions,
                     write_chapters_vtt,
                     write_manifest,
)
from animate_em.manifest.replay import (
                     VersionWarning,
                     load,
                     load_manifest,
                     prepare_from_manifest,
                     recorded_formats,
                     version_differences,
)

__all__ = ["MANIFEST_VERSION", "SUFFIX", "VTT_SUFFIX", "VersionWarning", "build_manifest", "chapters",
           "chapters_path", "chapters_vtt", "checksum", "data_hash", "manifest_text",
           "load", "load_manifest", "manifest_path", "prepare_from_manifest", "recorded_formats",
           "version_differences", "versions", "write_manifest",
           "write_chapters_vtt"]
