"""Partners: resellers and MSPs, with the vendor programs they belong to."""

from __future__ import annotations

from django.db import models

from partnerdesk.core.models import StoredImage


class Partner(models.Model):
    """A reseller or MSP that signs in and manages its customers."""

    name = models.CharField(max_length=200, unique=True)
    msp_flex = models.BooleanField("MSP Flex (monthly usage billing)", default=False)
    msp_flex_connect = models.BooleanField("MSP Flex Connect (managed orders)", default=False)
    mfa_required = models.BooleanField("require multi-factor sign-in", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def programs(self) -> list[str]:
        names = []
        if self.msp_flex:
            names.append("MSP Flex")
        if self.msp_flex_connect:
            names.append("MSP Flex Connect")
        return names


class PartnerLogo(StoredImage):
    """The partner's logo for co-branding (G-1): left in the header of exported dashboards."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="logo")

    def __str__(self) -> str:
        return f"logo of {self.partner_id}"
