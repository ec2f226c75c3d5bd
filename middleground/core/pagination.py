"""The API's list pagination, with bounds on both numbers.

ninja's ``LimitOffsetPagination`` leaves ``offset`` unbounded, so ``?offset=1e20`` overflows
the database's 64-bit integers (a 500); here it is a 422 like any other bad input.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: far beyond any real list, far below the database's 64-bit limit
MAX_OFFSET = 1_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Mapped:
    """A queryset seen through ``record`` (row -> dict), built only for the page the
    paginator slices: for lists whose items are built by a function, not a schema."""

    def __init__(self, queryset: Any, record: Callable[[Any], Any]):
        self.queryset, self.record = queryset, record

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[Any]:
        return [self.record(row) for row in self.queryset[page]]
