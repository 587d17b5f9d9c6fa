"""Domain errors: one small hierarchy, mapped to responses in one place (views and API)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service or selector raises on purpose."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    """The object is missing or outside the actor's scope (the two are never told apart)."""

    code = "notFound"
    status = 404


class PermissionDenied(DomainError):
    """The actor may see the object but its role does not allow the action."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The change collides with the current state (already done, stale, duplicate)."""

    code = "conflict"
    status = 409


class ValidationFailed(DomainError):
    """Input is malformed; `fields` maps field names to messages."""

    code = "badRequest"
    status = 400

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.fields = fields or {}
