"""docs/access-policy.md is the matrix the suite checks, not a copy that drifts."""

from pathlib import Path

from django.conf import settings

from middleground.core.tests.access_policy import DOCUMENT, render
from middleground.core.tests.test_authorization_matrix import ROWS


def test_the_access_policy_document_is_written_from_the_matrix():
    document = Path(settings.PROJECT_DIR) / DOCUMENT
    assert document.read_text() == render(ROWS), (
        f"{DOCUMENT} is out of date: run .venv/bin/python scripts/access_policy.py"
    )


def test_every_row_of_the_matrix_is_in_the_document():
    text = render(ROWS)
    assert text.count("\n| page |") + text.count("\n| API |") == len(ROWS)
