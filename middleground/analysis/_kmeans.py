"""Polis-style k-means on 2-D points, and the silhouette used to choose k.

Polis starts k-means from the first k distinct points (in row order), drops clusters
that lose all members, recomputes (optionally weighted) means and stops when every
sorted centre moved less than 0.01, or after ``max_iter + 1`` steps. For many points
the assignment step uses Hamerly's bounds, which skip the points whose nearest centre
provably did not change, so large conversations cost O(n) per step instead of O(n k).
"""

from __future__ import annotations

import numpy as np

_BRUTE_FORCE_LIMIT = 4_000
_CHUNK = 1 << 16


def first_distinct_rows(points: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first ``k`` distinct rows of ``points``, in row order."""
    if points.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    _, first = np.unique(points, axis=0, return_index=True)
    return np.sort(first)[:k]


def _nearest_two(
    points: np.ndarray, centres: np.ndarray, need_second: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest centre, its distance and the distance to the second nearest (chunked)."""
    n = points.shape[0]
    labels = np.empty(n, dtype=np.int64)
    first = np.empty(n)
    second = np.full(n, np.inf)
    centre_x = centres[None, :, 0]
    centre_y = centres[None, :, 1]
    for begin in range(0, n, _CHUNK):
        block = points[begin : begin + _CHUNK]
        dx = block[:, 0:1] - centre_x
        dy = block[:, 1:2] - centre_y
        squared = dx * dx
        squared += dy * dy
        nearest = squared.argmin(axis=1)
        rows = np.arange(block.shape[0])
        labels[begin : begin + _CHUNK] = nearest
        first[begin : begin + _CHUNK] = np.sqrt(squared[rows, nearest])
        if need_second and centres.shape[0] > 1:
            squared[rows, nearest] = np.inf
            second[begin : begin + _CHUNK] = np.sqrt(squared.min(axis=1))
    return labels, first, second


def nearest_centre(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre for every point."""
    return _nearest_two(points, centres, need_second=False)[0]


def _same_clustering(old: np.ndarray, new: np.ndarray, tolerance: float) -> bool:
    """Polis's test: centres sorted lexicographically, paired, all closer than tolerance."""
    old_sorted = old[np.lexsort((old[:, 1], old[:, 0]))]
    new_sorted = new[np.lexsort((new[:, 1], new[:, 0]))]
    paired = min(old_sorted.shape[0], new_sorted.shape[0])
    moved = np.sqrt(((old_sorted[:paired] - new_sorted[:paired]) ** 2).sum(axis=1))
    return bool((moved < tolerance).all())


def polis_kmeans(
    points: np.ndarray,
    k: int,
    *,
    weights: np.ndarray | None = None,
    max_iter: int = 100,
    tolerance: float = 0.01,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """k-means as Polis runs it; returns (centres, labels) with labels indexing centres.

    Starts from the first k distinct points unless ``start`` gives the centres.
    Clusters keep the order of their starting points; emptied clusters are removed.
    """
    n = points.shape[0]
    if n == 0:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    if start is None:
        centres = points[first_distinct_rows(points, k)].astype(float)
    else:
        centres = np.asarray(start, dtype=float).copy()
    point_weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    use_bounds = n > _BRUTE_FORCE_LIMIT
    labels, upper, lower = _nearest_two(points, centres)
    for step in range(max_iter + 1):
        if step > 0:
            if use_bounds:
                labels, upper, lower = _hamerly_assign(points, centres, labels, upper, lower)
            else:
                labels, upper, lower = _nearest_two(points, centres, need_second=False)
        members = np.bincount(labels, minlength=centres.shape[0])
        mass = np.bincount(labels, weights=point_weights, minlength=centres.shape[0])
        keep = members > 0
        new_centres = np.empty((int(keep.sum()), 2))
        safe_mass = np.where(mass[keep] > 0, mass[keep], 1.0)
        for axis in range(2):
            sums = np.bincount(labels, weights=point_weights * points[:, axis], minlength=len(keep))
            new_centres[:, axis] = sums[keep] / safe_mass
        converged = _same_clustering(centres, new_centres, tolerance)
        if not keep.all():
            remap = np.cumsum(keep) - 1
            labels = remap[labels]
        if use_bounds:
            moved = np.sqrt(((centres[keep] - new_centres) ** 2).sum(axis=1))
            upper = upper + moved[labels]
            lower = lower - (moved.max() if moved.size else 0.0)
        centres = new_centres
        if converged:
            break
    # the last step's assignment matches the returned centres' previous positions, as in Polis
    return centres, labels


def _hamerly_assign(
    points: np.ndarray,
    centres: np.ndarray,
    labels: np.ndarray,
    upper: np.ndarray,
    lower: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact nearest-centre assignment, recomputing only where the bounds cannot decide."""
    if centres.shape[0] > 1:
        between = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
        np.fill_diagonal(between, np.inf)
        half_gap = 0.5 * between.min(axis=1)
    else:
        half_gap = np.full(1, np.inf)
    bound = np.maximum(half_gap[labels], lower)
    candidates = np.flatnonzero(upper > bound)
    if candidates.size:
        offset = points[candidates] - centres[labels[candidates]]
        upper[candidates] = np.sqrt((offset**2).sum(axis=1))
        unsure = candidates[upper[candidates] > bound[candidates]]
        if unsure.size:
            new_labels, first, second = _nearest_two(points[unsure], centres)
            labels[unsure] = new_labels
            upper[unsure] = first
            lower[unsure] = second
    return labels, upper, lower


def silhouette(centres: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points (Polis: base-cluster centres, unweighted).

    A point alone in its cluster scores 0.
    """
    n = centres.shape[0]
    if n < 2 or np.unique(labels).size < 2:
        return 0.0
    distances = np.sqrt(((centres[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2))
    n_clusters = int(labels.max()) + 1
    membership = np.zeros((n, n_clusters))
    membership[np.arange(n), labels] = 1.0
    sizes = membership.sum(axis=0)
    sums = distances @ membership  # (n, clusters): total distance to each cluster
    own_size = sizes[labels] - 1
    own = sums[np.arange(n), labels] / np.where(own_size > 0, own_size, 1)
    others = np.where(sizes[None, :] > 0, sums / np.where(sizes > 0, sizes, 1)[None, :], np.inf)
    others[np.arange(n), labels] = np.inf
    nearest_other = others.min(axis=1)
    denominator = np.maximum(own, nearest_other)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(denominator > 0, (nearest_other - own) / denominator, 0.0)
    scores[own_size == 0] = 0.0
    return float(scores.mean())


def inertia(
    points: np.ndarray, centres: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> float:
    """Weighted within-cluster sum of squared distances."""
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())
