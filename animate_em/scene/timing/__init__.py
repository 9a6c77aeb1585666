"""Time: the timeline that maps a frame to a moment of EM (:mod:`.timeline`), how many frames
each iteration and beat gets (:mod:`.pacing`), and tweening between snapshots (:mod:`.tween`)."""
