"""Database helpers shared by apps."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def vendor_sql(
    *,
    sqlite: list[str],
    postgresql: list[str],
    sqlite_reverse: list[str],
    postgresql_reverse: list[str],
) -> migrations.RunPython:
    """A migration step that runs different SQL on SQLite and PostgreSQL."""

    def run(statements: dict[str, list[str]]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            for statement in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(
        run({"sqlite": sqlite, "postgresql": postgresql}),
        run({"sqlite": sqlite_reverse, "postgresql": postgresql_reverse}),
    )
