"""The warehouse: schema (the one table definition), connections, locking, publishing, views, quality gate."""
