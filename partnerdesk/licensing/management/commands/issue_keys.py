"""`python manage.py issue_keys --product CODE --quantity N --months M --count K [--partner ID]
[--output FILE]`: issue license keys (L-2) and write them, once, to a new CSV file.

Only each key's hash and last five characters stay in the database: the CSV is the one place the
keys exist in full, so the command refuses to overwrite a file and removes a half-written one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from partnerdesk.core.errors import DomainError
from partnerdesk.licensing.access import operator_actor
from partnerdesk.licensing.services import issued_keys_csv, license_keys_issue
from partnerdesk.partners.models import Partner


class Command(BaseCommand):
    help = "Issue license keys and write them once to a CSV file (only hashes are stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--product", required=True, help="product code, e.g. endpoint-advanced")
        parser.add_argument("--quantity", required=True, help="users / devices per key")
        parser.add_argument("--months", required=True, help="term length in months (1-60)")
        parser.add_argument("--count", default="1", help="how many keys (default 1, max 1000)")
        parser.add_argument("--partner", help="bind the keys to this partner (id or exact name)")
        parser.add_argument(
            "--output",
            help="CSV file to create (refused if it exists; '-' writes to standard output). "
            "Default: license-keys-<product>-<time>.csv in the current directory.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        partner = self._partner(options["partner"])
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        output = options["output"] or f"license-keys-{options['product']}-{stamp}.csv"
        actor = operator_actor(label="operator (manage.py issue_keys)")
        if output == "-":
            with transaction.atomic():
                issued = self._issue(actor, options, partner)
                sys.stdout.write(issued_keys_csv(issued))
            return
        path = Path(output)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(
                f"{path} already exists; keys are written only to a new file."
            ) from None
        except OSError as exc:
            raise CommandError(f"Cannot create {path}: {exc.strerror}.") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, transaction.atomic():
                issued = self._issue(actor, options, partner)
                out.write(issued_keys_csv(issued))
                out.flush()
                os.fsync(out.fileno())  # the keys are on disk before the hashes are committed
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        first = issued[0].key
        self.stdout.write(
            f"Issued {len(issued)} key{'s' if len(issued) != 1 else ''} for {first.product.name} "
            f"(quantity {first.quantity}, {first.term_months} months"
            f"{', partner ' + first.partner.name if first.partner else ''}) into {path}. "
            "Keep the file safe: the keys cannot be shown again."
        )

    def _partner(self, ref: str | None) -> Partner | None:
        if ref is None:
            return None
        ref = ref.strip()
        partner = (
            Partner.objects.filter(pk=int(ref)).first()
            if ref.isdigit()
            else Partner.objects.filter(name=ref).first()
        )
        if partner is None:
            raise CommandError(f"No partner has the id or name {ref!r}.")
        return partner

    def _issue(self, actor: Any, options: dict[str, Any], partner: Partner | None) -> list:
        try:
            return license_keys_issue(
                actor=actor,
                product=options["product"],
                quantity=options["quantity"],
                term_months=options["months"],
                count=options["count"],
                partner=partner,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
