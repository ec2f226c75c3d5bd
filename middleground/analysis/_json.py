"""JSON-ready values: the one place that turns NaN and infinity into ``None``.

JSON has no NaN or infinity, and an undefined statistic (a ratio over zero people, an
SD of one answer) is better shown as missing than as a made-up number.
"""

from __future__ import annotations

import math
from typing import Any, SupportsFloat

import numpy as np

__all__ = ["finite_or_none", "plain"]


def finite_or_none(value: SupportsFloat | None) -> float | None:
    """``value`` as a plain ``float``, or ``None`` when it is missing, NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> finite_or_none(np.float64(0.25)), finite_or_none(3)
    (0.25, 3.0)
    >>> finite_or_none(float("nan")), finite_or_none(-np.inf), finite_or_none(None)
    (None, None, None)
    """
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (ids from arrays); anything else as is.

    >>> import numpy as np
    >>> plain(np.int64(7)), plain("s1")
    (7, 's1')
    """
    return value.item() if isinstance(value, np.generic) else value
