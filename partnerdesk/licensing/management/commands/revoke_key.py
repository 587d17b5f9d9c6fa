"""`python manage.py revoke_key KEY_OR_ID...`: revoke unused license keys (L-2). A key is named
by its full text (from the issuing CSV) or its database id (shown in the admin)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnerdesk.core.errors import DomainError
from partnerdesk.licensing.access import key_for_operator, operator_actor
from partnerdesk.licensing.services import license_key_revoke


class Command(BaseCommand):
    help = "Revoke unused license keys, named by full key text or database id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keys", nargs="+", help="full key text or database id")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = operator_actor(label="operator (manage.py revoke_key)")
        failed = 0
        for ref in options["keys"]:
            try:
                key = license_key_revoke(actor=actor, key=key_for_operator(ref))
            except DomainError as exc:
                failed += 1
                self.stderr.write(f"{ref}: {exc.message}")
            else:
                self.stdout.write(f"Revoked key …{key.suffix} (id {key.pk}).")
        if failed:
            raise CommandError(f"{failed} of {len(options['keys'])} keys not revoked.")
