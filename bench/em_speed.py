"""Time one EM iteration of animate_em against scikit-learn's own E/M loop.

Run by hand (scikit-learn is a test dependency only)::

    .venv/bin/python bench/em_speed.py [--sizes 1e4 1e5 1e6] [--repeat 5]

One iteration = E-step + M-step + the log-likelihood, K=5, d=2, full
covariances, both started from the same parameters in the same process.
Also reports the peak extra memory (tracemalloc) of one of our iterations at
the largest N against the N*K*8 bytes of one (N, K) float array.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings

import numpy as np

from animate_em.em import fit
from animate_em.em.fit import _State, em_iteration
from animate_em.em import estep, gaussian

K, D = 5, 2


def make_data(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-6, 6, size=(K, D))
    labels = rng.integers(K, size=n)
    scales = rng.uniform(0.5, 1.5, size=(K, D))
    return centers[labels] + rng.standard_normal((n, D)) * scales[labels]


def best_time(step, repeat: int, inner: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(inner):
            step()
        best = min(best, (time.perf_counter() - start) / inner)
    return best


def bench(n: int, repeat: int) -> dict:
    from sklearn.mixture import GaussianMixture

    X = make_data(n)
    start_run = fit(X, K, seed=0, max_iter=0)
    s0 = start_run.final

    gm = GaussianMixture(K, covariance_type="full", weights_init=s0.weights, means_init=s0.means,
                         precisions_init=np.linalg.inv(s0.covariances), max_iter=1, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X[: 10 * K])  # allocate attributes; parameters are reset below
    gm.weights_, gm.means_ = s0.weights.copy(), s0.means.copy()
    gm.covariances_ = s0.covariances.copy()
    gm.precisions_cholesky_ = np.linalg.inv(np.linalg.cholesky(s0.covariances)).transpose(0, 2, 1)

    prepared = estep.Prepared(X)
    U, log_det = gaussian.precision_cholesky(s0.covariances, "full", K, D, prepared.floor)
    state0 = _State(s0.weights, s0.means - prepared.center, s0.covariances, U, log_det)
    buffers = estep.make_buffers(prepared, K)
    holder = {"state": state0, "ll": None}

    def ours():
        holder["ll"], holder["state"] = em_iteration(prepared, holder["state"], 1e-6, "full", buffers)

    sk = {"ll": None}

    def theirs():
        log_prob_norm, log_resp = gm._e_step(X)
        gm._m_step(X, log_resp)
        sk["ll"] = log_prob_norm * n

    inner = max(1, int(2e5 // n))
    t_ours = best_time(ours, repeat, inner * 4)
    t_sk = best_time(theirs, repeat, inner)

    # Same trajectory check: one fresh step each from the same parameters.
    holder["state"] = state0
    gm.weights_, gm.means_ = s0.weights.copy(), s0.means.copy()
    gm.precisions_cholesky_ = np.linalg.inv(np.linalg.cholesky(s0.covariances)).transpose(0, 2, 1)
    ours()
    theirs()
    return dict(n=n, ours=t_ours, sklearn=t_sk, ratio=t_sk / t_ours,
                dll=abs(holder["ll"] - sk["ll"]), ll=holder["ll"],
                prepared=prepared, state=state0, buffers=buffers)


def peak_memory(result: dict) -> tuple[int, int, int]:
    """Peak extra bytes of one iteration that allocates its own chunk buffers,
    the N*K*8 baseline, and the bytes prepared once per fit (centred data and
    the [1, x, x_i*x_j] rows)."""
    prepared, state = result["prepared"], result["state"]
    em_iteration(prepared, state, 1e-6, "full")  # warm
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    em_iteration(prepared, state, 1e-6, "full")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_fit = prepared.features.nbytes + prepared.X.nbytes
    return peak - base, prepared.n_samples * K * 8, per_fit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e5, 1e6])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"one EM iteration (E + M + log-likelihood), K={K}, d={D}, full covariances")
    print(f"{'N':>9} {'ours ms':>9} {'sklearn ms':>11} {'speed-up':>9} {'|dLL|':>10} {'|dLL|/|LL|':>11}")
    last = None
    for size in args.sizes:
        result = bench(int(size), args.repeat)
        print(f"{result['n']:>9d} {result['ours'] * 1e3:>9.3f} {result['sklearn'] * 1e3:>11.3f} "
              f"{result['ratio']:>8.1f}x {result['dll']:>10.2e} {result['dll'] / abs(result['ll']):>11.2e}")
        last = result
    extra, baseline, per_fit = peak_memory(last)
    print(f"peak extra memory of one iteration at N={last['n']}: {extra / 1e6:.2f} MB "
          f"(N*K*8 = {baseline / 1e6:.1f} MB, ratio {extra / baseline:.3f}); "
          f"prepared once per fit: {per_fit / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
