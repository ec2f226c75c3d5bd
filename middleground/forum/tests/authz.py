"""Rows of the authorisation matrix for the forum (see core/tests/authz.py): each part keeps
its rows and placeholders in ``authz_<part>.py``; this module joins them."""

from collections import ChainMap

from . import authz_live, authz_outcomes, authz_programme, authz_registration

PARTS = (authz_programme, authz_registration, authz_live, authz_outcomes)
ROWS = [row for part in PARTS for row in part.ROWS]


def world_values(world):
    return ChainMap(*(part.world_values(world) for part in PARTS))
