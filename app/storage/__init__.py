"""SQLite local store: :class:`app.storage.store.Store` and its area repositories.

Every query is plain ``sqlite3`` on the store lane's one connection. sqlite-utils is for
schema changes only (a :class:`app.storage.migrations.Reshape` step), reached through
:func:`app.storage.sqlite_utils_db.database`, which imports it when such a step runs and
never loads its plugins; nothing at start-up imports it (~60-130 ms with numpy).
"""
