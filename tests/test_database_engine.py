"""CI runs the suite twice; this proves which database each run really used."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_ci_asked_for() -> None:
    url = os.environ.get("DATABASE_URL", "")
    expected = os.environ.get("PARTNERDESK_EXPECT_DB") or (
        "postgresql" if url.startswith(("postgres", "postgresql")) else "sqlite"
    )
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        if expected == "postgresql":
            cursor.execute("SELECT version()")
            assert "PostgreSQL" in cursor.fetchone()[0]
        else:
            cursor.execute("PRAGMA journal_mode")
            # The test database is a file (not :memory:) so WAL is really in use.
            assert cursor.fetchone()[0].lower() == "wal"
