"""The bookkeeper's accounts: what each is for (its role) and what the Practice sheet
names it, with its Xero account code."""

from __future__ import annotations

from dataclasses import dataclass, field

from claimbook.rules import schema

# Account roles: what an account is for; its name is the bookkeeper's (a Practice setting).
REVENUE = "revenue"
INSURANCE_AR = "insurance_ar"
CLIENT_AR = "client_ar"
ADJUSTMENTS = "adjustments"
DISCOUNTS = "discounts"
UNDEPOSITED = "undeposited"
GIFT_CARDS = "gift_cards"
AR_TRANSFER = "ar_transfer"
PROVIDER_ADJUSTMENTS = "provider_adjustments"

ROLE_SETTINGS = {
    REVENUE: "revenue_account",
    INSURANCE_AR: "insurance_a_r_account",
    CLIENT_AR: "client_a_r_account",
    ADJUSTMENTS: "contractual_adjustment_account",
    DISCOUNTS: "discount_account",
    UNDEPOSITED: "undeposited_funds_account",
    GIFT_CARDS: "gift_card_account",
    AR_TRANSFER: "a_r_transfer_account",
    PROVIDER_ADJUSTMENTS: "provider_adjustment_account",
}
AR_ROLES = (INSURANCE_AR, CLIENT_AR)



def _setting(field_name: str) -> schema.Setting:
    return next(s for s in schema.PRACTICE_SETTINGS if s.field == field_name)


@dataclass(frozen=True)
class Accounts:
    """The bookkeeper's account names (and Xero account codes), by role."""

    names: dict[str, str]
    codes: dict[str, str | None] = field(default_factory=dict)
    tax_rate: str = "Tax Exempt"

    @classmethod
    def from_settings(cls, settings) -> Accounts:
        """The accounts named on the Practice sheet; a blank setting takes its default.

        Args:
            settings: the book's Practice settings.

        Returns:
            The account name (and code, when given) of every role.
        """
        names, codes = {}, {}
        for role, field_name in ROLE_SETTINGS.items():
            value = getattr(settings, field_name, None)
            names[role] = str(value).strip() if value else str(_setting(field_name).default)
            code = getattr(settings, f"{field_name}_code", None)
            codes[role] = str(code).strip() if code else None
        tax = getattr(settings, "xero_tax_rate", None) or _setting("xero_tax_rate").default
        return cls(names, codes, str(tax).strip())

    def __getitem__(self, role: str) -> str:
        return self.names[role]

    def settings(self) -> list[tuple[str, str]]:
        """(setting name, account name) for every role, as the Practice sheet lists them."""
        return [(_setting(f).name, self.names[role]) for role, f in ROLE_SETTINGS.items()]

    def code_setting(self, role: str) -> str:
        """The name of the Practice setting that holds a role's Xero account code."""
        return f"{_setting(ROLE_SETTINGS[role]).name} Code"
