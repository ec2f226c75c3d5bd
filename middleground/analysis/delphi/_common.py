"""Helpers shared by the Delphi modules: number checks, sentence formatting, ``to_dict``."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from middleground.analysis._json import finite_or_none

#: slack for comparisons of answers with bands and limits (answers are floats)
_TOL = 1e-9


def _fmt(x: float) -> str:
    """Format a number for sentences: ``2.0 -> '2'``, ``2.5 -> '2.5'``."""
    return f"{float(x):g}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _as_1d(values: ArrayLike, name: str = "values") -> NDArray[np.float64]:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numbers: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(f"{name}[{int(bad[0])}] is not a finite number ({arr[bad[0]]})")
    return arr


def _to_json(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return finite_or_none(value)
    return value


class _ToDict:
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (tuples become lists, undefined numbers ``None``)."""
        return {
            f.name: _to_json(getattr(self, f.name))
            for f in fields(self)  # type: ignore[arg-type]
            if f.repr
        }
