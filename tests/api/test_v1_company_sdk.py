"""v1 ``company`` through stripe-python 16.1.0 on every backend: the v2 business details of the
same account, the country's ID number types, and v1 requirements that follow."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

COMPANY = {
    "name": "Rocket Rides Inc",
    "phone": "0000000000",
    "tax_id": "000000000",
    "structure": "private_corporation",
    "address": {
        "line1": "address_full_match",
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94103",
    },
    "owners_provided": True,
}


def company_account(client: stripe.StripeClient, country: str = "US", **company: Any) -> Any:
    return client.v1.accounts.create(
        {
            "type": "custom",
            "country": country,
            "email": "ops@rocketrides.example",
            "business_type": "company",
            "capabilities": {"transfers": {"requested": True}},
            "company": company,  # type: ignore[typeddict-item]
        }
    )


def error_of(excinfo: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    body = excinfo.value.json_body or {}
    error: dict[str, Any] = body["error"]
    return error


def test_company_fields_land_in_v2_and_leave_currently_due(client: stripe.StripeClient) -> None:
    bare = company_account(client)
    due_before = set(bare.requirements.currently_due)
    assert {"company.name", "company.tax_id", "company.address.line1"} <= due_before
    account = company_account(client, **COMPANY)
    due = set(account.requirements.currently_due)
    for field in ("company.name", "company.tax_id", "company.address.line1", "company.phone"):
        assert field not in due, due
    company = account.company
    assert company.name == "Rocket Rides Inc"
    assert company.tax_id_provided is True and company.vat_id_provided is False
    assert company.owners_provided is True
    assert company.structure == "private_corporation"
    assert company.address.city == "San Francisco"
    assert '"000000000"' not in str(account)  # the EIN itself is never rendered
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    details = v2.identity.business_details
    assert details.registered_name == "Rocket Rides Inc"
    assert [n.type for n in details.id_numbers] == ["us_ein"]
    assert v2.identity.attestations.persons_provided.owners is True


def test_update_through_v1_and_the_registration_number_of_gb(client: stripe.StripeClient) -> None:
    account = company_account(client)
    updated = client.v1.accounts.update(
        account.id, {"company": {"name": "Rocket Rides", "directors_provided": True}}
    )
    assert updated.company.name == "Rocket Rides"
    assert updated.company.directors_provided is True
    gb = company_account(client, "GB", name="Rocket Rides Ltd", registration_number="00000000")
    v2 = client.v2.core.accounts.retrieve(gb.id, {"include": ["identity"]})
    assert [n.type for n in v2.identity.business_details.id_numbers] == ["gb_crn"]
    assert gb.company.tax_id_provided is True


@pytest.mark.parametrize(
    ("company", "param"),
    [
        ({"flavour": "mint"}, "company[flavour]"),
        ({"structure": "pirate_ship"}, "company[structure]"),
        ({"owners_provided": "maybe"}, "company[owners_provided]"),
        ({"address": {"planet": "Mars"}}, "company[address][planet]"),
        ({"tax_id": "12"}, "company[tax_id]"),
        ({"phone": "not a phone"}, "company[phone]"),
    ],
)
def test_bad_company_params_name_the_v1_param(
    client: stripe.StripeClient, company: dict[str, Any], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        company_account(client, **company)
    assert refused.value.http_status == 400
    assert error_of(refused)["param"] == param, error_of(refused)
