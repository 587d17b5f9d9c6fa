"""`python manage.py demo`: load the demo data once and print how to sign in.

`--customers N` adds N customers quickly with bulk inserts (for benchmarks)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnerdesk.accounts.demo import ensure_demo_credentials
from partnerdesk.accounts.demo_console import ensure_demo_console
from partnerdesk.console.demo import load_device_history
from partnerdesk.console.demo_logos import ensure_demo_logos
from partnerdesk.core import demo_data
from partnerdesk.licensing.demo import print_demo_keys
from partnerdesk.partners.models import Partner


class Command(BaseCommand):
    help = "Load the demo data (once) and print the demo sign-ins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--customers",
            type=int,
            default=0,
            help="add this many extra customers with bulk inserts",
        )
        parser.add_argument(
            "--partner",
            default=demo_data.PARTNER_A,
            help="partner (name or id) that receives --customers",
        )
        parser.add_argument(
            "--no-licenses",
            action="store_true",
            help="with --customers: add the customers without licenses",
        )
        parser.add_argument("--quiet", action="store_true", help="do not print the sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_data.load_demo()
        if result.created:
            self.stdout.write(f"Demo data loaded: {result.customers} customers.")
        else:
            self.stdout.write(f"Demo data already present ({result.customers} customers); kept.")
        if options["customers"] < 0:
            raise CommandError("--customers must be zero or more.")
        if options["customers"]:
            self._bulk(options["partner"], options["customers"], not options["no_licenses"])
        api_credentials = ensure_demo_credentials()
        load_device_history(None if options["quiet"] else self.stdout)
        console_admins = ensure_demo_console()
        logos = ensure_demo_logos()
        if not options["quiet"]:
            self._print_sign_ins()
            self.stdout.write(
                "\nDemo customer admins (they sign in at the same page and land in their console):"
            )
            for who, username, password in console_admins:
                self.stdout.write(f"  {who:<52} {username:<30} {password}")
            if logos:
                self.stdout.write(
                    "\nDemo logos (shown on exported dashboards; replace them under Logo and in "
                    "the console's Settings): " + ", ".join(logos)
                )
            self.stdout.write("\nDemo API credentials (client id, client secret; see docs/api.md):")
            for who, client_id, secret in api_credentials:
                self.stdout.write(f"  {who:<52} {client_id:<24} {secret}")
            print_demo_keys(self.stdout)

    def _bulk(self, partner_ref: str, count: int, with_licenses: bool) -> None:
        partner = (
            Partner.objects.filter(pk=int(partner_ref)).first()
            if partner_ref.isdigit()
            else Partner.objects.filter(name=partner_ref).first()
        )
        if partner is None:
            raise CommandError(f"No partner named or numbered {partner_ref!r}.")
        started = time.monotonic()
        for done in demo_data.bulk_customers(partner, count, with_licenses=with_licenses):
            if done % 50_000 == 0 or done == count:
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {done:,} of {count:,} customers added ({rate:,.0f}/s)")

    def _print_sign_ins(self) -> None:
        self.stdout.write("\nDemo sign-ins (the address is printed when the server starts):")
        for who, username, password in demo_data.sign_ins():
            self.stdout.write(f"  {who:<52} {username:<22} {password}")
