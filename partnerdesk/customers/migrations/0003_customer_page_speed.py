"""What keeps the Customers page fast at a million customers (docs/performance.md).

SQLite: the trigram search table becomes contentless with a `scope` column (the partner, while
linked) so that a search total never reads the customers table, its vocabulary is exposed for
two-character terms, names of exactly two characters get a small partial index, and a
per-partner count of linked customers is kept by triggers for the unfiltered total.
"""

from django.db import migrations

from partnerdesk.core.db import vendor_sql
from partnerdesk.customers import search


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_index")]

    operations = [
        vendor_sql(
            sqlite=search.SQLITE_SPEED_FORWARD,
            postgresql=search.POSTGRES_SPEED_FORWARD,
            sqlite_reverse=search.SQLITE_SPEED_BACKWARD,
            postgresql_reverse=search.POSTGRES_SPEED_BACKWARD,
        )
    ]
