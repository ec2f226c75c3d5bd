"""Rows of the authorisation matrix for strategies (see core/tests/authz.py).

Each part of the app keeps its rows and placeholders in ``authz_<part>.py``; this module
joins them for the matrix test.
"""

from collections import ChainMap

from . import authz_drafting, authz_endorsement, authz_evidence, authz_publication

PARTS = (authz_drafting, authz_evidence, authz_endorsement, authz_publication)
ROWS = [row for part in PARTS for row in part.ROWS]


def world_values(world):
    return ChainMap(*(part.world_values(world) for part in PARTS))
