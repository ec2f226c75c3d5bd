"""Django's SQLite backend, creating the database file's directory on first connection.

Settings create no directory at import (a ``manage.py check`` or a read-only deploy step
should not write to the disk), so ``./var/`` appears when the database is first opened:
by ``migrate``, ``runserver`` or ``./mg start``.
"""

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        if not self.is_in_memory_db():  # the test databases live in memory
            Path(conn_params["database"]).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
