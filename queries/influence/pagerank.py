"""Weighted and personalized PageRank by power iteration on a sparse matrix.

Step for step the iteration ``networkx.pagerank`` runs (weighted out-degree
normalisation, dangling nodes' rank redistributed by the personalization vector,
convergence when the L1 change is below ``n * tol``), so the two agree to rounding on
the same graph and parameters; it runs on a scipy matrix, so a million-member trust
network needs no Python graph object.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from refnet.graph.errors import BadInput

__all__ = ["ALPHA", "MAX_ITER", "TOL", "pagerank"]

ALPHA = 0.85
TOL = 1e-10  # stop when the L1 change is below n * tol (networkx: 1e-6, ~8 steps at 20k)
MAX_ITER = 1_000


def pagerank(matrix: sp.spmatrix | sp.sparray, *, alpha: float = ALPHA,
             personalization: np.ndarray | None = None, tol: float = TOL,
             max_iter: int = MAX_ITER) -> tuple[np.ndarray, int]:
    """Weighted PageRank of a square matrix (``A[i, j]`` = weight of the edge i -> j).

    Returns the scores (summing to 1) and the iterations taken. ``personalization`` is
    a non-negative vector (normalised here); dangling nodes (no out-weight) hand
    their rank out by it, as networkx does. Raises BadInput if it does not converge.
    """
    a = sp.csr_array(matrix, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n):
        raise BadInput(f"PageRank needs a square matrix, got shape {a.shape}")
    if not 0 < alpha < 1:
        raise BadInput(f"alpha must be between 0 and 1 (exclusive), got {alpha}")
    if n == 0:
        return np.zeros(0), 0
    out = np.asarray(a.sum(axis=1)).ravel()
    inv = np.zeros(n)
    inv[out != 0] = 1.0 / out[out != 0]
    q = (sp.dia_array((inv[None, :], [0]), shape=(n, n)) @ a).tocsr()
    if personalization is None:
        p = np.full(n, 1.0 / n)
    else:
        p = np.asarray(personalization, dtype=float)
        if p.shape != (n,) or (p < 0).any() or p.sum() <= 0:
            raise BadInput("personalization must be n non-negative weights, not all zero")
        p = p / p.sum()
    dangling = np.flatnonzero(out == 0)
    x = np.full(n, 1.0 / n)
    for iteration in range(1, max_iter + 1):
        last = x
        x = alpha * (x @ q + x[dangling].sum() * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < n * tol:
            return x, iteration
    raise BadInput(f"PageRank did not converge in {max_iter} iterations "
                   f"(tolerance {tol}); raise max_iter or tol")
