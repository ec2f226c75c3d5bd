"""Polis's statistics on per-group vote counts: repness, consensus, group-informed
consensus and routing priority (``compdemocracy/polis``, ``math/src/polismath``)."""

from __future__ import annotations

import numpy as np

#: one-sided 90% z threshold used by Polis for every significance test
Z_90 = 1.2816


def _prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Polis's one-proportion z-test with a +1 prior on both counts."""
    return 2.0 * np.sqrt(trials + 1.0) * ((successes + 1.0) / (trials + 1.0) - 0.5)


def _two_prop_test(
    successes_1: np.ndarray, successes_2: np.ndarray, trials_1: np.ndarray, trials_2: np.ndarray
) -> np.ndarray:
    """Polis's two-proportion z-test with +1 on every count; 0 when the pooled rate is 1."""
    s1, s2 = successes_1 + 1.0, successes_2 + 1.0
    n1, n2 = trials_1 + 1.0, trials_2 + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.where(spread > 0, z, 0.0)


def repness_stats(
    agrees: np.ndarray, disagrees: np.ndarray, votes: np.ndarray
) -> dict[str, np.ndarray]:
    """Polis repness statistics from per-group counts, shape ``(n_groups, n_statements)``.

    ``votes`` counts every vote (passes included). Each group is compared with all
    other groups pooled. Returns arrays ``pa, pd, pat, pdt, ra, rd, rat, rdt``.

    Examples
    --------
    Group 0 agrees 9 of 10, group 1 agrees 1 of 10:

    >>> import numpy as np
    >>> s = repness_stats(np.array([[9], [1]]), np.array([[1], [9]]), np.array([[10], [10]]))
    >>> round(float(s["pa"][0, 0]), 4), round(float(s["ra"][0, 0]), 4)  # 10/12, (10/12)/(2/12)
    (0.8333, 5.0)
    >>> round(float(s["pat"][0, 0]), 4)  # 2 sqrt(11) (10/11 - 1/2)
    2.7136
    """
    na = np.asarray(agrees, dtype=float)
    nd = np.asarray(disagrees, dtype=float)
    ns = np.asarray(votes, dtype=float)
    rest_a = na.sum(axis=0, keepdims=True) - na
    rest_d = nd.sum(axis=0, keepdims=True) - nd
    rest_s = ns.sum(axis=0, keepdims=True) - ns
    pa = (1.0 + na) / (2.0 + ns)
    pd = (1.0 + nd) / (2.0 + ns)
    return {
        "pa": pa,
        "pd": pd,
        "pat": _prop_test(na, ns),
        "pdt": _prop_test(nd, ns),
        "ra": pa / ((1.0 + rest_a) / (2.0 + rest_s)),
        "rd": pd / ((1.0 + rest_d) / (2.0 + rest_s)),
        "rat": _two_prop_test(na, rest_a, ns, rest_s),
        "rdt": _two_prop_test(nd, rest_d, ns, rest_s),
    }


def _select_representative(
    stats: dict[str, np.ndarray],
    agrees: np.ndarray,
    disagrees: np.ndarray,
    group: int,
    candidates: np.ndarray,
    pick: int = 5,
) -> list[int]:
    """Polis's choice of representative statements for one group (column indices).

    Statements passing both 90% tests on one side, ranked by repness x test x p x p-test,
    best agree statement first, top ``pick``, agrees before disagrees; at least one.
    """
    g = group
    pa, pd, pat, pdt = stats["pa"][g], stats["pd"][g], stats["pat"][g], stats["pdt"][g]
    ra, rd, rat, rdt = stats["ra"][g], stats["rd"][g], stats["rat"][g], stats["rdt"][g]
    na, nd = agrees[g], disagrees[g]
    agree_side = rat > rdt
    metric = np.where(agree_side, ra * rat * pa * pat, rd * rdt * pd * pdt)
    passes = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))
    sufficient = [int(c) for c in candidates if passes[c]]
    best: int | None = None
    best_agree: int | None = None
    for c in candidates:
        c = int(c)
        if not sufficient and (best is None or max(rat[c], rdt[c]) > max(rat[best], rdt[best])):
            best = c
        if na[c] == 0 and nd[c] == 0:
            continue
        if best_agree is not None and ra[best_agree] > 1.0:
            better = ra[c] * rat[c] * pa[c] * pat[c] > (
                ra[best_agree] * rat[best_agree] * pa[best_agree] * pat[best_agree]
            )
        elif best_agree is not None:
            better = pa[c] * pat[c] > pa[best_agree] * pat[best_agree]
        else:
            better = bool(pat[c] > Z_90 or (ra[c] > 1.0 and pa[c] > 0.5))
        if better:
            best_agree = c
    if not sufficient:
        if best_agree is not None:
            return [best_agree]
        return [best] if best is not None else []
    ranked = sorted((c for c in sufficient if c != best_agree), key=lambda c: -metric[c])
    chosen = ([best_agree] if best_agree is not None else []) + ranked
    chosen = chosen[:pick]
    return [c for c in chosen if agree_side[c]] + [c for c in chosen if not agree_side[c]]


def consensus_statements(
    agrees: np.ndarray,
    disagrees: np.ndarray,
    votes: np.ndarray,
    candidates: np.ndarray | None = None,
    pick: int = 5,
) -> tuple[list[int], list[int]]:
    """Polis's plain consensus: indices with rate > 0.5 and z > 1.2816, best ``pick``.

    Ranked by rate x z, for agree and for disagree.

    Examples
    --------
    >>> import numpy as np
    >>> consensus_statements(np.array([18, 2, 10]), np.array([1, 17, 10]), np.array([20, 20, 20]))
    ([0], [1])
    """
    na = np.asarray(agrees, dtype=float)
    nd = np.asarray(disagrees, dtype=float)
    ns = np.asarray(votes, dtype=float)
    allowed = np.ones(na.size, dtype=bool)
    if candidates is not None:
        allowed = np.zeros(na.size, dtype=bool)
        allowed[np.asarray(candidates, dtype=np.int64)] = True
    chosen = []
    for successes in (na, nd):
        rate = (1.0 + successes) / (2.0 + ns)
        test = _prop_test(successes, ns)
        ok = np.flatnonzero(allowed & (rate > 0.5) & (test > Z_90))
        score = rate[ok] * test[ok]
        ranked = ok[np.lexsort((ok, -score))]
        chosen.append([int(i) for i in ranked[:pick]])
    return chosen[0], chosen[1]


def group_informed_consensus(agrees: np.ndarray, votes: np.ndarray) -> np.ndarray:
    """Product over groups of ``(A_g + 1) / (S_g + 2)``; arrays ``(n_groups, n_statements)``.

    Examples
    --------
    >>> import numpy as np
    >>> group_informed_consensus(np.array([[3], [1]]), np.array([[4], [2]])).tolist()
    [0.3333333333333333]
    """
    agrees = np.asarray(agrees, dtype=float)
    votes = np.asarray(votes, dtype=float)
    if agrees.shape[0] == 0:
        return np.full(agrees.shape[1], np.nan)
    return np.prod((agrees + 1.0) / (votes + 2.0), axis=0)


def comment_priority(
    agrees: np.ndarray,
    disagrees: np.ndarray,
    votes: np.ndarray,
    extremity: np.ndarray,
    meta: np.ndarray | None = None,
) -> np.ndarray:
    """Polis's routing priority: ``(importance * (1 + 8 * 2^(-S/5)))^2``, meta 49.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(comment_priority(np.array([1]), np.array([0]), np.array([1]),
    ...                              np.array([0.0]))[0]), 4)
    12.5297
    """
    a = np.asarray(agrees, dtype=float)
    d = np.asarray(disagrees, dtype=float)
    s = np.asarray(votes, dtype=float)
    passes = s - a - d
    importance = (1.0 - (passes + 1.0) / (s + 2.0)) * (extremity + 1.0) * (a + 1.0) / (s + 2.0)
    priority = (importance * (1.0 + 8.0 * np.power(2.0, -s / 5.0))) ** 2
    if meta is not None:
        priority = np.where(meta, 49.0, priority)
    return priority
