"""SQLite local store (sqlite-utils): schema, migrations, repositories, full-text index."""
