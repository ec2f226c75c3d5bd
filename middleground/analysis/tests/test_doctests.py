"""Every docstring example runs: the numeric core, the text pipeline, the CSV export.

``doctest.testmod`` over each module (not pytest's ``--doctest-modules``, which would
import every Django module of the tree); a package with no example at all fails, so an
example cannot silently stop being collected.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ["middleground.analysis", "middleground.library.text", "middleground.core.csv_export"]


def _modules(name: str) -> list[str]:
    module = importlib.import_module(name)
    if not hasattr(module, "__path__"):
        return [name]
    found = [name]
    for info in pkgutil.walk_packages(module.__path__, prefix=name + "."):
        if ".tests" not in info.name:
            found.append(info.name)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_every_docstring_example_passes(package: str) -> None:
    attempted, failed = 0, []
    for name in _modules(package):
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
        attempted += result.attempted
        if result.failed:
            failed.append(f"{name}: {result.failed} failed")
    assert not failed, failed
    assert attempted > 0
