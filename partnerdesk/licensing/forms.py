"""The apply-key form (L-3). It only collects the fields and never fails by itself: the rules
and their messages live in `services.license_key_apply`, so the page and the API refuse alike."""

from __future__ import annotations

from django import forms

from partnerdesk.licensing.services import COTERM, RENEW


class ApplyKeyForm(forms.Form):
    key = forms.CharField(
        label="License key",
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "placeholder": "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
            }
        ),
    )
    terms = forms.BooleanField(label="I accept the terms", required=False)
    # A plain field: an unexpected value reaches the service, which says what is wrong.
    overlap = forms.CharField(required=False, help_text=f"{RENEW} or {COTERM}")
