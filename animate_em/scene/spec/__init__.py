"""The scene file: every key a scene TOML file may hold (:mod:`.schema`), its tables
(:mod:`.sections`) and the validated :class:`~.scene.Scene` (:mod:`.scene`)."""
