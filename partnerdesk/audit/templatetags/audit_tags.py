from __future__ import annotations

from typing import Any

from django import template

from partnerdesk.audit.actions import action_label as _label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return _label(action)


@register.filter
def pretty_change(value: Any) -> str:
    """A before/after snapshot as short `key: value` text; empty when there is none."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
