"""The API fixtures of tests/compat, for the export routes."""

from tests.compat.conftest import _clear_cache, api_user, make_api_user

__all__ = ["_clear_cache", "api_user", "make_api_user"]
