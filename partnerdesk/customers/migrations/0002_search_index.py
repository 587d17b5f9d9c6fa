"""Trigram search over customer names: FTS5 + triggers on SQLite, pg_trgm GIN on PostgreSQL."""

from django.db import migrations

from partnerdesk.core.db import vendor_sql
from partnerdesk.customers import search


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        vendor_sql(
            sqlite=search.SQLITE_FORWARD,
            postgresql=search.POSTGRES_FORWARD,
            sqlite_reverse=search.SQLITE_BACKWARD,
            postgresql_reverse=search.POSTGRES_BACKWARD,
        )
    ]
