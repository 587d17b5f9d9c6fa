"""Substring search on customer names that stays fast at a million rows (C-4, S-5).

Terms of three or more characters use a trigram index: SQLite's FTS5 `trigram` tokenizer (a
table kept in step by triggers, so bulk inserts and every write path update it) or PostgreSQL's
`pg_trgm` GIN indexes. Shorter terms cannot use a trigram index and take a plain LIKE scan.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "customers_customer_search"
TRIGRAM_MIN = 3


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search_customers(qs: QuerySet, term: str) -> QuerySet:
    """Customers whose shown name or legal name contains `term`, ignoring case."""
    term = term.strip()
    if not term:
        return qs
    if len(term) >= TRIGRAM_MIN and connection.vendor == "sqlite":
        # The FTS table's rowid is the customer id.
        return qs.filter(
            id__in=RawSQL(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                (_fts_phrase(term),),
            )
        )
    # PostgreSQL: Django's icontains is UPPER(col::text) LIKE UPPER(%term%), which is exactly
    # the expression the GIN trigram indexes cover.
    return qs.filter(Q(show_as__icontains=term) | Q(legal_name__icontains=term))


SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        show_as, legal_name, content='customers_customer', content_rowid='id',
        tokenize='trigram')""",
    f"""CREATE TRIGGER customers_search_ai AFTER INSERT ON customers_customer BEGIN
        INSERT INTO {FTS_TABLE}(rowid, show_as, legal_name)
        VALUES (new.id, new.show_as, new.legal_name);
    END""",
    f"""CREATE TRIGGER customers_search_ad AFTER DELETE ON customers_customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, show_as, legal_name)
        VALUES ('delete', old.id, old.show_as, old.legal_name);
    END""",
    f"""CREATE TRIGGER customers_search_au AFTER UPDATE OF show_as, legal_name
        ON customers_customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, show_as, legal_name)
        VALUES ('delete', old.id, old.show_as, old.legal_name);
        INSERT INTO {FTS_TABLE}(rowid, show_as, legal_name)
        VALUES (new.id, new.show_as, new.legal_name);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS customers_search_ai",
    "DROP TRIGGER IF EXISTS customers_search_ad",
    "DROP TRIGGER IF EXISTS customers_search_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_show_as_trgm ON customers_customer "
    "USING gin (UPPER(show_as::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_legal_name_trgm ON customers_customer "
    "USING gin (UPPER(legal_name::text) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS customer_show_as_trgm",
    "DROP INDEX IF EXISTS customer_legal_name_trgm",
]
