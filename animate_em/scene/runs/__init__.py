"""Before drawing: the data a scene fits (:mod:`.data`), its EM runs (:mod:`.fitting`) and
components matched across runs so one cluster keeps one colour (:mod:`.matching`)."""
