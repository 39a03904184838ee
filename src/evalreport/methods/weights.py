"""The synthetic-control optimisation (Abadie, Diamond & Hainmueller 2010): donor weights W >= 0
summing to one that match the treated unit's predictors in a diagonal V-norm, with V chosen to
minimise the outcome's MSPE over the fit years. Pure numpy/scipy on arrays; no pandas.

Two facts make the global optimum reachable fast:
- If the treated unit's (standardised) predictors lie inside the convex hull of the donors',
  every positive V matches them exactly and W is not unique; the best W is then the one with the
  smallest outcome MSPE among exact matches, a convex problem with one answer (the "optimistic"
  bilevel solution, Malo et al. 2024, Computational Economics 64). V is then not identified.
- Otherwise V is searched (each predictor keeping at least `v_floor` of an equal share, see
  fit_weights) by Nelder-Mead over log V from several starts (equal V and Synth's
  regression-based V first), each inner W a non-negative least-squares solve; the search stops
  early when it reaches the outcome-only fit, a lower bound no V can beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, nnls

HULL_TOLERANCE = 1e-9  # standardised predictor residual treated as an exact match (rounding)
V_FLOOR = 0.1  # default: every predictor keeps at least this share of an equal weight in V
WEIGHT_FLOOR = 1e-10  # weights below this are solver rounding and are set to zero


@dataclass(frozen=True)
class SynthFit:
    """Donor weights, predictor weights (None when any V gives these W), and the fit-year MSPE."""

    weights: np.ndarray
    v: np.ndarray | None
    fit_mspe: float
    exact_match: bool
    lower_bound_mspe: float  # the outcome-only fit over the fit years: no V can do better
    evaluations: int


def standardise(X0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Divide each predictor by its standard deviation over treated and donors, as Synth does."""
    scale = np.hstack([X0, x1[:, None]]).std(axis=1, ddof=1)
    scale = np.where(scale > 0, scale, 1.0)
    return X0 / scale[:, None], x1 / scale


def solve_simplex(A: np.ndarray, b: np.ndarray, polish: bool = True) -> np.ndarray:
    """argmin ||A w - b|| over w >= 0, sum w = 1.

    The sum-to-one constraint enters NNLS as a heavily weighted extra row; `polish` then solves
    the equality-constrained problem exactly on the support found, so an exact convex mix comes
    out exact rather than within the penalty's rounding.
    """
    size = max(1.0, float(np.abs(A).max(initial=0.0)), float(np.abs(b).max(initial=0.0)))
    penalty = 1e3 * size
    w, _ = nnls(np.vstack([A, np.full(A.shape[1], penalty)]), np.append(b, penalty), maxiter=50 * A.shape[1])
    total = w.sum()
    w = w / total if total > 0 else np.full(A.shape[1], 1.0 / A.shape[1])
    if polish:
        w = _polish(A, b, w)
    return w


def _polish(A: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    support = np.flatnonzero(w > 1e-9)
    if support.size == 0:
        return w
    As = A[:, support]
    m = support.size
    kkt = np.zeros((m + 1, m + 1))
    kkt[:m, :m] = As.T @ As
    kkt[:m, m] = kkt[m, :m] = 1.0
    rhs = np.append(As.T @ b, 1.0)
    solution = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:m]
    if np.all(solution >= -1e-12) and abs(solution.sum() - 1) < 1e-9:
        polished = np.zeros_like(w)
        polished[support] = np.clip(solution, 0, None)
        polished /= polished.sum()
        if np.sum((A @ polished - b) ** 2) <= np.sum((A @ w - b) ** 2) + 1e-15:
            return polished
    return w


def solve_matched(X: np.ndarray, x: np.ndarray, Z: np.ndarray, z: np.ndarray) -> np.ndarray:
    """argmin ||Z w - z|| over w >= 0, sum w = 1 and X w = x (the predictors matched exactly)."""
    scale = max(float(np.abs(z).max(initial=0.0)), 1e-300)
    Zs, zs = Z / scale, z / scale
    penalty = 1e4 * max(1.0, float(np.abs(X).max(initial=0.0)))
    A = np.vstack([penalty * X, np.full(X.shape[1], penalty), Zs])
    b = np.concatenate([penalty * x, [penalty], zs])
    w, _ = nnls(A, b, maxiter=50 * X.shape[1])
    w = w / w.sum()
    support = np.flatnonzero(w > 1e-9)
    C = np.vstack([X[:, support], np.ones(support.size)])
    m, c = support.size, C.shape[0]
    kkt = np.zeros((m + c, m + c))
    kkt[:m, :m] = Zs[:, support].T @ Zs[:, support]
    kkt[:m, m:] = C.T
    kkt[m:, :m] = C
    rhs = np.concatenate([Zs[:, support].T @ zs, x, [1.0]])
    solution = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:m]
    if np.all(solution >= -1e-12) and np.abs(C @ solution - np.append(x, 1.0)).max() < 1e-9:
        polished = np.zeros_like(w)
        polished[support] = np.clip(solution, 0, None)
        return polished / polished.sum()
    return w


def regression_v(X0s: np.ndarray, x1s: np.ndarray, Z0: np.ndarray, z1: np.ndarray) -> np.ndarray | None:
    """Synth's second starting V: squared coefficients of the fit-year outcomes regressed on the
    standardised predictors across units (None when that regression is not identified)."""
    X = np.column_stack([np.ones(X0s.shape[1] + 1), np.hstack([x1s[:, None], X0s]).T])
    Z = np.hstack([z1[:, None], Z0]).T
    if X.shape[0] <= X.shape[1] or np.linalg.matrix_rank(X) < X.shape[1]:
        return None
    beta = np.linalg.lstsq(X, Z, rcond=None)[0][1:]
    v = np.einsum("ij,ij->i", beta, beta)
    if not np.all(np.isfinite(v)) or v.sum() <= 0:
        return None
    return v / v.sum()


def project_simplex(A: np.ndarray, b: np.ndarray, w0: np.ndarray, max_iterations: int = 100) -> np.ndarray | None:
    """argmin ||A w - b|| over the simplex by a primal active-set method started from the feasible
    w0: the V-search calls it thousands of times at nearby V, where the support barely changes,
    so a warm start takes a step or two (NNLS from scratch costs ten times more on 356 donors).
    Returns None if it does not settle (the caller then falls back to NNLS)."""
    w = w0.copy()
    support = np.flatnonzero(w > 0)
    tolerance = 1e-12 * max(float(b @ b), 1e-300)
    solve = np.linalg.solve
    for _ in range(max_iterations):
        As = A[:, support]
        m = support.size
        kkt = np.ones((m + 1, m + 1))
        kkt[:m, :m] = As.T @ As
        kkt[m, m] = 0.0
        rhs = np.ones(m + 1)
        rhs[:m] = b @ As
        try:
            u = solve(kkt, rhs)[:m]
        except np.linalg.LinAlgError:
            u = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:m]
        if u.min() > 0:
            w.fill(0.0)
            w[support] = u
            gradient = (As @ u - b) @ A
            j = int(gradient.argmin())
            if gradient[j] >= gradient[support[0]] - tolerance or j in support:
                return w
            support = np.append(support, j)
            continue
        current = w[support]
        falling = u <= 0
        step = float(np.min(current[falling] / (current[falling] - u[falling])))
        current = current + step * (u - current)
        keep = current > 1e-14
        w.fill(0.0)
        support = support[keep]
        w[support] = current[keep]
        if not support.size:
            return None
    return None


def fit_weights(X0: np.ndarray, x1: np.ndarray, Z0: np.ndarray, z1: np.ndarray,
                v_floor: float = V_FLOOR, starts: int = 8, screening: int = 8, seed: int = 0,
                max_evaluations: int | None = None) -> SynthFit:
    """Synthetic-control weights for one treated unit.

    X0 (predictors x donors) and x1 are raw predictor values; Z0 (fit years x donors) and z1 the
    outcome over the fit years. Nelder-Mead over log V starts from `starts` points: equal V and
    Synth's regression-based V always, then the best of a screen of other V (each predictor
    dominant in turn, and `screening` x k seeded random V), each run to convergence (at most
    `max_evaluations`, default 150 per predictor). The search stops early once a run reaches the
    outcome-only lower bound, which no V can beat.

    `v_floor` keeps every predictor's weight in V at or above v_floor / k. Without a floor the
    search can put nearly all of V on one predictor and use the others' vanishing weights only to
    break ties, which fits the pre-period outcome better but no longer matches the predictors
    the analyst chose (on the Basque data it halves the MSPE of the published solution with
    other weights); with 0.1 the search reproduces Abadie & Gardeazabal (2003). 0 allows any V.
    """
    if not 0 <= v_floor < 1:
        raise ValueError(f"v_floor must be in [0, 1), not {v_floor}")
    X0s, x1s = standardise(X0, x1)
    k, donors = X0s.shape
    z_scale = max(float(np.sqrt(np.mean(z1 ** 2))), 1e-300)
    Zn, zn = Z0 / z_scale, z1 / z_scale  # losses of order one, so tolerances mean the same everywhere

    def mspe(w: np.ndarray) -> float:
        r = zn - Zn @ w
        return float(r @ r) / len(zn)

    direct = solve_simplex(Zn, zn)
    lower = mspe(direct)
    if X0.shape == Z0.shape and np.array_equal(X0, Z0) and np.array_equal(x1, z1):
        # The predictors are the outcome in each fit year: V proportional to each predictor's squared
        # scale makes the predictor distance the outcome MSPE itself, so the outcome-only fit, the
        # lower bound, is reached and is the global optimum; no search is needed.
        scale = (X0 / np.where(X0s != 0, X0s, 1)).max(axis=1)
        v = scale ** 2 / float(np.sum(scale ** 2))
        return SynthFit(_clean(direct), v, lower * z_scale ** 2, False, lower * z_scale ** 2, 1)
    match = solve_simplex(X0s, x1s)
    exact = bool(np.sum((X0s @ match - x1s) ** 2) <= HULL_TOLERANCE ** 2 * k)
    if exact or k == 1:
        w = solve_matched(X0s, x1s, Zn, zn) if exact else match
        return SynthFit(_clean(w), None if exact else np.ones(1), mspe(w) * z_scale ** 2, exact,
                        lower * z_scale ** 2, 0)

    evaluations = 0
    last = match.copy()

    def weights_at(v: np.ndarray) -> np.ndarray:
        nonlocal last
        root = np.sqrt(v)
        A, b = X0s * root[:, None], x1s * root
        w = project_simplex(A, b, last)
        if w is None:
            w = solve_simplex(A, b, polish=False)
        last = w
        return w

    def loss(theta: np.ndarray) -> float:
        nonlocal evaluations
        evaluations += 1
        return mspe(weights_at(_v_from(theta, v_floor)))

    def theta_of(v: np.ndarray) -> np.ndarray:
        logits = np.log(np.maximum(v, 1e-12))
        return logits[1:] - logits[0]

    given = [np.full(k, 1.0 / k)]
    v_regression = regression_v(X0s, x1s, Zn, zn)
    if v_regression is not None:
        given.append(v_regression)
    screen = [np.where(np.arange(k) == i, 0.98, 0.02 / (k - 1)) for i in range(k)]
    screen += list(np.random.default_rng(seed).dirichlet(np.full(k, 0.5), size=screening * k))
    screened = sorted(screen, key=lambda v: loss(theta_of(v)))
    options = {"xatol": 1e-3, "fatol": 1e-9, "adaptive": k > 3, "maxfev": max_evaluations or 150 * k}
    best_theta, best_loss = None, np.inf
    for v0 in given + screened[:max(0, starts - len(given))]:
        result = minimize(loss, theta_of(v0), method="Nelder-Mead", options=options)
        if result.fun < best_loss:
            best_theta, best_loss = result.x, float(result.fun)
        if best_loss <= lower * (1 + 1e-9) + 1e-15:
            break
    v = _v_from(best_theta, v_floor)
    root = np.sqrt(v)
    w = solve_simplex(X0s * root[:, None], x1s * root)
    return SynthFit(_clean(w), v, mspe(w) * z_scale ** 2, False, lower * z_scale ** 2, evaluations)


def _v_from(theta: np.ndarray, v_floor: float) -> np.ndarray:
    v = np.ones(theta.size + 1)
    v[1:] = np.exp(np.clip(theta, -50, 50) - max(0.0, float(theta.max())))
    v[0] = np.exp(-max(0.0, float(theta.max())))
    return (1 - v_floor) * v / v.sum() + v_floor / v.size


def _clean(w: np.ndarray) -> np.ndarray:
    w = np.where(w < WEIGHT_FLOOR, 0.0, w)
    return w / w.sum()
