"""The course kit: bring your own EM, check it step by step, and animate it.

>>> from animate_em.course import check, from_history          # doctest: +SKIP
>>> np.savez("alice.npz", weights=W, means=M, covariances=S)   # doctest: +SKIP
>>> print(check(X, "alice.npz"))                               # doctest: +SKIP
>>> run = from_history(X, "alice.npz")                         # doctest: +SKIP

- :mod:`.history`    reading a recorded trajectory (sequence, stacked arrays, ``.npz``)
- :mod:`.recorded`   a history as a :class:`~animate_em.em.Run` (our log-likelihoods beside its own)
- :mod:`.reference`  one exact EM step of animate_em's core from any parameters
- :mod:`.mistakes`   the classic mistakes of a hand-written EM, each as the step it computes
- :mod:`.likelihood` falls of the log-likelihood, and a recorded log-likelihood against ours
- :mod:`.trajectory` the step-by-step verdict; :mod:`.report` puts it in words
- :mod:`.exercises`  checks of one E-step or one log-likelihood (the starter notebook)

NumPy only, like the EM core it checks against.
"""
from .trajectory import RTOL, CheckReport, check
from .exercises import ExerciseCheck, check_log_likelihood, check_responsibilities
from .history import History, read_history
from .mistakes import MISTAKES
from .recorded import from_history

__all__ = ["MISTAKES", "RTOL", "CheckReport", "ExerciseCheck", "History", "check", "check_log_likelihood",
           "check_responsibilities", "from_history", "read_history"]
