"""Drawing, with matplotlib: figures whose text scales with the frame (:mod:`.figure`), where
regions go (:mod:`.layout`), the data and log-likelihood panels (:mod:`.panels`), ellipses
(:mod:`.ellipse`), points (:mod:`.points`), colours (:mod:`.palette`), words (:mod:`.captions`),
punchline overlays (:mod:`.overlays`), the parts every frame has (:mod:`.parts`) and posters
(:mod:`.poster`). Drawing knows nothing of encoders or files."""
