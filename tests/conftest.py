from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from partnerdesk.accounts.models import User
from partnerdesk.core.permissions import PartnerRole
from partnerdesk.partners.models import Partner
from tests.factories import PartnerFactory, UserFactory


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tests hash with a fast hasher; tests/accounts asserts Argon2 is what production uses.
    settings.PRODUCTION_PASSWORD_HASHERS = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests serve static files through the finders; no collectstatic manifest is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def partner(db: None) -> Partner:
    return PartnerFactory(name="Northwind MSP", msp_flex=True, msp_flex_connect=True)


@pytest.fixture
def other_partner(db: None) -> Partner:
    return PartnerFactory(name="Southbay Resellers")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(partner: Partner, role: PartnerRole = PartnerRole.SUPER_ADMIN) -> User:
        return UserFactory(partner=partner, partner_role=role.value)

    return make


@pytest.fixture
def super_admin(partner: Partner, make_user: Callable[..., User]) -> User:
    return make_user(partner, PartnerRole.SUPER_ADMIN)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make
