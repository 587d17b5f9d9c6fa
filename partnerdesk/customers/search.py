"""Substring search on customer names that stays fast at a million rows (C-4, S-5).

Terms of three or more characters use a trigram index: SQLite's FTS5 `trigram` tokenizer (a
table kept in step by triggers, so bulk inserts and every write path update it) or PostgreSQL's
`pg_trgm` GIN indexes.

SQLite. The FTS table (contentless) holds, beside the two names, a `scope` column: the
customer's partner between two \x1e characters while it is linked, nothing once unlinked. A
search total is then one FTS query ("this partner's" AND the term) that never reads the table.

On SQLite a two-character term also uses the trigram index: a name of three or more characters
contains "ab" exactly when one of its trigrams starts with "ab" (an "ab" not at the end) or ends
with "ab" (one not at the start). The index's vocabulary lists those trigrams: the ones that
start with "ab" by seeking to it, the others by skipping through the vocabulary one first
character at a time and looking "<that character>ab" up. Names of exactly two characters hold
no trigram and come from a small partial index. One-character terms take a plain LIKE scan
(PostgreSQL: every term shorter than three).

How the matches join the page depends on how many there are: up to SMALL_MATCH they are read
once and passed as a list of ids (the page then reads those rows and sorts them; SQLite needs
the statistics of ANALYZE to prefer that, see docs/performance.md); beyond that the page walks
the (partner, name) index in order and stops after 50 matches, which is quick precisely
because matches are dense.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "customers_customer_search"
VOCAB_TABLE = "customers_customer_search_vocab"
COUNT_TABLE = "customers_partner_count"
TRIGRAM_MIN = 3
SMALL_MATCH = 2000
_NAMES = "{show_as legal_name}"
_MAX_CHAR = 0x10FFFF


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _scope_phrase(partner_id: int) -> str:
    return _fts_phrase(f"\x1e{partner_id}\x1e")


def _next_char(ch: str) -> str | None:
    """The code point after `ch`, skipping surrogates; None after the last one."""
    code = ord(ch) + 1
    if 0xD800 <= code <= 0xDFFF:
        code = 0xE000
    return chr(code) if code <= _MAX_CHAR else None


def _vocab_from(cursor: Any, start: str) -> str | None:
    """The first trigram of the index that sorts at or after `start`."""
    cursor.execute(f"SELECT term FROM {VOCAB_TABLE} WHERE term >= %s LIMIT 1", [start])
    row = cursor.fetchone()
    return row[0] if row else None


def _two_char_trigrams(term: str) -> list[str]:
    """Trigrams of the index that contain the two-character `term` (folded like the index).
    Scope trigrams may be among them; the column filter of the query leaves them out."""
    folded = term.lower()
    grams: set[str] = set()
    with connection.cursor() as cursor:
        gram = _vocab_from(cursor, folded)
        while gram is not None and gram.startswith(folded):
            grams.add(gram)
            gram = _vocab_from(cursor, gram + "\x01")  # trigrams are 3 characters long
        first: str | None = ""
        while first is not None:
            gram = _vocab_from(cursor, first)
            if gram is None:
                break
            candidate = gram[0] + folded
            if _vocab_from(cursor, candidate) == candidate:
                grams.add(candidate)
            first = _next_char(gram[0])
    return sorted(grams)


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# Customers whose show_as or legal_name is exactly two characters and contains the term: the
# partial index customer_two_char_names holds only them.
_EXACT_TWO = (
    "(length({t}show_as) = 2 OR length({t}legal_name) = 2)"
    " AND ({t}show_as LIKE %s ESCAPE '\\' OR {t}legal_name LIKE %s ESCAPE '\\')"
)


def _match_expression(term: str) -> str | None:
    """FTS5 query for `term` in the name columns; None when no trigram can hold it."""
    if len(term) >= TRIGRAM_MIN:
        return f"{_NAMES} : {_fts_phrase(term)}"
    grams = _two_char_trigrams(term)
    if not grams:
        return None
    return f"{_NAMES} : (" + " OR ".join(_fts_phrase(g) for g in grams) + ")"


# The FTS query of recent terms, kept for one database connection while its data is unchanged
# (this connection's total_changes() and SQLite's data_version, which moves when another
# connection commits). It spares a second walk of the vocabulary when the count repeats it.
_local = threading.local()


def match_expression(term: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        changes = cursor.fetchone()[0]
        cursor.execute("PRAGMA data_version")
        version = cursor.fetchone()[0]
    raw = connection.connection
    if getattr(_local, "connection", None) is not raw:
        _local.connection, _local.cache = raw, {}
    cache: dict[tuple[Any, ...], str | None] = _local.cache
    key = (version, changes, term)
    if key not in cache:
        if len(cache) > 32:
            cache.clear()
        cache[key] = _match_expression(term)
    return cache[key]


def _match_ids_parts(term: str) -> list[tuple[str, list[Any]]]:
    """SELECTs of the ids of every customer (any partner, linked or not) matching `term`."""
    parts: list[tuple[str, list[Any]]] = []
    expression = match_expression(term)
    if expression is not None:
        fts = f"SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        parts.append((fts, [expression]))
    if len(term) < TRIGRAM_MIN:
        exact = "SELECT id FROM customers_customer WHERE " + _EXACT_TWO.format(t="")
        parts.append((exact, [_like(term), _like(term)]))
    return parts


def _uses_trigrams(term: str) -> bool:
    return connection.vendor == "sqlite" and len(term) >= 2


def search_customers(qs: QuerySet, term: str) -> QuerySet:
    """Customers whose shown name or legal name contains `term`, ignoring case."""
    term = term.strip()
    if not term:
        return qs
    if _uses_trigrams(term):
        parts = _match_ids_parts(term)
        ids: set[int] = set()
        with connection.cursor() as cursor:
            for sql, params in parts:  # the first part alone may already be too many
                cursor.execute(f"{sql} LIMIT {SMALL_MATCH + 1}", params)
                ids.update(row[0] for row in cursor.fetchall())
                if len(ids) > SMALL_MATCH:
                    break
        if len(ids) <= SMALL_MATCH:
            return qs.filter(id__in=sorted(ids))
        sql = " UNION ".join(part for part, _ in parts)
        params = [p for _, part_params in parts for p in part_params]
        # `+id`: SQLite may not drive the query from the (many) matches, so it walks the
        # (partner, name) index in page order, whatever its statistics say.
        plus_id = Func(F("id"), template="+%(expressions)s", output_field=BigIntegerField())
        return qs.alias(_search_id=plus_id).filter(_search_id__in=RawSQL(sql, params))
    # PostgreSQL: Django's icontains is UPPER(col::text) LIKE UPPER(%term%), which is exactly
    # the expression the GIN trigram indexes cover.
    return qs.filter(Q(show_as__icontains=term) | Q(legal_name__icontains=term))


def count_linked_matches(partner_id: int, term: str) -> int | None:
    """How many of the partner's linked customers match `term` (all of them when it is empty),
    from the fast paths of SQLite; None where a plain COUNT is the way (PostgreSQL, 1 char).

    The whole list reads a count kept by triggers; a search counts in the FTS index alone,
    through the scope column, plus the few names of exactly two characters."""
    if connection.vendor != "sqlite":
        return None
    term = term.strip()
    with connection.cursor() as cursor:
        if not term:
            cursor.execute(f"SELECT linked FROM {COUNT_TABLE} WHERE partner_id = %s", [partner_id])
            row = cursor.fetchone()
            return int(row[0]) if row else 0
        if not _uses_trigrams(term):
            return None
        total = 0
        expression = match_expression(term)
        if expression is not None:
            cursor.execute(
                f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
                [f"scope : {_scope_phrase(partner_id)} AND {expression}"],
            )
            total += int(cursor.fetchone()[0])
        if len(term) < TRIGRAM_MIN:
            # Two-character names matched by the term, unless their other name already did.
            sql = (
                "SELECT COUNT(*) FROM customers_customer c WHERE c.partner_id = %s"
                " AND c.unlinked_at IS NULL AND " + _EXACT_TWO.format(t="c.")
            )
            params: list[Any] = [partner_id, _like(term), _like(term)]
            if expression is not None:
                sql += (
                    f" AND NOT EXISTS (SELECT 1 FROM {FTS_TABLE}"
                    f" WHERE {FTS_TABLE} MATCH %s AND rowid = c.id)"
                )
                params.append(expression)
            cursor.execute(sql, params)
            total += int(cursor.fetchone()[0])
        return total


_SCOPE = "CASE WHEN {r}.unlinked_at IS NULL THEN char(30) || {r}.partner_id || char(30) ELSE '' END"


def _fts_row(r: str) -> str:
    return f"{r}.id, {r}.show_as, {r}.legal_name, {_SCOPE.format(r=r)}"


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


SQLITE_SPEED_FORWARD = [
    # The external-content FTS table of 0002 becomes a contentless one with a scope column.
    *SQLITE_BACKWARD,
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        show_as, legal_name, scope, content='', tokenize='trigram')""",
    f"""CREATE TRIGGER customers_search_ai AFTER INSERT ON customers_customer BEGIN
        INSERT INTO {FTS_TABLE}(rowid, show_as, legal_name, scope) VALUES ({_fts_row("new")});
    END""",
    f"""CREATE TRIGGER customers_search_ad AFTER DELETE ON customers_customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, show_as, legal_name, scope)
        VALUES ('delete', {_fts_row("old")});
    END""",
    f"""CREATE TRIGGER customers_search_au
        AFTER UPDATE OF show_as, legal_name, partner_id, unlinked_at
        ON customers_customer BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, show_as, legal_name, scope)
        VALUES ('delete', {_fts_row("old")});
        INSERT INTO {FTS_TABLE}(rowid, show_as, legal_name, scope) VALUES ({_fts_row("new")});
    END""",
    f"""INSERT INTO {FTS_TABLE}(rowid, show_as, legal_name, scope)
        SELECT {_fts_row("c")} FROM customers_customer c""",
    f"CREATE VIRTUAL TABLE {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, 'instance')",
    # The whole list's total, per partner, kept by triggers.
    f"CREATE TABLE {COUNT_TABLE} (partner_id INTEGER PRIMARY KEY, linked INTEGER NOT NULL)",
    f"""CREATE TRIGGER customers_count_ai AFTER INSERT ON customers_customer
        WHEN new.unlinked_at IS NULL BEGIN
        INSERT INTO {COUNT_TABLE}(partner_id, linked) VALUES (new.partner_id, 1)
        ON CONFLICT(partner_id) DO UPDATE SET linked = linked + 1;
    END""",
    f"""CREATE TRIGGER customers_count_ad AFTER DELETE ON customers_customer
        WHEN old.unlinked_at IS NULL BEGIN
        UPDATE {COUNT_TABLE} SET linked = linked - 1 WHERE partner_id = old.partner_id;
    END""",
    f"""CREATE TRIGGER customers_count_au AFTER UPDATE OF partner_id, unlinked_at
        ON customers_customer BEGIN
        UPDATE {COUNT_TABLE} SET linked = linked - 1
        WHERE old.unlinked_at IS NULL AND partner_id = old.partner_id;
        INSERT INTO {COUNT_TABLE}(partner_id, linked)
        SELECT new.partner_id, 1 WHERE new.unlinked_at IS NULL
        ON CONFLICT(partner_id) DO UPDATE SET linked = linked + 1;
    END""",
    f"""INSERT INTO {COUNT_TABLE}(partner_id, linked)
        SELECT partner_id, COUNT(*) FROM customers_customer WHERE unlinked_at IS NULL
        GROUP BY partner_id""",
    "CREATE INDEX customer_two_char_names ON customers_customer(partner_id) "
    "WHERE length(show_as) = 2 OR length(legal_name) = 2",
    # Statistics let the planner read a few matched rows by id rather than walk a partner's
    # whole name index (an existing database; bulk loads run it again).
    "ANALYZE customers_customer",
]
SQLITE_SPEED_BACKWARD = [
    "DROP INDEX IF EXISTS customer_two_char_names",
    "DROP TRIGGER IF EXISTS customers_count_ai",
    "DROP TRIGGER IF EXISTS customers_count_ad",
    "DROP TRIGGER IF EXISTS customers_count_au",
    f"DROP TABLE IF EXISTS {COUNT_TABLE}",
    f"DROP TABLE IF EXISTS {VOCAB_TABLE}",
    *SQLITE_BACKWARD,
    *SQLITE_FORWARD,
]
# PostgreSQL counts with an index-only scan and searches through pg_trgm: nothing to add yet.
POSTGRES_SPEED_FORWARD: list[str] = []
POSTGRES_SPEED_BACKWARD: list[str] = []
