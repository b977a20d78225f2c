"""What a person types to onboard, country by country: one table per journey, read by the one
runner in ``test_onboarding_journeys.py``.

A table is the account the platform creates (country, entity type, configuration), the browser's
language, and the steps in the order Gangway should show them, each with what to type there.
The runner presses Continue after every step and ends on the review page, which no table lists.
Values are Stripe's test-mode magic values that Gangway's verification accepts
(``src/gangway/verification/README.md``): address line 1 ``address_full_match``, date of birth
1901-01-01, ID and tax numbers ``000000000``, the documented test bank accounts.

Japanese journeys type kanji in kanji inputs and katakana in kana inputs, and select
prefectures by value where the form offers a select (``Journey.fill`` chooses by value in a
select and types elsewhere, so the same table holds whichever the form shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.browser.conftest import US_BANK, US_INDIVIDUAL, US_MERCHANT, WEBSITE, prefixed

__all__ = ["JOURNEYS", "Onboarding", "Step"]

Values = Mapping[str, str | bool]


@dataclass(frozen=True)
class Step:
    """One page of the form and what to do on it."""

    page: str
    """The step in Gangway's URL; ``person`` for one person's page."""
    values: Values = field(default_factory=dict)
    leave_empty: str | None = None
    """A required input to leave empty at first: Continue must refuse the page, mark that input
    alone, and show the error summary on the screen; then it is filled and the page continues."""
    add: tuple[Step, ...] = ()
    """On the people page: persons added (each a ``person`` step with its ``role``) before the
    page's own values."""
    role: str | None = None
    """For an added person: ``owner``, ``director`` or ``executive``."""
    documents: int = 0
    """On the documents page: how many file inputs it shows (each gets its own file)."""


@dataclass(frozen=True)
class Onboarding:
    name: str
    country: str
    entity_type: str
    locale: str
    steps: tuple[Step, ...]
    configuration: Mapping[str, Any] = field(default_factory=lambda: US_MERCHANT)
    stored: Mapping[str, Any] = field(default_factory=dict)
    """Dotted paths in the account (retrieved with ``include: identity``) and the value each
    must hold once the journey is over."""
    persons: int = 0
    """Persons the account holds at the end."""


def add_owner(values: Values, **options: Any) -> Step:
    return Step("person", values, role="owner", **options)


# ---- United States --------------------------------------------------------------------------

US_SSN_LAST_4 = {"id_numbers[0][type]": "us_ssn_last_4", "id_numbers[0][value]": "0000"}

US_INDIVIDUAL_JOURNEY = Onboarding(
    "us_individual",
    "us",
    "individual",
    "en-US",
    (
        Step(
            "personal",
            prefixed("identity[individual]", {**US_INDIVIDUAL, **US_SSN_LAST_4}),
            leave_empty="identity[individual][address][postal_code]",
        ),
        Step(
            "profile",
            {"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE},
        ),
        Step(
            "public", {"configuration[merchant][statement_descriptor][descriptor]": "JENNY ROSEN"}
        ),
        Step("bank", US_BANK),
    ),
    stored={"identity.individual.given_name": "Jenny"},
)

US_COMPANY_JOURNEY = Onboarding(
    "us_company",
    "us",
    "company",
    "en-US",
    (
        Step(
            "business",
            {
                "identity[business_details][registered_name]": "Rocket Rides Inc",
                "identity[business_details][phone]": "0000000000",
                "identity[business_details][address][line1]": "address_full_match",
                "identity[business_details][address][city]": "San Francisco",
                "identity[business_details][address][state]": "CA",
                "identity[business_details][address][postal_code]": "94103",
                "identity[business_details][id_numbers][0][value]": "000000000",
            },
        ),
        Step(
            "representative",
            {
                **US_INDIVIDUAL,
                **US_SSN_LAST_4,
                "relationship[title]": "CEO",
                "relationship[executive]": True,
            },
        ),
        Step(
            "people",
            {"identity[attestations][persons_provided][owners]": True},
            add=(
                add_owner(
                    {
                        **US_INDIVIDUAL,
                        **US_SSN_LAST_4,
                        "given_name": "Kavya",
                        "surname": "Patel",
                        "email": "kavya@rocketrides.example",
                        "relationship[percent_ownership]": "60",
                    },
                    leave_empty="id_numbers[0][value]",
                ),
            ),
        ),
        Step(
            "profile",
            {"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE},
        ),
        Step(
            "public", {"configuration[merchant][statement_descriptor][descriptor]": "ROCKET RIDES"}
        ),
        Step("bank", {**US_BANK, "external_account[account_holder_name]": "Rocket Rides Inc"}),
    ),
    persons=2,
)

# ---- France ---------------------------------------------------------------------------------

FR_HOME = {
    "date_of_birth[day]": "1",
    "date_of_birth[month]": "1",
    "date_of_birth[year]": "1901",
    "address[line1]": "address_full_match",
    "address[postal_code]": "75018",
    "address[city]": "Paris",
}

FR_COMPANY_JOURNEY = Onboarding(
    "fr_company",
    "fr",
    "company",
    "fr-FR",
    (
        Step(
            "business",
            {
                "identity[business_details][registered_name]": "Manèges Rapides SAS",
                "identity[business_details][phone]": "0000000000",
                "identity[business_details][address][line1]": "address_full_match",
                "identity[business_details][address][postal_code]": "75018",
                "identity[business_details][address][city]": "Paris",
                "identity[business_details][id_numbers][0][type]": "fr_siren",
                "identity[business_details][id_numbers][0][value]": "000000000",
            },
        ),
        Step(
            "representative",
            {
                **FR_HOME,
                "given_name": "Camille",
                "surname": "Durand",
                "email": "camille.durand@example.fr",
                "phone": "0000000000",
                "relationship[title]": "Présidente",
                "relationship[executive]": True,
                "relationship[director]": True,
                # the representative owns part of the business: said on her own page
                "relationship[owner]": True,
                "relationship[percent_ownership]": "40",
            },
            leave_empty="address[city]",
        ),
        Step(
            "people",
            {
                "identity[attestations][persons_provided][owners]": True,
                "identity[attestations][persons_provided][directors]": True,
                "identity[attestations][persons_provided][executives]": True,
            },
            add=(
                add_owner(
                    {
                        **FR_HOME,
                        "given_name": "Léa",
                        "surname": "Martin",
                        "email": "lea.martin@example.fr",
                        "address[postal_code]": "69001",
                        "address[city]": "Lyon",
                        "relationship[percent_ownership]": "60",
                    }
                ),
            ),
        ),
        Step(
            "profile",
            {"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE},
        ),
        Step("public"),  # optional, left as it is
        Step(
            "bank",
            {
                "external_account[account_holder_name]": "Manèges Rapides SAS",
                "external_account[iban]": "FR1420041010050500013M02606",
            },
        ),
        # each owner's primary and secondary identity document (both owners are due them now)
        Step("documents", documents=4),
    ),
    persons=2,
)

# ---- Germany --------------------------------------------------------------------------------

DE_COMPANY_JOURNEY = Onboarding(
    "de_company",
    "de",
    "company",
    "de-DE",
    (
        Step(
            "business",
            {
                "identity[business_details][registered_name]": "Raketenfahrten GmbH",
                "identity[business_details][phone]": "0000000000",
                "identity[business_details][address][line1]": "address_full_match",
                "identity[business_details][address][postal_code]": "10115",
                "identity[business_details][address][city]": "Berlin",
                "identity[business_details][id_numbers][0][type]": "de_hrn",
                "identity[business_details][id_numbers][0][value]": "000000000",
            },
            leave_empty="identity[business_details][address][postal_code]",
        ),
        Step(
            "representative",
            {
                "given_name": "Jonas",
                "surname": "Müller",
                "email": "jonas.mueller@example.de",
                "phone": "0000000000",
                "date_of_birth[day]": "1",
                "date_of_birth[month]": "1",
                "date_of_birth[year]": "1901",
                "address[line1]": "address_full_match",
                "address[postal_code]": "10115",
                "address[city]": "Berlin",
                "relationship[title]": "Geschäftsführer",
                "relationship[executive]": True,
                "relationship[director]": True,
            },
        ),
        # no one owns 25 % or more: the attestation alone answers for the owners
        Step(
            "people",
            {
                "identity[attestations][persons_provided][owners]": True,
                "identity[attestations][persons_provided][directors]": True,
                "identity[attestations][persons_provided][executives]": True,
            },
        ),
        Step(
            "profile",
            {"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE},
        ),
        Step(
            "public",
            {"configuration[merchant][statement_descriptor][descriptor]": "RAKETENFAHRTEN"},
        ),
        Step(
            "bank",
            {
                "external_account[account_holder_name]": "Raketenfahrten GmbH",
                "external_account[iban]": "DE89 3704 0044 0532 0130 00",
            },
        ),
        # the representative is an executive, whose identity documents are due at onboarding
        Step("documents", documents=2),
    ),
    persons=1,
)

# ---- United Kingdom -------------------------------------------------------------------------

GB_INDIVIDUAL_JOURNEY = Onboarding(
    "gb_individual",
    "gb",
    "individual",
    "en-GB",
    (
        Step(
            "personal",
            prefixed(
                "identity[individual]",
                {
                    "given_name": "Oliver",
                    "surname": "Smith",
                    "email": "oliver.smith@example.co.uk",
                    "phone": "0000000000",
                    "date_of_birth[day]": "1",
                    "date_of_birth[month]": "1",
                    "date_of_birth[year]": "1901",
                    "address[line1]": "address_full_match",
                    "address[city]": "London",
                    "address[postal_code]": "EC1A 1BB",
                },
            ),
        ),
        Step(
            "profile",
            {"configuration[merchant][mcc]": "5734", "defaults[profile][business_url]": WEBSITE},
        ),
        Step("public"),
        Step(
            "bank",
            {
                "external_account[account_holder_name]": "Oliver Smith",
                "external_account[routing_number]": "108800",
                "external_account[account_number]": "00012345",
            },
            leave_empty="external_account[account_number]",
        ),
    ),
    stored={"identity.individual.address.postal_code": "EC1A 1BB"},
)

# ---- Japan ----------------------------------------------------------------------------------

JP_PERSON = {
    "script_names[kanji][surname]": "山田",
    "script_names[kanji][given_name]": "太郎",
    "script_names[kana][surname]": "ヤマダ",
    "script_names[kana][given_name]": "タロウ",
    "email": "taro.yamada@example.jp",
    "phone": "0000000000",
    "date_of_birth[year]": "1901",
    "date_of_birth[month]": "1",
    "date_of_birth[day]": "1",
}
JP_ADDRESS = {
    # the postal code is typed once, with the kanji address
    "script_addresses[kanji][postal_code]": "100-0001",
    "script_addresses[kanji][state]": "東京都",
    "script_addresses[kanji][city]": "千代田区",
    "script_addresses[kanji][town]": "千代田",
    "script_addresses[kanji][line1]": "1-1",
    "script_addresses[kana][state]": "トウキョウト",
    "script_addresses[kana][city]": "チヨダク",
    "script_addresses[kana][town]": "チヨダ",
    "script_addresses[kana][line1]": "1-1",
}
JP_PROFILE = {
    "configuration[merchant][mcc]": "5734",
    "defaults[profile][business_url]": WEBSITE,
    "defaults[profile][product_description]": "配車サービス",
}
JP_BANK = {
    "external_account[bank_code]": "1100",
    "external_account[branch_code]": "000",
    "external_account[account_number]": "0001234",
}

JP_INDIVIDUAL_JOURNEY = Onboarding(
    "jp_individual",
    "jp",
    "individual",
    "ja-JP",
    (
        Step(
            "personal",
            prefixed("identity[individual]", {**JP_PERSON, **JP_ADDRESS}),
            leave_empty="identity[individual][script_addresses][kana][city]",
        ),
        Step("profile", JP_PROFILE),
        Step("public"),
        Step("bank", {**JP_BANK, "external_account[account_holder_name]": "ヤマダ タロウ"}),
    ),
    stored={
        "identity.individual.script_names.kanji.surname": "山田",
        "identity.individual.script_names.kana.given_name": "タロウ",
        "identity.individual.script_addresses.kana.city": "チヨダク",
        "identity.individual.script_addresses.kana.postal_code": "100-0001",
    },
)

JP_COMPANY_JOURNEY = Onboarding(
    "jp_company",
    "jp",
    "company",
    "ja-JP",
    (
        Step(
            "business",
            {
                "identity[business_details][registered_name]": "Rocket Rides KK",
                "identity[business_details][script_names][kanji][registered_name]": (
                    "株式会社ロケット配車"
                ),
                "identity[business_details][script_names][kana][registered_name]": (
                    "カブシキガイシャロケットハイシャ"
                ),
                "identity[business_details][phone]": "0000000000",
                **prefixed("identity[business_details]", JP_ADDRESS),
                "identity[business_details][id_numbers][0][value]": "000000000",
            },
        ),
        Step(
            "representative",
            {
                **JP_PERSON,
                **JP_ADDRESS,
                "relationship[title]": "代表取締役",
                "relationship[executive]": True,
                "relationship[director]": True,
            },
            leave_empty="script_names[kana][given_name]",
        ),
        Step("people", {"identity[attestations][persons_provided][directors]": True}),
        Step("profile", JP_PROFILE),
        Step("public", {"configuration[merchant][statement_descriptor][descriptor]": "ROCKET"}),
        Step(
            "bank",
            {
                **JP_BANK,
                "external_account[account_holder_name]": "カブシキガイシャロケットハイシャ",
            },
        ),
    ),
    stored={
        "identity.business_details.script_names.kanji.registered_name": "株式会社ロケット配車",
        "identity.business_details.script_addresses.kana.postal_code": "100-0001",
    },
    persons=1,
)

JOURNEYS = (
    US_INDIVIDUAL_JOURNEY,
    US_COMPANY_JOURNEY,
    FR_COMPANY_JOURNEY,
    DE_COMPANY_JOURNEY,
    GB_INDIVIDUAL_JOURNEY,
    JP_INDIVIDUAL_JOURNEY,
    JP_COMPANY_JOURNEY,
)
