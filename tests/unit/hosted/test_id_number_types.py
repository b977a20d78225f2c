"""Labels for every ID number type, and which type a country's select offers first."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from gangway.hosted import id_number_types
from gangway.hosted.id_number_types import (
    KINDS,
    LABELS,
    OTHER,
    business_types,
    individual_types,
    label,
)
from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY as RULES
from gangway.validation.id_numbers import BUSINESS_ID_NUMBER_TYPES, INDIVIDUAL_ID_NUMBER_TYPES

ALL_TYPES = INDIVIDUAL_ID_NUMBER_TYPES | BUSINESS_ID_NUMBER_TYPES


def test_every_sdk_type_has_a_label_and_nothing_else_does() -> None:
    assert set(LABELS) == ALL_TYPES


def test_every_business_type_has_a_kind_and_nothing_else_does() -> None:
    assert set(KINDS) == BUSINESS_ID_NUMBER_TYPES


def test_every_label_is_marked_for_translation_in_the_source() -> None:
    """Each label is a literal ``N_("...")`` call, so extraction finds it."""
    tree = ast.parse(Path(id_number_types.__file__).read_text(encoding="utf-8"))
    marked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "N_"
        and isinstance(node.args[0], ast.Constant)
    }
    assert set(LABELS.values()) | {OTHER} <= marked


def test_every_structure_ranks_every_kind() -> None:
    kinds = set(KINDS.values())
    for order in (
        id_number_types._COMPANY,
        id_number_types._SOLE,
        id_number_types._PARTNERSHIP,
        id_number_types._NON_PROFIT,
    ):
        assert set(order) | {"association"} == kinds and len(order) == len(set(order))


def test_labels_are_short_sentences_without_trailing_punctuation() -> None:
    for type_, text in LABELS.items():
        assert text and text == text.strip() and not text.endswith("."), type_
        assert len(text) <= 60, type_
        assert "%" not in text, type_  # rendered through %-formatting: a lone % would break


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("fr_siren", "SIREN (company registration number)"),
        ("fr_rna", "RNA number (associations)"),
        ("us_ssn_last_4", "Last 4 digits of your Social Security number"),
        ("us_ein", "Employer Identification Number (EIN)"),
        ("jp_cn", "Corporate Number (hōjin bangō)"),
        ("gb_crn", "Company registration number (Companies House)"),
        ("xx_new", "ID number (%(type)s)"),
    ],
)
def test_label(type_: str, expected: str) -> None:
    assert label(type_) == expected


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("us", ("us_ssn_last_4", "us_ssn", "us_itin", "us_itin_last_4")),
        ("US", ("us_ssn_last_4", "us_ssn", "us_itin", "us_itin_last_4")),
        ("sg", ("sg_nric", "sg_fin")),
        ("cr", ("cr_ci", "cr_cpf", "cr_dimex", "cr_nite")),
        ("jp", ("jp_inc",)),
        ("br", ("br_cpf",)),
        ("gb", ("gb_nino",)),
        ("fr", ("fr_nir",)),
        ("hk", ("hk_id",)),
        ("mx", ("mx_rfc",)),
        ("au", ()),  # Australia has no personal ID number type
    ],
)
def test_individual_types(country: str, expected: tuple[str, ...]) -> None:
    assert individual_types(country) == expected


def test_every_country_with_several_personal_types_has_a_chosen_order() -> None:
    countries = {t[:2] for t in INDIVIDUAL_ID_NUMBER_TYPES}
    for country in countries:
        types = individual_types(country)
        assert sorted(types) == sorted(t for t in INDIVIDUAL_ID_NUMBER_TYPES if t[:2] == country)
        if len(types) > 1:
            assert country in id_number_types._INDIVIDUAL_ORDER, country
            assert set(id_number_types._INDIVIDUAL_ORDER[country]) == set(types), country


def test_individual_types_among_a_requirements_accepted_ones() -> None:
    # rules/us.yaml: identity.individual.id_numbers, any_of [us_ssn, us_itin]
    assert individual_types("us", among=["us_itin", "us_ssn"]) == ("us_ssn", "us_itin")


@pytest.mark.parametrize(
    ("country", "entity_type", "structure", "expected"),
    [
        ("fr", "company", None, ("fr_siren", "fr_vat")),
        ("fr", "company", "private_company", ("fr_siren", "fr_vat")),
        ("fr", "company", "sole_proprietorship", ("fr_siren", "fr_vat")),
        ("fr", "non_profit", None, ("fr_rna", "fr_siren", "fr_vat")),
        ("fr", "company", "incorporated_association", ("fr_rna", "fr_siren", "fr_vat")),
        ("fr", "company", "unincorporated_non_profit", ("fr_rna", "fr_siren", "fr_vat")),
        ("us", "company", None, ("us_ein",)),
        ("us", "non_profit", "incorporated_non_profit", ("us_ein",)),
        ("gb", "company", "private_company", ("gb_crn", "gb_vat")),
        ("gb", "company", "sole_proprietorship", ("gb_vat", "gb_crn")),
        ("de", "company", None, ("de_hrn", "de_stn", "de_vat")),
        ("de", "company", "sole_proprietorship", ("de_stn", "de_vat", "de_hrn")),
        ("au", "company", None, ("au_abn", "au_acn")),
        ("au", "non_profit", None, ("au_in", "au_abn", "au_acn")),
        ("ca", "company", None, ("ca_gst_hst", "ca_cn", "ca_neq", "ca_rid")),
        ("ca", "non_profit", "registered_charity",
         ("ca_crarr", "ca_gst_hst", "ca_cn", "ca_neq", "ca_rid")),
        ("it", "company", None, ("it_vat", "it_rea")),
        ("pl", "company", None, ("pl_nip", "pl_regon", "pl_vat")),
        ("th", "company", "private_company", ("th_crn", "th_tin", "th_prn")),
        ("th", "company", "limited_liability_partnership", ("th_prn", "th_crn", "th_tin")),
        ("jp", "company", None, ("jp_cn",)),
        ("ie", "company", "sole_proprietorship", ("ie_trn", "ie_vat", "ie_crn")),
        ("hk", "company", None, ("hk_br", "hk_cr")),
        ("ch", "company", None, ("ch_uid", "ch_chid")),
        ("zz", "company", None, ()),
    ],
)  # fmt: skip
def test_business_types(
    country: str, entity_type: str, structure: str | None, expected: tuple[str, ...]
) -> None:
    assert business_types(country, entity_type=entity_type, structure=structure) == expected


def test_association_registers_are_only_offered_to_non_profits() -> None:
    associations = {t for t, kind in KINDS.items() if kind == "association"}
    assert associations == {"fr_rna", "ca_crarr", "au_in"}
    for country in {t[:2] for t in BUSINESS_ID_NUMBER_TYPES}:
        company = business_types(country)
        assert not associations & set(company), country
        everything = business_types(country, entity_type="non_profit")
        assert sorted(everything) == sorted(
            t for t in BUSINESS_ID_NUMBER_TYPES if t.startswith(f"{country}_")
        ), country


def test_business_types_among_a_requirements_accepted_ones() -> None:
    # rules/fr.yaml business_tax_id: any_of [fr_siren, fr_rna, fr_vat]
    assert business_types("fr", among={"fr_vat", "fr_siren", "fr_rna"}) == ("fr_siren", "fr_vat")


def test_every_rule_country_offers_a_type_its_rules_accept() -> None:
    """Wherever a country's rules name the accepted types (``any_of``), the first type the form
    would offer a company (or person) is one of them."""
    checked = 0
    for path in sorted(RULES.glob("*.yaml")):
        country = path.stem
        for description, accepted in _any_of(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if "business_details.id_numbers" in description:
                offered = business_types(country, among=accepted)
            else:
                offered = individual_types(country, among=accepted)
            assert offered, (country, description)
            checked += 1
    assert checked >= 40


def _any_of(node: Any) -> Iterator[tuple[str, set[str]]]:
    if isinstance(node, dict):
        check = node.get("check")
        if (
            isinstance(check, dict)
            and check.get("key") == "type"
            and "id_numbers" in str(node.get("description"))
        ):
            yield str(node["description"]), set(check["any_of"])
        for value in node.values():
            yield from _any_of(value)
    elif isinstance(node, list):
        for value in node:
            yield from _any_of(value)
