"""Sign-in (throttled, S-4) and sign-out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from partnerdesk.core.throttle import FailureThrottle

login_throttle = FailureThrottle(
    "login", settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW_SECONDS
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses sign-in for a while after too many failures for one username or one address."""

    def _subjects(self) -> list[str]:
        request: HttpRequest | None = self.request
        username = (self.data.get("username") or "").strip().lower()
        address = request.META.get("REMOTE_ADDR", "") if request else ""
        return [f"user:{username}", f"addr:{address}"]

    def clean(self) -> dict[str, Any]:
        subjects = self._subjects()
        wait = max(login_throttle.retry_after(s) for s in subjects)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            raise forms.ValidationError(
                f"Too many failed sign-ins. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for s in subjects:
                login_throttle.fail(s)
            raise


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
