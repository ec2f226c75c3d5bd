"""Shared helpers for the opinion-engine tests: fixture paths and the adjusted Rand index."""

from __future__ import annotations

import os
from math import comb

import numpy as np

POLIS_DATA = os.path.join(os.path.dirname(__file__), "data", "polis")
CONVERSATIONS = (
    "london.youth.policing",
    "brexit-consensus",
    "15-per-hour-seattle",
    "scoop-hivemind.ubi",
    "bg2050-volunteers",
)
#: conversations from openData that are not in ../shared (outside data, participants-votes only)
OUTSIDE_CONVERSATIONS = ("scoop-hivemind.freshwater", "scoop-hivemind.affordable-housing")


def within_group_sum_of_squares(points: np.ndarray, labels: np.ndarray) -> float:
    """k-means objective of a labelling: squared distances of points to their group mean."""
    total = 0.0
    for label in np.unique(labels):
        group = points[labels == label]
        total += float(((group - group.mean(axis=0)) ** 2).sum())
    return total


def export_dir(name: str) -> str:
    return os.path.join(POLIS_DATA, name)


def adjusted_rand_index(first: np.ndarray, second: np.ndarray) -> float:
    """Hubert and Arabie's adjusted Rand index between two labellings."""
    _, a = np.unique(first, return_inverse=True)
    _, b = np.unique(second, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1), dtype=np.int64)
    np.add.at(table, (a, b), 1)
    pairs = sum(comb(int(x), 2) for x in table.ravel())
    rows = sum(comb(int(x), 2) for x in table.sum(axis=1))
    cols = sum(comb(int(x), 2) for x in table.sum(axis=0))
    total = comb(len(first), 2)
    expected = rows * cols / total
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (pairs - expected) / (maximum - expected)
