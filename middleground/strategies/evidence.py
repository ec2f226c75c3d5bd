"""(being written) Evidence: frozen snapshots of cited results and their drift."""

from typing import Any


def annotate(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each cited item (a dict from a version's content) with its live figures and drift."""
    return items
