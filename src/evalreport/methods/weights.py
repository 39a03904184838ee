"""The synthetic-control optimisation (Abadie, Diamond & Hainmueller 2010): donor weights W >= 0
summing to one that match the treated unit's predictors in a diagonal V-norm, with V chosen to
minimise the outcome's MSPE over the fit years. Pure numpy/scipy on arrays; no pandas.

Identification. With many donors and few years the best fit is often reached by many W (every
exact fit of a unit inside the donors' convex hull, for one), and a solver returns whichever it
meets first. Every W returned here is the one the penalised synthetic control of Abadie & L'Hour
(2021, JASA 116(536), 1817-1834) tends to as its penalty goes to zero: among the W that fit best,
the one with the least penalty sum_j w_j ||x_1 - x_j||^2, i.e. built from the donors closest to
the treated unit (`break_ties`, a linear programme over the best-fitting W). That W is unique
unless two sets of donors tie on the penalty too, which `value_range` detects for any number
computed from W (its smallest and largest value over every W that fits best with least penalty).

Two facts make the global optimum reachable fast:
- If the treated unit's (standardised) predictors lie inside the convex hull of the donors',
  every positive V matches them exactly and W is not unique; the best W is then the one with the
  smallest outcome MSPE among exact matches, a convex problem with one answer (the "optimistic"
  bilevel solution, Malo et al. 2024, Computational Economics 64). V is then not identified.
- Otherwise V is searched (with no lower bound on any predictor's share unless `v_floor` is
  declared, see fit_weights) by Nelder-Mead over log V from several starts (equal V and Synth's
  regression-based V first), each inner W a non-negative least-squares solve; the search stops
  early when it reaches the outcome-only fit, a lower bound no V can beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HULL_TOLERANCE = 1e-9  # standardised predictor residual treated as an exact match (rounding)
V_FLOOR = 0.0  # default: no lower bound on a predictor's share of V (a declared option, see fit_weights)
WEIGHT_FLOOR = 1e-10  # weights below this are solver rounding and are set to zero
TIE_TOLERANCE = 1e-9  # relative gradient gap under which a donor could enter a best fit (rounding)


@dataclass(frozen=True)
class SynthFit:
    """Donor weights, predictor weights (None when any V gives these W), and the fit-year MSPE."""

    weights: np.ndarray
    v: np.ndarray | None
    fit_mspe: float
    exact_match: bool
    lower_bound_mspe: float  # the outcome-only fit over the fit years: no V can do better
    evaluations: int
    criterion: tuple[np.ndarray, np.ndarray] | None = None  # (A, b): the weights minimise ||A w - b|| on the simplex

    def value_range(self, q: np.ndarray) -> tuple[float, float]:
        """The smallest and largest q.w over every W that fits as well with as little penalty (see
        `value_range`): equal when the number q.w is identified."""
        if self.criterion is None:
            value = float(q @ self.weights)
            return value, value
        return value_range(*self.criterion, self.weights, q)


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
    from scipy.optimize import nnls  # scipy loads in about 0.7 s: only a fit needs it

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
    from scipy.optimize import nnls  # scipy loads in about 0.7 s: only a fit needs it

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


def _scale_of(z1: np.ndarray, Z0: np.ndarray) -> float:
    """A typical size of the outcome, to scale it to order one: the treated unit's RMS, or the
    donors' when the treated unit's is zero (a unit at the origin), or 1."""
    for values in (z1, Z0):
        size = float(np.sqrt(np.mean(np.square(values)))) if np.size(values) else 0.0
        if size > 0 and np.isfinite(size):
            return size
    return 1.0


def penalty_of(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Abadie & L'Hour's penalty per donor: its squared distance to the treated unit, ||b - a_j||^2."""
    return ((A - b[:, None]) ** 2).sum(axis=0)


def _best_fit_set(A: np.ndarray, b: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, bool]:
    """The donors that can carry weight in some best fit (every donor whose gradient ties with the
    support's), and whether w is the only best fit (no tie outside its support, and the support's
    columns affinely independent, so one w gives A w). A best fit leaves A w unique (the loss is
    strictly convex in A w), so the best fits are the simplex points with that A w."""
    centred = A - b[:, None]
    residual = centred @ w
    size = float(np.sqrt((centred ** 2).sum(axis=0).max(initial=0.0))) or 1.0
    support = np.flatnonzero(w > 0)
    norm = float(np.sqrt(residual @ residual))
    if norm <= 1e-7 * size:  # an exact fit: any donor may take part in another one
        return np.arange(A.shape[1]), False
    gradient = centred.T @ residual
    level = float(gradient[support].min())
    ties = np.flatnonzero(gradient - level <= 1e-7 * size * norm)
    candidates = np.union1d(ties, support)
    block = np.vstack([centred[:, support], np.ones(support.size)])
    unique = candidates.size == support.size and np.linalg.matrix_rank(block) == support.size
    return candidates, unique


def break_ties(A: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Among the simplex points that fit ||A w - b|| as well as `w`, the one with the least penalty
    sum_j w_j ||b - a_j||^2 (Abadie & L'Hour 2021 with the penalty tending to zero): a linear
    programme, solved only when the best fit is not already unique."""
    candidates, unique = _best_fit_set(A, b, w)
    if unique:
        return w
    d = penalty_of(A, b)
    centred = A[:, candidates] - b[:, None]
    scale = max(float(np.abs(centred).max(initial=0.0)), 1e-300)
    M = np.vstack([centred / scale, np.ones(candidates.size)])
    r = np.append((A - b[:, None]) @ w / scale, 1.0)
    start = w[candidates]
    if candidates.size > 4 * M.shape[0]:
        # An exact fit by the nearest donors alone, if there is one, is a start a few steps from the
        # least-penalty fit (the NNLS fit over all donors may be many steps away).
        near = np.argsort(d[candidates])[:4 * M.shape[0]]
        local = solve_simplex(M[:-1, near], r[:-1])
        if np.abs(M[:-1, near] @ local - r[:-1]).max() <= 1e-9:
            start = np.zeros(candidates.size)
            start[near] = local
    solution = least_cost_vertex(M, r, d[candidates], start)
    if solution is None:  # the warm-started simplex did not settle: the general solver
        solution = _lp(A, b, w, candidates, d, d, minimise=True)
    if solution is None:
        return w
    out = np.zeros_like(w)
    out[candidates] = solution
    return _clean(out)


def least_cost_vertex(M: np.ndarray, r: np.ndarray, c: np.ndarray, start: np.ndarray,
                      max_iterations: int = 2000) -> np.ndarray | None:
    """argmin c.w over w >= 0 with M w = r, by the revised simplex method started from the feasible
    `start` (a best fit, so phase one is not needed): M has a dozen rows and hundreds of columns,
    where a general LP solver spends most of its time setting up. Dantzig's rule, with Bland's
    rule after a run of degenerate steps so that it cannot cycle. None if it does not settle (the
    caller then uses a general solver)."""
    from scipy.linalg import qr  # scipy loads in about 0.7 s: only a fit needs it

    rank = np.linalg.matrix_rank(M)
    if rank < M.shape[0]:  # redundant rows (an index sums to the same over its base years for every unit)
        rows = qr(M.T, pivoting=True, mode="r")[1][:rank]
        M, r = M[np.sort(rows)], r[np.sort(rows)]
    m, n = M.shape
    w = np.clip(start, 0.0, None)
    basis = [int(j) for j in np.flatnonzero(w > 1e-12)]
    # a basic feasible point: while the support's columns are dependent, move along a null direction
    # that does not raise the cost until a weight reaches zero
    while len(basis) > np.linalg.matrix_rank(M[:, basis]):
        null = np.linalg.svd(M[:, basis])[2][-1]
        if c[basis] @ null > 0:
            null = -null
        falling = null < -1e-14
        if not falling.any():
            null, falling = -null, null > 1e-14
        values = w[basis]
        step = float(np.min(values[falling] / -null[falling]))
        values = values + step * null
        values[np.argmin(np.where(falling, values, np.inf))] = 0.0
        w[basis] = np.clip(values, 0.0, None)
        basis = [j for j in basis if w[j] > 1e-14]
        for j in range(n):
            if j not in basis:
                w[j] = 0.0
    # pad a degenerate basis with the cheapest columns that keep it independent
    for j in np.argsort(c):
        if len(basis) == m:
            break
        if j not in basis and np.linalg.matrix_rank(M[:, basis + [int(j)]]) == len(basis) + 1:
            basis.append(int(j))
    if len(basis) != m:
        return None
    try:
        return _revised_simplex(M, r, c, np.array(basis), max_iterations)
    except np.linalg.LinAlgError:  # a basis singular in floating point though its rank looked full
        return None


def _revised_simplex(M: np.ndarray, r: np.ndarray, c: np.ndarray, basis: np.ndarray,
                     max_iterations: int) -> np.ndarray | None:
    """The simplex iterations of least_cost_vertex from a feasible `basis`."""
    n = M.shape[1]
    inverse = np.linalg.inv(M[:, basis])
    x = inverse @ r
    if x.min() < -1e-8:
        return None
    x = np.clip(x, 0.0, None)
    tolerance = 1e-11 * max(float(np.abs(c).max(initial=0.0)), 1e-300)
    degenerate = 0
    MT = np.ascontiguousarray(M.T)
    for iteration in range(max_iterations):
        if iteration and iteration % 50 == 0:  # refactor now and then: the updates accumulate rounding
            inverse = np.linalg.inv(M[:, basis])
            x = np.clip(inverse @ r, 0.0, None)
        reduced = c - MT @ (c[basis] @ inverse)
        reduced[basis] = 0.0
        j = int(np.argmin(reduced))
        if reduced[j] >= -tolerance:
            out = np.zeros(n)
            out[basis] = x
            reduced[basis] = np.inf
            # every other vertex costs strictly more: the least-cost point is the only one
            least_cost_vertex.unique = bool(reduced.min() > tolerance)
            return out
        if degenerate > 20:
            j = int(np.flatnonzero(reduced < -tolerance)[0])
        u = inverse @ M[:, j]
        rising = u > 1e-12
        if not rising.any():
            return None
        ratios = np.where(rising, x / np.where(rising, u, 1.0), np.inf)
        step = float(ratios.min())
        tied = np.flatnonzero(ratios <= step + 1e-15)
        leave = int(tied[np.argmin(basis[tied])])
        degenerate = degenerate + 1 if step <= 1e-15 else 0
        x = np.clip(x - step * u, 0.0, None)
        x[leave] = step
        basis[leave] = j
        pivot = inverse[leave] / u[leave]
        inverse -= np.outer(u, pivot)
        inverse[leave] = pivot
    return None


def value_range(A: np.ndarray, b: np.ndarray, w: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """The smallest and largest q.w over every simplex point that fits as well as `w` with no more
    penalty than it: one value when the number q.w does not depend on which such W is taken."""
    value = float(q @ w)
    candidates, unique = _best_fit_set(A, b, w)
    if unique:
        return value, value
    d = penalty_of(A, b)
    centred = A[:, candidates] - b[:, None]
    scale = max(float(np.abs(centred).max(initial=0.0)), 1e-300)
    M = np.vstack([centred / scale, np.ones(candidates.size)])
    r = np.append((A - b[:, None]) @ w / scale, 1.0)
    least_cost_vertex.unique = False
    if least_cost_vertex(M, r, d[candidates], w[candidates]) is not None and least_cost_vertex.unique:
        return value, value
    low = _lp(A, b, w, candidates, q, d, minimise=True)
    high = _lp(A, b, w, candidates, q, d, minimise=False)
    values = [value] + [float(q[candidates] @ v) for v in (low, high) if v is not None]
    return min(values), max(values)


def _lp(A: np.ndarray, b: np.ndarray, w: np.ndarray, candidates: np.ndarray, objective: np.ndarray,
        d: np.ndarray, minimise: bool) -> np.ndarray | None:
    """Optimise objective.v over v >= 0 on the candidates with (A v - b) = (A w - b), sum v = 1, and
    (when the objective is not the penalty) penalty no larger than w's."""
    from scipy.optimize import linprog  # scipy loads in about 0.7 s: only a fit needs it

    centred = A[:, candidates] - b[:, None]
    target = (A - b[:, None]) @ w
    scale = max(float(np.abs(centred).max(initial=0.0)), 1e-300)
    equalities = np.vstack([centred / scale, np.ones(candidates.size)])
    rhs = np.append(target / scale, 1.0)
    c = objective[candidates] if minimise else -objective[candidates]
    upper = None
    if objective is not d:
        bound = float(d @ w)
        upper = (d[candidates][None, :], np.array([bound + 1e-9 * max(bound, 1.0)]))
    result = linprog(c, A_ub=upper[0] if upper else None, b_ub=upper[1] if upper else None,
                     A_eq=equalities, b_eq=rhs, bounds=(0, None), method="highs",
                     options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if result.status != 0:
        return None
    return np.clip(result.x, 0, None)


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


def weights_at(X0: np.ndarray, x1: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The donor weights for given predictor weights V (standardised predictors, as in fit_weights),
    ties broken by least penalty: for a study that chooses V on other years than W (Abadie,
    Diamond & Hainmueller 2015 choose V by cross-validation, then W on later predictors)."""
    X0s, x1s = standardise(X0, x1)
    root = np.sqrt(np.asarray(v, dtype=float) / np.sum(v))
    A, b = X0s * root[:, None], x1s * root
    return _clean(break_ties(A, b, solve_simplex(A, b)))


def fit_outcome(Z0: np.ndarray, z1: np.ndarray) -> np.ndarray:
    """Weights that fit the outcome itself over the given years (the predictors are the outcome in
    each year, so every V gives the same problem): the best simplex fit, ties broken by least
    penalty (`break_ties`). Scaled so that tolerances mean the same for any units."""
    scale = _scale_of(z1, Z0)
    Zn, zn = Z0 / scale, z1 / scale
    return _clean(break_ties(Zn, zn, solve_simplex(Zn, zn)))


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

    `v_floor` (default 0: any V, as in Synth) keeps every predictor's weight in V at or above
    v_floor / k, a declared option for an analyst who wants every chosen predictor to count; it
    is off by default because the nested problem's optimum is the V that fits the outcome best
    over the fit years, whatever its shares (Abadie, Diamond & Hainmueller 2010, eq. 6).
    """
    from scipy.optimize import minimize  # scipy loads in about 0.7 s: only a fit needs it

    if not 0 <= v_floor < 1:
        raise ValueError(f"v_floor must be in [0, 1), not {v_floor}")
    X0s, x1s = standardise(X0, x1)
    k, donors = X0s.shape
    z_scale = _scale_of(z1, Z0)
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
        direct = break_ties(Zn, zn, direct)
        return SynthFit(_clean(direct), v, lower * z_scale ** 2, False, lower * z_scale ** 2, 1, (Zn, zn))
    match = solve_simplex(X0s, x1s)
    exact = bool(np.sum((X0s @ match - x1s) ** 2) <= HULL_TOLERANCE ** 2 * k)
    if exact:
        w = solve_matched(X0s, x1s, Zn, zn)
        # the best fits are the exact matches with this outcome fit: least penalty among them
        A, b = np.vstack([X0s, Zn]), np.concatenate([x1s, Zn @ w])
        w = break_ties(A, b, w)
        return SynthFit(_clean(w), None, mspe(w) * z_scale ** 2, True, lower * z_scale ** 2, 0, (A, b))
    if k == 1:
        w = break_ties(X0s, x1s, match)
        return SynthFit(_clean(w), np.ones(1), mspe(w) * z_scale ** 2, False, lower * z_scale ** 2, 0, (X0s, x1s))

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
    A, b = X0s * root[:, None], x1s * root
    w = break_ties(A, b, solve_simplex(A, b))
    return SynthFit(_clean(w), v, mspe(w) * z_scale ** 2, False, lower * z_scale ** 2, evaluations, (A, b))


def _v_from(theta: np.ndarray, v_floor: float) -> np.ndarray:
    v = np.ones(theta.size + 1)
    v[1:] = np.exp(np.clip(theta, -50, 50) - max(0.0, float(theta.max())))
    v[0] = np.exp(-max(0.0, float(theta.max())))
    return (1 - v_floor) * v / v.sum() + v_floor / v.size


def _clean(w: np.ndarray) -> np.ndarray:
    w = np.where(w < WEIGHT_FLOOR, 0.0, w)
    return w / w.sum()
