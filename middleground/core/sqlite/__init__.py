"""Django's SQLite backend, creating the database file's directory when it first connects."""
