"""Per-app hooks found by convention, so adding an app needs no edit of the core.

An app may define ``demo.py`` with ``load_demo()`` (called by ``manage.py demo``, which prints
what it returns) and ``periodic.py`` with ``run() -> str`` (called by ``manage.py
run_periodic``). Hooks run in ``INSTALLED_APPS`` order, so an app's demo may use the demo
content of the apps listed before it (``network`` loads the institutions and personas first).
"""

import importlib
from collections.abc import Callable, Iterator

from django.apps import apps


def app_hooks(module_name: str, function_name: str) -> Iterator[tuple[str, Callable]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("middleground.") or config.name == "middleground.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{module_name}":
                raise  # the hook exists but something it imports does not
            continue
        function = getattr(module, function_name, None)
        if function is not None:
            yield config.label, function
