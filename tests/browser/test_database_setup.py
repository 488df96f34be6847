"""Browser tests share the test database with their live server, never the real one.

This test uses `db`, so any session that runs the tests of this folder sets up test databases.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection


def test_the_session_runs_on_a_test_database(db):
    name = str(connection.settings_dict["NAME"])

    # PostgreSQL: a database name; SQLite: a file of the test session (or memory).
    assert Path(name).name.startswith("test_") or "memory" in name
