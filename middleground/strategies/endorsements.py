"""(being written) Endorsement calls, positions and their breadth."""

from typing import Any


def box(strategy: Any, user: Any) -> dict[str, Any] | None:
    """What the strategy page shows of the endorsement: None when there is none."""
    return None
