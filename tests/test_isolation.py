"""S-1 and SPEC section 1: every URL, walked as every kind of actor.

Denied cases answer exactly as a missing object would, leak nothing and change nothing."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from partnerdesk.core.permissions import PartnerRole
from partnerdesk.customers.models import GroupMembership
from tests.factories import CustomerFactory, GroupFactory, UserFactory, add_to_group, assign

pytestmark = pytest.mark.django_db

SECRET = "Hidden Harbour Dental"


@pytest.fixture
def world(partner, other_partner, make_user):
    hidden = CustomerFactory(partner=partner, show_as=SECRET, contact_email="secret@example.com")
    visible = CustomerFactory(partner=partner, show_as="Assigned Alpine")
    group = GroupFactory(partner=partner, name="Secret group")
    add_to_group(hidden, group)
    users = {role: make_user(partner, role) for role in PartnerRole}
    for role in (PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY):
        assign(users[role], visible)
    outsider = make_user(other_partner, PartnerRole.SUPER_ADMIN)
    CustomerFactory(partner=other_partner, show_as="Outsider Own")
    return {
        "hidden": hidden,
        "visible": visible,
        "group": group,
        "users": users,
        "outsider": outsider,
    }


def object_urls(customer, group) -> list[tuple[str, str]]:
    return [
        ("get", reverse("customers:detail", args=[customer.uuid])),
        ("get", reverse("customers:contact", args=[customer.uuid])),
        ("post", reverse("customers:group_add", args=[customer.uuid])),
        ("post", reverse("customers:group_remove", args=[customer.uuid, group.id])),
    ]


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_users_are_sent_to_sign_in(world):
    client = Client()
    urls = [
        ("get", reverse("customers:list")),
        ("get", reverse("customers:export")),
        *object_urls(world["hidden"], world["group"]),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert GroupMembership.objects.count() == 1


def test_another_partners_user_sees_nothing_of_this_partner(world):
    client = login(world["outsider"])
    listing = client.get(reverse("customers:list")).content.decode()
    export = b"".join(client.get(reverse("customers:export")).streaming_content).decode()
    search = client.get(reverse("customers:list"), {"q": "harbour"}).content.decode()
    for body in (listing, export, search):
        assert SECRET not in body and "Secret group" not in body
    assert "Outsider Own" in listing
    missing = CustomerFactory.build()  # a well-formed id that exists nowhere
    for method, url in object_urls(world["hidden"], world["group"]):
        foreign = getattr(client, method)(url, {"group": world["group"].id})
        absent = getattr(client, method)(url.replace(str(world["hidden"].uuid), str(missing.uuid)))
        assert foreign.status_code == absent.status_code == 404, url
        assert SECRET not in foreign.content.decode()
    assert GroupMembership.objects.count() == 1


def test_guessed_and_malformed_ids_are_not_found(world):
    client = login(world["users"][PartnerRole.SUPER_ADMIN])
    for bad in (str(uuid.uuid4()), "1", "not-a-uuid", str(world["hidden"].id)):
        assert client.get(reverse("customers:detail", args=[bad])).status_code == 404


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_roles_below_super_admin_see_only_assigned_customers(world, role):
    client = login(world["users"][role])
    listing = client.get(reverse("customers:list")).content.decode()
    export = b"".join(client.get(reverse("customers:export")).streaming_content).decode()
    for body in (listing, export):
        assert "Assigned Alpine" in body
        assert SECRET not in body
    for method, url in object_urls(world["hidden"], world["group"]):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("customers:detail", args=[world["visible"].uuid])).status_code == 200
    assert GroupMembership.objects.count() == 1


@pytest.mark.parametrize("role", [PartnerRole.SUPER_ADMIN, PartnerRole.BUSINESS_ADMIN])
def test_super_and_business_admins_see_every_customer(world, role):
    body = login(world["users"][role]).get(reverse("customers:list")).content.decode()
    assert SECRET in body and "Assigned Alpine" in body


def test_read_only_user_cannot_change_group_membership(world):
    user = world["users"][PartnerRole.READ_ONLY]
    client = login(user)
    visible, group = world["visible"], world["group"]
    assert (
        client.post(
            reverse("customers:group_add", args=[visible.uuid]), {"group": group.id}
        ).status_code
        == 403
    )
    add_to_group(visible, group)
    assert (
        client.post(reverse("customers:group_remove", args=[visible.uuid, group.id])).status_code
        == 403
    )
    assert GroupMembership.objects.filter(customer=visible).count() == 1


def test_operator_without_partner_reaches_no_customer(world):
    operator = UserFactory(partner=None, partner_role="", is_staff=True, is_superuser=True)
    client = login(operator)
    response = client.get(reverse("customers:list"))
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    assert client.get(reverse("customers:detail", args=[world["hidden"].uuid])).status_code == 403


# -- the pages added with licensing, groups, unlinking, audit and API credentials ----------


def customer_action_urls(customer) -> list[tuple[str, str]]:
    return [
        ("get", reverse("licensing:apply", args=[customer.uuid])),
        ("post", reverse("licensing:apply", args=[customer.uuid])),
        ("post", reverse("customers:unlink_cancel", args=[customer.uuid])),
        ("get", reverse("billing:update", args=[customer.uuid])),
        ("post", reverse("billing:update", args=[customer.uuid])),
    ]


def test_s1_new_customer_urls_answer_not_found_to_another_partner(world):
    client = login(world["outsider"])
    for method, url in customer_action_urls(world["hidden"]):
        response = getattr(client, method)(url, {"key": "X", "customer": str(world["hidden"].uuid)})
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    for url in (
        reverse("groups:edit", args=[world["group"].id]),
        reverse("groups:delete", args=[world["group"].id]),
    ):
        assert client.get(url).status_code == 404
    unlink = client.post(
        reverse("customers:unlink"),
        {"customer": [str(world["hidden"].uuid)], "step": "confirm", "confirmed": "yes"},
    )
    assert SECRET not in unlink.content.decode()
    world["hidden"].refresh_from_db()
    assert world["hidden"].unlinked_at is None
    assert GroupMembership.objects.count() == 1


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_s1_new_customer_urls_hide_unassigned_customers(world, role):
    client = login(world["users"][role])
    for method, url in customer_action_urls(world["hidden"]):
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("groups:list", {PartnerRole.SUPER_ADMIN}),
        ("audit:list", {PartnerRole.SUPER_ADMIN, PartnerRole.ADMIN, PartnerRole.BUSINESS_ADMIN}),
        ("audit:export", {PartnerRole.SUPER_ADMIN, PartnerRole.ADMIN, PartnerRole.BUSINESS_ADMIN}),
        ("accounts:credentials", {PartnerRole.SUPER_ADMIN}),
        ("partner_settings:logo", {PartnerRole.SUPER_ADMIN, PartnerRole.HELP_DESK}),
        ("webhooks:list", {PartnerRole.SUPER_ADMIN}),
        ("webhooks:deliveries", {PartnerRole.SUPER_ADMIN}),
    ],
)
def test_section1_partner_pages_follow_the_role_table(world, url_name, allowed):
    for role in PartnerRole:
        status = login(world["users"][role]).get(reverse(url_name)).status_code
        assert (status == 200) == (role in allowed), (url_name, role, status)
        assert status in (200, 403)


@pytest.mark.parametrize(
    "url_name",
    [
        "groups:list",
        "audit:list",
        "audit:export",
        "accounts:credentials",
        "partner_settings:logo",
        "webhooks:list",
        "webhooks:deliveries",
    ],
)
def test_anonymous_users_are_sent_to_sign_in_from_partner_pages(url_name):
    response = Client().get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# -- the console issue: Launch customer, approval requests, rename, the customer's console --


def partner_assist_urls(customer) -> list[tuple[str, str]]:
    return [
        ("post", reverse("customers:launch", args=[customer.uuid])),
        ("get", reverse("customers:request_approval", args=[customer.uuid])),
        ("post", reverse("customers:request_approval", args=[customer.uuid])),
        ("get", reverse("customers:rename", args=[customer.uuid])),
        ("post", reverse("customers:rename", args=[customer.uuid])),
    ]


def console_urls(customer) -> list[tuple[str, str]]:
    from partnerdesk.console.models import EarlyAccessProgram

    program, _ = EarlyAccessProgram.objects.get_or_create(name="Isolation preview")
    some_request = uuid.uuid4()
    return [
        ("get", reverse("console:home", args=[customer.uuid])),
        ("get", reverse("console:settings", args=[customer.uuid])),
        ("post", reverse("console:partner_assistance", args=[customer.uuid])),
        ("post", reverse("console:approval_answer", args=[customer.uuid, some_request])),
        ("post", reverse("console:early_access", args=[customer.uuid, program.pk])),
        ("get", reverse("console:audit", args=[customer.uuid])),
        ("get", reverse("console:logo", args=[customer.uuid])),
        ("post", reverse("console:logo_upload", args=[customer.uuid])),
        ("post", reverse("console:logo_remove", args=[customer.uuid])),
        ("post", reverse("console:end_session", args=[customer.uuid])),
        *dashboard_urls(customer),
    ]


def _custom_dashboard_and_export(customer):
    """A custom dashboard with one widget and a finished PDF export of it, so the dashboard
    and export URLs below point at real rows of the customer."""
    import datetime as dt

    from django.utils import timezone

    from partnerdesk.console.models import Dashboard, DashboardWidget
    from partnerdesk.reports.models import DashboardExport, ExportStatus

    board, created = Dashboard.objects.get_or_create(
        customer=customer,
        name="Isolation board",
        defaults={"partner_id": customer.partner_id, "created_by": "test"},
    )
    if created:
        DashboardWidget.objects.create(
            partner_id=customer.partner_id,
            customer=customer,
            dashboard=board,
            widget_key="devices-by-health",
            x=0,
            y=0,
            w=2,
            h=1,
        )
    now = timezone.now()
    export, _ = DashboardExport.objects.get_or_create(
        customer=customer,
        title="Isolation board",
        defaults={
            "partner_id": customer.partner_id,
            "source": f"custom:{board.uuid}",
            "placements": [{"key": "devices-by-health", "x": 0, "y": 0, "w": 2, "h": 1}],
            "requested_by": "test",
            "requested_at": now,
            "status": ExportStatus.DONE,
            "progress": 100,
            "pdf": b"%PDF-1.7 isolation",
            "size": 18,
            "finished_at": now,
            "expires_at": now + dt.timedelta(hours=24),
        },
    )
    return board, export


def dashboard_urls(customer) -> list[tuple[str, str]]:
    board, export = _custom_dashboard_and_export(customer)
    widget = board.widgets.get()
    c, ref = customer.uuid, board.uuid
    return [
        ("get", reverse("console:dashboards", args=[c])),
        ("get", reverse("console:dashboard_new", args=[c])),
        ("post", reverse("console:dashboard_new", args=[c])),
        ("get", reverse("console:dashboard", args=[c, "overview"])),
        ("get", reverse("console:dashboard", args=[c, ref])),
        ("get", reverse("console:dashboard_edit", args=[c, ref])),
        ("post", reverse("console:dashboard_edit", args=[c, ref])),
        ("post", reverse("console:dashboard_widget_add", args=[c, ref])),
        ("post", reverse("console:dashboard_widget_move", args=[c, ref, widget.pk])),
        ("post", reverse("console:dashboard_widget_place", args=[c, ref, widget.pk])),
        ("post", reverse("console:dashboard_widget_remove", args=[c, ref, widget.pk])),
        ("get", reverse("console:dashboard_delete", args=[c, ref])),
        ("post", reverse("console:dashboard_delete", args=[c, ref])),
        ("post", reverse("console:dashboard_copy", args=[c, "threat-overview"])),
        ("post", reverse("console:dashboard_export", args=[c, ref])),
        ("get", reverse("console:export", args=[c, export.uuid])),
        ("get", reverse("console:export_download", args=[c, export.uuid])),
    ]


def _nothing_changed(customer) -> None:
    from partnerdesk.console.models import CustomerLogo, EarlyAccessEnrollment
    from partnerdesk.customers.models import ApprovalRequest

    before = customer.show_as, customer.partner_assistance
    customer.refresh_from_db()
    assert (customer.show_as, customer.partner_assistance) == before
    assert not ApprovalRequest.objects.filter(customer=customer).exists()
    assert not CustomerLogo.objects.filter(customer=customer).exists()
    assert not EarlyAccessEnrollment.objects.filter(customer=customer).exists()
    _dashboards_unchanged(customer)


def _dashboards_unchanged(customer) -> None:
    from partnerdesk.console.models import Dashboard
    from partnerdesk.reports.models import DashboardExport

    board, export = _custom_dashboard_and_export(customer)
    assert list(Dashboard.objects.filter(customer=customer)) == [board]
    assert [(w.widget_key, w.x, w.y, w.w, w.h) for w in board.widgets.all()] == [
        ("devices-by-health", 0, 0, 2, 1)
    ]
    assert board.name == "Isolation board" and board.version == 1
    assert list(DashboardExport.objects.filter(customer=customer)) == [export]


def test_s1_console_and_assist_urls_send_anonymous_users_to_sign_in(world):
    client = Client()
    for method, url in partner_assist_urls(world["hidden"]) + console_urls(world["hidden"]):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    _nothing_changed(world["hidden"])


def test_s1_another_partner_reaches_neither_assist_urls_nor_console(world):
    client = login(world["outsider"])
    for method, url in partner_assist_urls(world["hidden"]) + console_urls(world["hidden"]):
        response = getattr(client, method)(url, {"show_as": "Taken", "version": 1})
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    _nothing_changed(world["hidden"])


@pytest.mark.parametrize("role", [PartnerRole.ADMIN, PartnerRole.HELP_DESK, PartnerRole.READ_ONLY])
def test_s1_assist_urls_hide_unassigned_customers(world, role):
    client = login(world["users"][role])
    for method, url in partner_assist_urls(world["hidden"]):
        assert getattr(client, method)(url, {"show_as": "Taken"}).status_code == 404, url
    _nothing_changed(world["hidden"])


def test_s1_owning_partner_without_a_delegated_session_does_not_reach_the_console(world):
    client = login(world["users"][PartnerRole.SUPER_ADMIN])
    for method, url in console_urls(world["hidden"]):
        assert getattr(client, method)(url, {"enabled": "on"}).status_code == 404, url
    _nothing_changed(world["hidden"])


def test_s1_customer_admin_of_one_tenant_reaches_no_other(world):
    from tests.factories import customer_admin

    client = login(customer_admin(world["visible"], "super_admin"))
    for method, url in console_urls(world["hidden"]):
        response = getattr(client, method)(url, {"enabled": "on", "decision": "approve"})
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    for method, url in partner_assist_urls(world["hidden"]):
        assert getattr(client, method)(url).status_code == 403, url
    _nothing_changed(world["hidden"])


def test_s1_delegated_session_into_one_customer_reaches_no_other(world):
    from partnerdesk.customers.models import Customer

    Customer.objects.filter(pk=world["visible"].pk).update(partner_assistance=True)
    Customer.objects.filter(pk=world["hidden"].pk).update(partner_assistance=False)
    world["hidden"].refresh_from_db()
    client = login(world["users"][PartnerRole.ADMIN])
    assert client.post(reverse("customers:launch", args=[world["visible"].uuid])).status_code == 302
    for method, url in console_urls(world["hidden"]):
        assert getattr(client, method)(url, {"enabled": "on"}).status_code == 404, url
    _nothing_changed(world["hidden"])


def test_s1_another_partners_webhooks_answer_as_missing(world):
    from partnerdesk.outbound.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        partner=world["hidden"].partner,
        url="https://hooks.example.com/secret",
        events=["customer.renamed"],
        secret="whsec_" + "A" * 43,
        created_by="test",
    )
    client = login(world["outsider"])
    for name in ("webhooks:edit", "webhooks:delete", "webhooks:rotate"):
        response = client.get(reverse(name, args=[endpoint.pk]))
        assert response.status_code == 404, name
        assert "hooks.example.com" not in response.content.decode()
    assert client.post(reverse("webhooks:delete", args=[endpoint.pk])).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
