"""`python manage.py api_credential create --partner PARTNER --role ROLE --name NAME`: an API
credential for operators and scripts; prints `{"client_id": ..., "client_secret": ...}`.

Also `list --partner PARTNER`, `revoke CLIENT_ID` and `assign CLIENT_ID CUSTOMER_ID...` (the
customers a credential below Super Admin and Business Admin may reach)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnerdesk.accounts.models import APICredential
from partnerdesk.accounts.services import (
    credential_assign,
    credential_create_for_partner,
    credential_revoke_as_operator,
)
from partnerdesk.core.errors import DomainError
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner


def _partner(ref: str) -> Partner:
    partner = (
        Partner.objects.filter(pk=int(ref)).first()
        if ref.isdigit()
        else Partner.objects.filter(name=ref).first()
    )
    if partner is None:
        raise CommandError(f"No partner named or numbered {ref!r}.")
    return partner


def _credential(client_id: str) -> APICredential:
    credential = APICredential.objects.filter(client_id=client_id).first()
    if credential is None:
        raise CommandError(f"No credential with client id {client_id!r}.")
    return credential


class Command(BaseCommand):
    help = "Create, list, revoke API credentials and assign customers to them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a credential and print its secret once")
        create.add_argument("--partner", required=True, help="partner name or id")
        create.add_argument(
            "--role", required=True, choices=[r.value for r in PartnerRole], help="partner role"
        )
        create.add_argument("--name", required=True, help="what the credential is for")
        listing = sub.add_parser("list", help="list a partner's credentials (no secrets)")
        listing.add_argument("--partner", required=True, help="partner name or id")
        revoke = sub.add_parser("revoke", help="revoke a credential; its tokens stop at once")
        revoke.add_argument("client_id")
        assign = sub.add_parser("assign", help="assign customers (public ids) to a credential")
        assign.add_argument("client_id")
        assign.add_argument("customer_ids", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, options: dict[str, Any]) -> None:
        new = credential_create_for_partner(
            partner=_partner(options["partner"]), name=options["name"], role=options["role"]
        )
        self.stdout.write(
            json.dumps({"client_id": new.client_id, "client_secret": new.client_secret})
        )

    def _list(self, options: dict[str, Any]) -> None:
        rows = [
            {
                "client_id": c.client_id,
                "name": c.name,
                "role": c.role,
                "created_at": c.created_at.isoformat(),
                "last_used_at": c.last_used_at.isoformat() if c.last_used_at else None,
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            }
            for c in APICredential.objects.filter(
                partner=_partner(options["partner"]), customer__isnull=True
            )
        ]
        self.stdout.write(json.dumps(rows, indent=2))

    def _revoke(self, options: dict[str, Any]) -> None:
        credential = credential_revoke_as_operator(credential=_credential(options["client_id"]))
        self.stdout.write(f"Revoked {credential.client_id}.")

    def _assign(self, options: dict[str, Any]) -> None:
        credential = _credential(options["client_id"])
        added = credential_assign(credential=credential, customer_ids=options["customer_ids"])
        self.stdout.write(f"Assigned {added} customer(s) to {credential.client_id}.")
