"""Template helpers: status pills (text and icon, never colour alone) and relative dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from partnerdesk.core.permissions import Action
from partnerdesk.licensing.status import State, Status

register = template.Library()

ICONS = {
    State.ACTIVE: "✓",
    State.EXPIRING: "!",
    State.TRIAL: "◷",
    State.EXPIRED: "✕",
    State.REVOKED: "⊘",
    State.NONE: "-",
}


def relative_days(day: dt.date, today: dt.date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if delta > 0:
        return f"in {delta} days"
    return f"{-delta} days ago"


@register.simple_tag
def reldate(day: dt.date | None, today: dt.date | None = None) -> str:
    if day is None:
        return ""
    return relative_days(day, today or timezone.localdate())


NO_LICENSE_PILL = mark_safe(
    '<span class="pill pill-none" title="No license"><span aria-hidden="true">—</span>'
    '<span class="visually-hidden">None</span></span>'
)


@register.simple_tag
def status_pill(status: Status, today: dt.date, compact: bool = False) -> str:
    """A status pill with icon and text (never colour alone). Built in Python rather than an
    inclusion template: the Customers page draws 300 of them per page (docs/performance.md)."""
    parts = _pill_parts(status, today, compact)
    if parts.get("empty"):
        return NO_LICENSE_PILL
    return format_html(
        '<span class="pill pill-{}" title="{}"><span class="pill-icon" aria-hidden="true">{}'
        "</span>{}</span>",
        parts["key"],
        parts["title"],
        parts["icon"],
        parts["text"],
    )


def _pill_parts(status: Status, today: dt.date, compact: bool) -> dict[str, Any]:
    state = status.state
    exact = f"{status.ends_on:%d %b %Y}" if status.ends_on else ""
    if state is State.TRIAL and status.days_left is not None:
        text = f"Trial · {status.days_left}d left" if compact else status.describe(today)
    elif state is State.EXPIRING and status.ends_on:
        text = f"Expires {relative_days(status.ends_on, today)}"
    elif state is State.EXPIRED and status.ends_on:
        short = (
            f"{status.ends_on:%d %b}"
            if status.ends_on.year == today.year
            else (f"{status.ends_on:%b %Y}")
        )
        text = f"Expired {short}" if compact else f"Expired {exact}"
    elif state is State.NONE and status.starts_on:
        text = f"Starts {status.starts_on:%d %b %Y}"
    elif state is State.NONE:
        return {"key": "none", "icon": "", "text": "", "title": "No license", "empty": True}
    else:
        text = state.label
    title = f"{state.label}{', ends ' + exact if exact and state is not State.EXPIRED else ''}"
    return {"key": state.key, "icon": ICONS[state], "text": text, "title": title}


@register.filter
def can(actor: Any, action: str) -> bool:
    """`{% if actor|can:"apply_license_key" %}`: the role table, so templates hide what the
    server refuses (C-7)."""
    try:
        return bool(actor is not None and actor.can(Action(action)))
    except ValueError:
        return False


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    return mapping.get(key)


@register.filter
def get_sort_label(sorts: dict, key: str) -> str:
    return str(sorts.get(key, ("name",))[0]).lower()


@register.filter
def fill(pattern: str, value: object) -> str:
    """`{{ links.detail|fill:c.uuid }}`: a link pattern from `core.views.link_patterns`."""
    from partnerdesk.core.views import ID_PLACEHOLDER

    return pattern.replace(ID_PLACEHOLDER, str(value))
