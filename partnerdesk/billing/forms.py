"""Forms of the billing pages. They only collect fields and never fail by themselves: the rules
and their messages live in the services, so the pages and the API refuse alike (S-3)."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from partnerdesk.customers.models import REGION_CHOICES
from partnerdesk.customers.trials import TrialRequest

# (form field, service contact key, label)
CONTACT_FIELDS = [
    ("first_name", "contact_first_name", "Contact first name"),
    ("last_name", "contact_last_name", "Contact last name"),
    ("email", "contact_email", "Email"),
    ("phone", "contact_phone", "Phone"),
    ("address1", "address1", "Address"),
    ("address2", "address2", "Address line 2"),
    ("city", "city", "City"),
    ("state", "state", "State or region"),
    ("postal_code", "postal_code", "Postal code"),
    ("country_code", "country_code", "Country code"),
]


class CustomerDetailsForm(forms.Form):
    show_as = forms.CharField(label="Name shown as", required=False, max_length=300)
    legal_name = forms.CharField(label="Legal name", required=False, max_length=300)
    data_region = forms.ChoiceField(
        label="Data region", required=False, choices=[("", "Choose…"), *REGION_CHOICES]
    )

    def __init__(self, data: QueryDict | None = None) -> None:
        super().__init__(data)
        for name, _key, label in CONTACT_FIELDS:
            self.fields[name] = forms.CharField(label=label, required=False, max_length=300)

    def details(self, product_codes: list[str]) -> TrialRequest:
        data = self.cleaned_data
        return TrialRequest(
            show_as=data["show_as"],
            legal_name=data["legal_name"],
            data_region=data["data_region"],
            product_codes=product_codes,
            contact={key: data[name] for name, key, _label in CONTACT_FIELDS},
        )

    def contact_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _key, _label in CONTACT_FIELDS]
