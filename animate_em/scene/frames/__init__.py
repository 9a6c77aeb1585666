"""Streaming frames: the blitting engine every frame source is built on (:mod:`.blit`) and
:func:`~.source.frame_source`, the frames of any prepared scene (:mod:`.source`)."""
