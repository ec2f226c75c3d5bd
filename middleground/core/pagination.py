"""The API's list pagination, with bounds on both numbers.

ninja's ``LimitOffsetPagination`` leaves ``offset`` unbounded, so ``?offset=1e20`` overflows
the database's 64-bit integers (a 500); here it is a 422 like any other bad input.
"""

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
