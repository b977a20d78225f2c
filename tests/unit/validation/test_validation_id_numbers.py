"""Personal and business ID numbers."""

from __future__ import annotations

import importlib
import typing

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.id_numbers import (
    BUSINESS_ID_NUMBER_TYPES,
    INDIVIDUAL_ID_NUMBER_TYPES,
    STDNUM_MODULES,
    business_id_number,
    id_number_country,
    individual_id_number,
)

INDIVIDUAL_VALID = [
    ("us_ssn", "536-90-4399", "536904399"),
    ("us_itin", "912-90-3456", "912903456"),
    ("us_ssn_last_4", "4399", "4399"),
    ("us_itin_last_4", "3456", "3456"),
    ("ca_sin", "123-456-782", "123456782"),
    ("fr_nir", "2 95 10 99 126 111 93", "295109912611193"),
    ("de_stn", " 181/815/0815 5", "18181508155"),
    ("es_nif", "X1234567L", "X1234567L"),
    ("it_cf", "RCCMNL83S18D969H", "RCCMNL83S18D969H"),
    ("nl_bsn", "1112.22.333", "111222333"),
    ("br_cpf", "390.533.447-05", "39053344705"),
    ("mx_rfc", "VACE-460910-SX6", "VACE460910SX6"),
    ("jp_inc", "6214 9832 0257", "621498320257"),
    ("be_nrn", "85 07 30 033 28", "85073003328"),
    ("ch_oasi", "756.9217.0769.85", "7569217076985"),
    ("dk_cpr", "211062-5629", "2110625629"),
    ("se_pin", "880320-0016", "880320-0016"),
    ("pl_pesel", "44051401359", "44051401359"),
    ("ro_cnp", "1630615123457", "1630615123457"),
    ("za_id", "7503305044089", "7503305044089"),
    ("tr_tin", "17291716060", "17291716060"),  # a T.C. Kimlik number
    ("tr_tin", "4540536920", "4540536920"),  # a VKN
    ("ar_cuil", "20-05536168-2", "20055361682"),
    ("cr_dimex", "155812994816", "155812994816"),
    ("pe_dni", "10117410", "10117410"),
    # No stdnum module: structural check only, value kept as written.
    ("gb_nino", "QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("hk_id", "A123456(7)", "A123456(7)"),
    ("sg_nric", "S1234567D", "S1234567D"),
]

BUSINESS_VALID = [
    ("us_ein", "91-1144442", "911144442"),
    ("gb_vat", "GB 980 7806 84", "980780684"),
    ("fr_siren", "404 833 048", "404833048"),
    ("fr_vat", "FR 40 303 265 045", "40303265045"),
    ("de_vat", "DE136695976", "136695976"),
    ("au_abn", "83 914 571 673", "83914571673"),
    ("au_acn", "004 085 616", "004085616"),
    ("br_cnpj", "16.727.230/0001-97", "16727230000197"),
    ("ca_gst_hst", "12302 6635 RT 0001", "123026635RT0001"),
    ("jp_cn", "5-8356-7825-6246", "5835678256246"),
    ("nl_vat", "004495445B01", "004495445B01"),
    ("nl_rsin", "1112.22.333", "111222333"),
    ("ie_trn", "IE 6433435F", "6433435F"),
    ("ch_uid", "CHE-100.155.212", "CHE100155212"),
    ("mx_rfc", "ABC-980101-AB1", "ABC980101AB1"),
    ("sg_uen", "00192200M", "00192200M"),
    ("at_fn", "FN 122119m", "122119m"),
    ("th_crn", "0994000617721", "0994000617721"),
    # No (matching) stdnum module: structural check only.
    ("gb_crn", "SC123456", "SC123456"),
    ("de_hrn", "HRB 12345", "HRB 12345"),
    ("hk_br", "12345678", "12345678"),
]


@pytest.mark.parametrize(("type_", "raw", "expected"), INDIVIDUAL_VALID)
def test_individual_id_number_returns_compact_form(type_: str, raw: str, expected: str) -> None:
    assert individual_id_number(type_, raw, test_values=False) == expected


@pytest.mark.parametrize(("type_", "raw", "expected"), BUSINESS_VALID)
def test_business_id_number_returns_compact_form(type_: str, raw: str, expected: str) -> None:
    assert business_id_number(type_, raw, test_values=False) == expected


@pytest.mark.parametrize(
    ("type_", "raw"),
    [
        ("us_ssn", "666-12-3456"),  # area 666 is never issued
        ("us_ssn", "000-00-0000"),  # only a test value
        ("us_ssn", "12345678"),
        ("us_itin", "123-45-6789"),  # ITINs start with 9
        ("us_ssn_last_4", "123"),
        ("us_ssn_last_4", "12a4"),
        ("us_itin_last_4", "12345"),
        ("ca_sin", "123-456-789"),
        ("fr_nir", "2 95 10 99 126 111 94"),
        ("br_cpf", "390.533.447-06"),
        ("it_cf", "RCCMNL83S18D969X"),
        ("nl_bsn", "111222334"),
        ("tr_tin", "12345"),
        ("gb_nino", "not*valid"),
        ("hk_id", "x" * 65),
        ("hk_id", "--"),
        ("sg_nric", ""),
    ],
)
def test_individual_id_number_refuses_invalid_values(type_: str, raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        individual_id_number(type_, raw, test_values=False)
    assert info.value.code == "id_number_invalid"
    assert info.value.details["type"] == type_


@pytest.mark.parametrize(
    ("type_", "raw"),
    [
        ("us_ein", "07-1144442"),  # unknown IRS campus prefix
        ("us_ein", "000000000"),
        ("gb_vat", "GB 980 7806 85"),
        ("de_vat", "DE136695978"),
        ("au_abn", "83 914 571 672"),
        ("br_cnpj", "16.727.230/0001-98"),
        ("ca_gst_hst", "123026635XX0001"),
        ("gb_crn", "SC<123>"),
    ],
)
def test_business_id_number_refuses_invalid_values(type_: str, raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        business_id_number(type_, raw, test_values=False)
    assert info.value.code == "id_number_invalid"


@pytest.mark.parametrize("raw", ["000000000", "111111111", "222222222", "000-00-0000"])
@pytest.mark.parametrize("type_", ["us_ssn", "us_itin", "gb_nino", "fr_nir"])
def test_individual_test_values_pass_in_test_mode(type_: str, raw: str) -> None:
    assert individual_id_number(type_, raw) == raw.replace("-", "")


def test_ssn_last_4_test_value_passes() -> None:
    assert individual_id_number("us_ssn_last_4", "0000") == "0000"


@pytest.mark.parametrize(
    "raw",
    ["000000000", "000000001", "111111111", "111111112", "222222222"]
    + [f"22222100{i}" for i in range(6)],
)
@pytest.mark.parametrize("type_", ["us_ein", "gb_vat", "de_vat"])
def test_business_test_values_pass_in_test_mode(type_: str, raw: str) -> None:
    assert business_id_number(type_, raw) == raw


def test_business_test_values_are_not_individual_ones() -> None:
    # 111111112 is only a business test value, and it is not a French NIR.
    with pytest.raises(FieldInvalid):
        individual_id_number("fr_nir", "111111112")


@pytest.mark.parametrize("raw", ["000000000", "111111111", "222222222"])
def test_test_values_are_refused_in_live_mode(raw: str) -> None:
    # fr_nir and de_vat carry check digits none of the magic numbers satisfies.
    with pytest.raises(FieldInvalid):
        individual_id_number("fr_nir", raw, test_values=False)
    with pytest.raises(FieldInvalid):
        business_id_number("de_vat", raw, test_values=False)


@pytest.mark.parametrize(
    ("func", "type_"),
    [
        (individual_id_number, "us_ein"),  # a business type
        (business_id_number, "us_ssn"),  # a personal type
        (individual_id_number, "xx_unknown"),
        (business_id_number, ""),
    ],
)
def test_unknown_types_are_refused(func: typing.Callable[..., str], type_: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        func(type_, "123456789")
    assert info.value.code == "id_number_invalid"


def test_non_string_value_is_refused() -> None:
    with pytest.raises(FieldInvalid) as info:
        individual_id_number("us_ssn", 536904399)  # type: ignore[arg-type]
    assert info.value.code == "id_number_invalid"


@pytest.mark.parametrize(
    ("type_", "raw"), [("us_ssn", "666-12-3456"), ("fr_nir", "295109912611194"), ("hk_id", "A*1")]
)
def test_messages_never_repeat_the_value(type_: str, raw: str) -> None:
    with pytest.raises(FieldInvalid) as info:
        individual_id_number(type_, raw, test_values=False)
    message = info.value.message
    assert raw not in message
    assert raw.replace("-", "") not in message
    assert type_ in message


def test_message_names_the_number_and_the_problem() -> None:
    with pytest.raises(FieldInvalid) as info:
        individual_id_number("us_ssn", "666-12-3456", test_values=False)
    assert info.value.message == (
        "The value given for us_ssn is not a valid SSN (U.S. Social Security Number):"
        " one of the parts of the number are invalid or unknown."
    )


@pytest.mark.parametrize(
    ("type_", "expected"),
    [("us_ssn", "us"), ("gb_vat", "gb"), ("is_kt", "is"), ("zz_nothing", None), ("", None)],
)
def test_id_number_country(type_: str, expected: str | None) -> None:
    assert id_number_country(type_) == expected


def _sdk_types(typed_dict: type) -> set[str]:
    hint = typing.get_type_hints(typed_dict)["type"]
    for arg in typing.get_args(hint):
        if typing.get_origin(arg) is typing.Literal:
            return set(typing.get_args(arg))
    raise AssertionError("no Literal in the SDK's type hint")


def test_type_enums_match_the_sdk() -> None:
    from stripe.params.v2.core._account_create_params import (
        AccountCreateParamsIdentityBusinessDetailsIdNumber,
        AccountCreateParamsIdentityIndividualIdNumber,
    )
    from stripe.params.v2.core.accounts._person_create_params import PersonCreateParamsIdNumber

    assert _sdk_types(AccountCreateParamsIdentityIndividualIdNumber) == INDIVIDUAL_ID_NUMBER_TYPES
    assert _sdk_types(PersonCreateParamsIdNumber) == INDIVIDUAL_ID_NUMBER_TYPES
    assert (
        _sdk_types(AccountCreateParamsIdentityBusinessDetailsIdNumber) == BUSINESS_ID_NUMBER_TYPES
    )


@pytest.mark.parametrize(("type_", "modules"), sorted(STDNUM_MODULES.items()))
def test_every_mapping_names_a_real_stdnum_module_for_a_known_type(
    type_: str, modules: tuple[str, ...]
) -> None:
    assert type_ in INDIVIDUAL_ID_NUMBER_TYPES | BUSINESS_ID_NUMBER_TYPES
    for name in modules:
        module = importlib.import_module(f"stdnum.{name}")
        assert callable(module.validate)
        # The module's country matches the type's prefix (is_ and in_ are keyword-safe names).
        assert name.split(".")[0].rstrip("_") == type_[:2]
