"""(being written) The adopted text as PDF, DOCX, Markdown, JSON and CSV."""

from typing import Any


def on_adopted(strategy: Any) -> None:
    """After adoption: the published text becomes a library document."""
