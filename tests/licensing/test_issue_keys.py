"""L-2: the operator issues keys (command line and Django admin) and revokes them; only a hash
and a short suffix are stored; every issue and revoke is audited."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from partnerdesk.accounts.models import User
from partnerdesk.audit.models import ActorKind, AuditEvent
from partnerdesk.licensing import keys
from partnerdesk.licensing.models import LicenseKey
from tests.factories import CustomerFactory, product

pytestmark = pytest.mark.django_db


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def test_l2_issue_keys_writes_new_keys_once_to_a_csv(tmp_path, partner) -> None:
    product("endpoint", code="endpoint-advanced")
    out = tmp_path / "keys.csv"
    stdout = io.StringIO()
    call_command(
        "issue_keys",
        "--product", "endpoint-advanced", "--quantity", "25", "--months", "12",
        "--count", "3", "--partner", str(partner.pk), "--output", str(out),
        stdout=stdout,
    )  # fmt: skip
    rows = read_csv(out)
    assert len(rows) == 3
    assert "Issued 3 keys" in stdout.getvalue()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    for row in rows:
        text = row["license_key"]
        assert keys.normalize(text) == text
        key = LicenseKey.objects.get(key_hash=keys.key_hash(text))
        assert (key.suffix, key.quantity, key.term_months, key.partner_id) == (
            text[-5:], 25, 12, partner.pk,
        )  # fmt: skip
    assert AuditEvent.objects.filter(action="license_key.issued").count() == 3


def test_l2_only_hash_and_suffix_are_stored(tmp_path) -> None:
    product("server", code="server-protection")
    out = tmp_path / "keys.csv"
    call_command(
        "issue_keys", "--product", "server-protection", "--quantity", "5", "--months", "6",
        "--output", str(out), stdout=io.StringIO(),
    )  # fmt: skip
    text = read_csv(out)[0]["license_key"]
    stored = LicenseKey.objects.values().get()
    assert not any(text in str(v) or text.replace("-", "") in str(v) for v in stored.values())
    assert not any(text in str(e.after) for e in AuditEvent.objects.all())


def test_l2_issue_keys_refuses_to_overwrite_a_file(tmp_path) -> None:
    product("endpoint", code="endpoint-advanced")
    out = tmp_path / "keys.csv"
    out.write_text("precious")
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "issue_keys", "--product", "endpoint-advanced", "--quantity", "1", "--months", "12",
            "--output", str(out),
        )  # fmt: skip
    assert out.read_text() == "precious"
    assert not LicenseKey.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--product", "nope"], "No product has the code 'nope'"),
        (["--partner", "999999"], "No partner has the id or name '999999'"),
        (["--quantity", "0"], "quantity must be between 1 and 100,000; got 0"),
        (["--quantity", "ten"], "quantity must be a whole number"),
        (["--months", "61"], "months must be between 1 and 60; got 61"),
        (["--count", "0"], "count must be between 1 and 1,000; got 0"),
    ],
)
def test_l2_issue_keys_explains_bad_input_and_writes_nothing(tmp_path, args, message) -> None:
    product("endpoint", code="endpoint-advanced")
    out = tmp_path / "keys.csv"
    base = {"--product": "endpoint-advanced", "--quantity": "1", "--months": "12"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [x for pair in base.items() for x in pair] + ["--output", str(out)]
    with pytest.raises(CommandError, match=message):
        call_command("issue_keys", *argv)
    assert not out.exists()
    assert not LicenseKey.objects.exists()


def test_l2_revoke_key_by_text_then_applying_it_is_refused(tmp_path, partner, make_key) -> None:
    text = make_key()
    stdout = io.StringIO()
    call_command("revoke_key", text, stdout=stdout)
    assert "Revoked key" in stdout.getvalue()
    assert LicenseKey.objects.get().revoked_at is not None
    event = AuditEvent.objects.get(action="license_key.revoked")
    assert event.after is not None
    with pytest.raises(CommandError, match="1 of 1 keys not revoked"):
        call_command("revoke_key", text, stderr=io.StringIO())


def test_l2_revoke_key_refuses_a_used_key(make_key, super_admin) -> None:
    from partnerdesk.licensing.services import license_key_apply
    from tests.licensing.conftest import actor_of

    text = make_key()
    customer = CustomerFactory(partner=super_admin.partner)
    license_key_apply(
        actor=actor_of(super_admin), customer_id=str(customer.uuid), key_text=text,
        terms_accepted=True,
    )  # fmt: skip
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("revoke_key", str(LicenseKey.objects.get().pk), stderr=err)
    assert "activation cannot be undone" in err.getvalue()


def test_l2_partner_users_cannot_issue_keys(super_admin) -> None:
    from partnerdesk.core.errors import PermissionDenied
    from partnerdesk.licensing.services import license_keys_issue
    from tests.licensing.conftest import actor_of

    product("endpoint", code="endpoint-advanced")
    with pytest.raises(PermissionDenied):
        license_keys_issue(
            actor=actor_of(super_admin), product="endpoint-advanced", quantity=1,
            term_months=12, count=1,
        )  # fmt: skip


# -- the Django admin ---------------------------------------------------------------------------


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser("olive", "olive@example.com", "Operator-pass-123")


def test_l2_admin_issues_keys_and_shows_them_once(client, operator, partner) -> None:
    endpoint = product("endpoint", code="endpoint-advanced")
    client.force_login(operator)
    add_url = reverse("admin:licensing_licensekey_add")
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        {"product": endpoint.pk, "quantity": 10, "term_months": 12, "count": 2,
         "partner": partner.pk, "show": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "shown once" in html
    stored = list(LicenseKey.objects.all())
    assert len(stored) == 2
    for key in stored:
        assert f"-{key.suffix}</code>" in html
    events = AuditEvent.objects.filter(action="license_key.issued")
    assert events.count() == 2
    assert {e.actor_kind for e in events} == {ActorKind.OPERATOR}
    # The changelist never shows a key in full.
    listing = client.get(reverse("admin:licensing_licensekey_changelist")).content.decode()
    assert stored[0].suffix in listing


def test_l2_admin_issues_keys_as_a_csv_download(client, operator) -> None:
    endpoint = product("endpoint", code="endpoint-advanced")
    client.force_login(operator)
    response = client.post(
        reverse("admin:licensing_licensekey_add"),
        {"product": endpoint.pk, "quantity": 10, "term_months": 12, "count": 3, "download": "1"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert {keys.key_hash(r["license_key"]) for r in rows} == set(
        LicenseKey.objects.values_list("key_hash", flat=True)
    )


def test_l2_admin_refuses_bad_input_with_a_message(client, operator) -> None:
    endpoint = product("endpoint", code="endpoint-advanced")
    client.force_login(operator)
    response = client.post(
        reverse("admin:licensing_licensekey_add"),
        {"product": endpoint.pk, "quantity": 0, "term_months": 99, "count": 1, "show": "1"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not LicenseKey.objects.exists()


def test_l2_admin_revokes_unused_keys_and_explains_used_ones(
    client, operator, make_key, super_admin
) -> None:
    from partnerdesk.licensing.services import license_key_apply
    from tests.licensing.conftest import actor_of

    unused = make_key()
    used = make_key()
    customer = CustomerFactory(partner=super_admin.partner)
    license_key_apply(
        actor=actor_of(super_admin), customer_id=str(customer.uuid), key_text=used,
        terms_accepted=True,
    )  # fmt: skip
    client.force_login(operator)
    response = client.post(
        reverse("admin:licensing_licensekey_changelist"),
        {"action": "revoke_selected", "_selected_action": [k.pk for k in LicenseKey.objects.all()]},
        follow=True,
    )
    html = response.content.decode()
    assert "Revoked 1 key." in html
    assert "cannot be revoked" in html
    assert LicenseKey.objects.get(key_hash=keys.key_hash(unused)).revoked_at is not None
    assert LicenseKey.objects.get(key_hash=keys.key_hash(used)).revoked_at is None


def test_l2_partner_users_cannot_reach_the_key_admin(client, super_admin) -> None:
    client.force_login(super_admin)
    response = client.get(reverse("admin:licensing_licensekey_add"))
    assert response.status_code == 302  # to the admin sign-in
    assert not LicenseKey.objects.exists()


def test_l2_admin_shows_a_key_read_only_without_its_hash(client, operator, make_key) -> None:
    make_key()
    key = LicenseKey.objects.get()
    client.force_login(operator)
    response = client.get(reverse("admin:licensing_licensekey_change", args=[key.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert key.suffix in html
    assert key.key_hash not in html
    assert 'name="quantity"' not in html  # nothing to edit
