"""animate-em: watch Expectation-Maximization fit a Gaussian mixture.

The public surface is small: :func:`fit` returns a :class:`Run` of
:class:`Snapshot` objects; a ``Scene`` plus ``render`` turns runs into files.
"""
__version__ = "0.1.0"
