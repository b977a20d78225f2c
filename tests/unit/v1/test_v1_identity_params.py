"""v1 ``individual`` / ``company`` to v2 identity: the pure translation."""

from __future__ import annotations

import pytest

from gangway.core.errors import InvalidRequest
from gangway.v1 import accounts_params


def test_individual_renames_and_id_numbers_follow_the_country() -> None:
    v2, _ = accounts_params.to_create_params(
        {
            "country": "US",
            "capabilities": {"transfers": {"requested": "true"}},
            "individual": {
                "first_name": "Jenny",
                "last_name_kana": "ローゼン",
                "dob": {"day": "1", "month": "2", "year": "1980"},
                "address_kanji": {"town": "町"},
                "id_number": "000000000",
                "ssn_last_4": "0000",
                "political_exposure": "none",
                "verification": {"document": {"front": "file_1"}},
            },
        }
    )
    individual = v2["identity"]["individual"]
    assert individual["given_name"] == "Jenny"
    assert individual["script_names"] == {"kana": {"surname": "ローゼン"}}
    assert individual["date_of_birth"] == {"day": 1, "month": 2, "year": 1980}
    assert individual["script_addresses"] == {"kanji": {"town": "町"}}
    assert individual["id_numbers"] == [
        {"type": "us_ssn", "value": "000000000"},
        {"type": "us_ssn_last_4", "value": "0000"},
    ]
    assert individual["political_exposure"] == "none"
    assert individual["documents"] == {
        "primary_verification": {"type": "front_back", "front_back": {"front": "file_1"}}
    }


def test_update_uses_the_stored_country_and_empty_unsets() -> None:
    current = {"identity": {"country": "gb"}}
    v2, _ = accounts_params.to_update_params(
        {"individual": {"id_number": "QQ123456C", "email": ""}}, current
    )
    assert v2 == {
        "identity": {
            "individual": {
                "email": None,
                "id_numbers": [{"type": "gb_nino", "value": "QQ123456C"}],
            }
        }
    }


def test_company_renames_and_number_types() -> None:
    v2, _ = accounts_params.to_update_params(
        {"company": {"name": "Acme", "tax_id": "1", "vat_id": "2", "structure": "llc"}},
        {"identity": {"country": "de"}},
    )
    details = v2["identity"]["business_details"]
    assert details["registered_name"] == "Acme"
    assert details["structure"] == "llc"
    assert [entry["type"] for entry in details["id_numbers"]] == ["de_stn", "de_vat"]


@pytest.mark.parametrize(
    ("v1", "param", "code"),
    [
        ({"individual": {"full_name_aliases": ["x"]}}, "individual[full_name_aliases]", None),
        (
            {"company": {"export_license_id": "x"}},
            "company[export_license_id]",
            "parameter_unknown",
        ),
        (
            {"individual": {"dob": {"year": "x"}}},
            "individual[dob][year]",
            "parameter_invalid_integer",
        ),
        ({"individual": {"gender": "x"}}, "individual[gender]", "parameter_invalid_enum"),
    ],
)
def test_unmappable_individual_and_company_fields_are_a_400(
    v1: dict[str, object], param: str, code: str | None
) -> None:
    with pytest.raises(InvalidRequest) as excinfo:
        accounts_params.to_update_params(v1, {"identity": {"country": "us"}})
    assert excinfo.value.param == param
    assert excinfo.value.code == (code or "unsupported_feature")
