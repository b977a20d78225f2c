"""Personal and business ID numbers (``id_numbers[].value``), checked by python-stdnum.

``STDNUM_MODULES`` maps each v2 ``type`` to the stdnum module(s) that validate it; a value passes
when any listed module accepts it (``tr_tin`` is a T.C. Kimlik number for citizens and a VKN for
everyone else). Types stdnum does not know, or whose stdnum module checks a *different* number
than the one Stripe names (a German register number without its court, a Canadian charity number
with an ``RR`` programme code...), get a structural check only: refusing a real number is worse
than letting a typo through to the verifier.

ID numbers are personal data: no message ever repeats the value.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Mapping
from types import ModuleType

from stdnum.exceptions import ValidationError

from gangway.validation._common import fail, require_text

__all__ = [
    "BUSINESS_ID_NUMBER_TYPES",
    "BUSINESS_TEST_VALUES",
    "INDIVIDUAL_ID_NUMBER_TYPES",
    "INDIVIDUAL_TEST_VALUES",
    "SSN_LAST_4_TEST_VALUE",
    "STDNUM_MODULES",
    "business_id_number",
    "id_number_country",
    "individual_id_number",
]

#: v2 ``type`` -> python-stdnum modules (relative to ``stdnum``). Absent types: structural check.
STDNUM_MODULES: Mapping[str, tuple[str, ...]] = {
    "ar_cuil": ("ar.cuit",),  # CUIL and CUIT share one format and check digit
    "ar_cuit": ("ar.cuit",),
    "ar_dni": ("ar.dni",),
    "at_fn": ("at.businessid",),  # Firmenbuchnummer
    "at_stn": ("at.tin",),  # Abgabenkontonummer / Steuernummer
    "at_vat": ("at.uid",),
    "au_abn": ("au.abn",),
    "au_acn": ("au.acn",),
    "az_tin": ("az.voen",),
    "be_cbe": ("be.vat",),  # the enterprise number is the VAT number's digits
    "be_nrn": ("be.nn",),
    "be_vat": ("be.vat",),
    "bg_ucn": ("bg.egn",),
    "bg_vat": ("bg.vat",),
    "br_cnpj": ("br.cnpj",),
    "br_cpf": ("br.cpf",),
    "ca_gst_hst": ("ca.bn",),  # BN9 or BN15 (123456789RT0001)
    "ca_sin": ("ca.sin",),
    "ch_oasi": ("ch.ssn",),  # AHV/AVS number
    "ch_uid": ("ch.uid",),
    "cl_rut": ("cl.rut",),
    "cr_ci": ("cr.cpf",),  # cédula de persona física
    "cr_cpf": ("cr.cpf",),
    "cr_cpj": ("cr.cpj",),
    "cr_dimex": ("cr.cr",),  # cédula de residencia, a.k.a. DIMEX
    "cy_vat": ("cy.vat",),
    "cz_rc": ("cz.rc",),
    "cz_vat": ("cz.dic",),
    "de_stn": ("de.stnr",),
    "de_vat": ("de.vat",),
    "dk_cpr": ("dk.cpr",),
    "dk_cvr": ("dk.cvr",),
    "dk_vat": ("dk.cvr",),
    "do_cie": ("do.cedula",),
    "do_rcn": ("do.rnc", "do.cedula"),  # individuals use their cédula as RNC
    "ec_ci": ("ec.ci",),
    "ee_ik": ("ee.ik",),
    "ee_rk": ("ee.registrikood",),
    "ee_vat": ("ee.kmkr",),
    "es_cif": ("es.cif",),
    "es_nif": ("es.nif",),  # DNI, NIE and CIF
    "es_vat": ("es.nif",),
    "fi_hetu": ("fi.hetu",),
    "fi_vat": ("fi.alv",),
    "fi_yt": ("fi.ytunnus",),
    "fr_nir": ("fr.nir",),
    "fr_siren": ("fr.siren",),
    "fr_vat": ("fr.tva",),
    "gb_vat": ("gb.vat",),
    "gr_afm": ("gr.vat",),  # the AFM is the Greek VAT number
    "gr_vat": ("gr.vat",),
    "gt_nit": ("gt.nit",),
    "hr_oib": ("hr.oib",),
    "hr_vat": ("hr.oib",),
    "hu_vat": ("hu.anum",),
    "id_nik": ("id.nik",),
    "ie_ppsn": ("ie.pps",),
    "ie_trn": ("ie.vat", "ie.pps"),  # companies: VAT-style number; individuals: PPSN
    "ie_vat": ("ie.vat",),
    "is_kt": ("is_.kennitala",),
    "it_cf": ("it.codicefiscale",),
    "it_vat": ("it.iva",),
    "jp_cn": ("jp.cn",),
    "jp_inc": ("jp.in_",),  # My Number
    "ke_pin": ("ke.pin",),
    "li_peid": ("li.peid",),
    "lt_ak": ("lt.asmens",),
    "lt_vat": ("lt.pvm",),
    "lu_vat": ("lu.tva",),
    "lv_pk": ("lv.pvn",),  # the PVN module validates personal codes too
    "lv_urn": ("lv.pvn",),  # a legal entity's registration number is its VAT digits
    "lv_vat": ("lv.pvn",),
    "mt_vat": ("mt.vat",),
    "mx_rfc": ("mx.rfc",),
    "my_nric": ("my.nric",),
    "mz_nuit": ("mz.nuit",),
    "nl_bsn": ("nl.bsn",),
    "nl_rsin": ("nl.bsn",),  # RSIN uses the BSN's eleven-test
    "nl_vat": ("nl.btw",),
    "no_nin": ("no.fodselsnummer",),
    "no_orgnr": ("no.orgnr",),
    "nz_ird": ("nz.ird",),
    "pe_dni": ("pe.cui",),  # the CUI printed on the DNI
    "pe_ruc": ("pe.ruc",),
    "pk_cnic": ("pk.cnic",),
    "pk_snic": ("pk.cnic",),  # the smart card carries the same number
    "pl_nip": ("pl.nip",),
    "pl_pesel": ("pl.pesel",),
    "pl_regon": ("pl.regon",),
    "pl_vat": ("pl.nip",),
    "pt_nif": ("pt.nif",),
    "pt_vat": ("pt.nif",),
    "ro_cnp": ("ro.cnp",),
    "ro_cui": ("ro.cui",),
    "ro_orc": ("ro.onrc",),
    "ro_vat": ("ro.cf",),
    "se_orgnr": ("se.orgnr",),
    "se_pin": ("se.personnummer",),
    "se_vat": ("se.vat",),
    "sg_uen": ("sg.uen",),
    "si_msp": ("si.maticna",),
    "si_tin": ("si.ddv",),  # the DDV number is the tax number
    "si_vat": ("si.ddv",),
    "sk_vat": ("sk.dph",),
    "th_crn": ("th.moa",),
    "th_pin": ("th.pin",),
    "th_prn": ("th.moa",),  # partnerships get the same DBD juristic number
    "th_tin": ("th.tin",),
    "tr_tin": ("tr.tckimlik", "tr.vkn"),
    "us_ein": ("us.ein",),
    "us_itin": ("us.itin",),
    "us_ssn": ("us.ssn",),
    "za_id": ("za.idnr",),
}

#: ``AccountCreateParamsIdentityIndividualIdNumber.type`` (and the Person params) in the 16.1.0 SDK.
INDIVIDUAL_ID_NUMBER_TYPES: frozenset[str] = frozenset({
    "ae_eid", "ao_nif", "ar_cuil", "ar_dni", "at_stn", "az_tin", "bd_brc", "bd_etin", "bd_nid",
    "be_nrn", "bg_ucn", "bn_nric", "br_cpf", "ca_sin", "ch_oasi", "cl_rut", "cn_pp", "co_nuip",
    "cr_ci", "cr_cpf", "cr_dimex", "cr_nite", "cy_tic", "cz_rc", "de_stn", "dk_cpr", "do_cie",
    "do_rcn", "ec_ci", "ee_ik", "es_nif", "fi_hetu", "fr_nir", "gb_nino", "gr_afm", "gt_nit",
    "hk_id", "hr_oib", "hu_ad", "id_nik", "ie_ppsn", "is_kt", "it_cf", "jp_inc", "ke_pin",
    "kz_iin", "li_peid", "lt_ak", "lu_nif", "lv_pk", "mx_rfc", "my_nric", "mz_nuit", "ng_nin",
    "nl_bsn", "no_nin", "nz_ird", "pe_dni", "pk_cnic", "pk_snic", "pl_pesel", "pt_nif", "ro_cnp",
    "sa_tin", "se_pin", "sg_fin", "sg_nric", "sk_dic", "th_lc", "th_pin", "tr_tin", "us_itin",
    "us_itin_last_4", "us_ssn", "us_ssn_last_4", "uy_dni", "za_id",
})  # fmt: skip

#: ``AccountCreateParamsIdentityBusinessDetailsIdNumber.type`` in the 16.1.0 SDK.
BUSINESS_ID_NUMBER_TYPES: frozenset[str] = frozenset({
    "ae_crn", "ae_vat", "ao_nif", "ar_cuit", "at_fn", "at_stn", "at_vat", "au_abn", "au_acn",
    "au_in", "az_tin", "bd_etin", "be_cbe", "be_vat", "bg_uic", "bg_vat", "br_cnpj", "ca_cn",
    "ca_crarr", "ca_gst_hst", "ca_neq", "ca_rid", "ch_chid", "ch_uid", "cr_cpj", "cr_nite",
    "cy_he", "cy_tic", "cy_vat", "cz_ico", "cz_vat", "de_hrn", "de_stn", "de_vat", "dk_cvr",
    "dk_vat", "do_rcn", "ee_rk", "ee_vat", "es_cif", "es_vat", "fi_vat", "fi_yt", "fr_rna",
    "fr_siren", "fr_vat", "gb_crn", "gb_vat", "gi_crn", "gr_afm", "gr_gemi", "gr_vat", "gt_nit",
    "hk_br", "hk_cr", "hr_mbs", "hr_oib", "hr_vat", "hu_cjs", "hu_tin", "hu_vat", "ie_crn",
    "ie_trn", "ie_vat", "it_rea", "it_vat", "jp_cn", "kz_bin", "li_uid", "lt_ccrn", "lt_vat",
    "lu_nif", "lu_rcs", "lu_vat", "lv_urn", "lv_vat", "mt_crn", "mt_tin", "mt_vat", "mx_rfc",
    "my_brn", "my_coid", "my_itn", "my_sst", "mz_nuit", "nl_kvk", "nl_rsin", "nl_vat",
    "no_orgnr", "nz_bn", "nz_ird", "pe_ruc", "pk_ntn", "pl_nip", "pl_regon", "pl_vat", "pt_vat",
    "ro_cui", "ro_orc", "ro_vat", "sa_crn", "sa_tin", "se_orgnr", "se_vat", "sg_uen", "si_msp",
    "si_tin", "si_vat", "sk_dic", "sk_ico", "sk_vat", "th_crn", "th_prn", "th_tin", "us_ein",
})  # fmt: skip

#: Stripe's test-mode personal ID numbers: 000000000 (match), 111111111 (mismatch), 222222222
#: (immediate match). They work for any country's personal ID type except the last-4 types,
#: whose test value is ``0000`` ("0000 works for SSN last 4"), like any 4 digits in test mode.
#: Separators are ignored: ``000-00-0000``, ``000 000 000``.
INDIVIDUAL_TEST_VALUES = frozenset({"000000000", "111111111", "222222222"})
#: The SSN last 4 Stripe documents for test mode. No Social Security number ends in 0000 (the
#: SSA never issues serial 0000, and stdnum's full-SSN check refuses it), so live mode does too.
SSN_LAST_4_TEST_VALUE = "0000"
#: Stripe's test-mode business tax IDs: success, non-profit, mismatch, not issued, immediate,
#: and the registry outcomes 222221000-222221005.
BUSINESS_TEST_VALUES = frozenset(
    {"000000000", "000000001", "111111111", "111111112", "222222222"}
    | {f"22222100{i}" for i in range(6)}
)

_LAST_4_TYPES = frozenset({"us_ssn_last_4", "us_itin_last_4"})
_LAST_4_NAMES = {
    "us_ssn_last_4": "the last 4 digits of a US Social Security number",
    "us_itin_last_4": "the last 4 digits of a US ITIN",
}
_STRUCTURAL = re.compile(r"[A-Za-z0-9 .\-/()]{1,64}")
_SEPARATORS = re.compile(r"[\s\-./]")


def individual_id_number(type: str, value: str, *, test_values: bool = True) -> str:
    """Validate a person's ID number of the given v2 ``type`` -> its compact form.

    With ``test_values`` (test mode), Stripe's documented magic numbers pass for every type; pass
    ``test_values=False`` in live mode.
    """
    return _id_number(
        type,
        value,
        INDIVIDUAL_ID_NUMBER_TYPES,
        "individual",
        INDIVIDUAL_TEST_VALUES if test_values else frozenset(),
        test_mode=test_values,
    )


def business_id_number(type: str, value: str, *, test_values: bool = True) -> str:
    """Validate a business's ID number of the given v2 ``type`` -> its compact form."""
    return _id_number(
        type,
        value,
        BUSINESS_ID_NUMBER_TYPES,
        "business",
        BUSINESS_TEST_VALUES if test_values else frozenset(),
        test_mode=test_values,
    )


def id_number_country(type: str) -> str | None:
    """The country an ID number type belongs to (``"us_ssn"`` -> ``"us"``), or None if unknown."""
    if type not in INDIVIDUAL_ID_NUMBER_TYPES and type not in BUSINESS_ID_NUMBER_TYPES:
        return None
    return type[:2]


def _id_number(
    type_: object,
    value: object,
    known: frozenset[str],
    kind: str,
    magic: frozenset[str],
    *,
    test_mode: bool,
) -> str:
    if not isinstance(type_, str) or type_ not in known:
        fail(
            "id_number_invalid",
            f"{str(type_)[:40]!r} is not a known {kind} ID number type.",
            type=str(type_)[:40],
        )
    text = require_text(value, "id_number_invalid", f"The value for {type_}")
    if not text:
        fail("id_number_invalid", f"The value given for {type_} is empty.", type=type_)
    compact = _SEPARATORS.sub("", text)
    if type_ in _LAST_4_TYPES:
        if len(compact) != 4 or not compact.isascii() or not compact.isdigit():
            fail(
                "id_number_invalid",
                f"The value given for {type_} must be exactly 4 digits ({_LAST_4_NAMES[type_]}).",
                type=type_,
            )
        if type_ == "us_ssn_last_4" and compact == SSN_LAST_4_TEST_VALUE and not test_mode:
            fail(
                "id_number_invalid",
                "0000 is Stripe's test-mode SSN last 4: no Social Security number ends in 0000,"
                " so live mode needs the real last 4 digits.",
                type=type_,
            )
        return compact
    if magic and compact in magic:
        return compact
    names = STDNUM_MODULES.get(type_)
    if names is None:
        return _structural(type_, text)
    first_error: ValidationError | None = None
    for name in names:
        try:
            return str(_module(name).validate(text))
        except ValidationError as exc:
            first_error = first_error or exc
    reason = str(first_error) if first_error else "it was not accepted"
    fail(
        "id_number_invalid",
        f"The value given for {type_} is not a valid {_describe(names[0])}:"
        f" {reason[:1].lower()}{reason[1:]}",
        type=type_,
        reason=type(first_error).__name__,
    )


def _structural(type_: str, text: str) -> str:
    if not _STRUCTURAL.fullmatch(text) or not any(c.isalnum() for c in text):
        fail(
            "id_number_invalid",
            f"The value given for {type_} is not a well-formed ID number: use 1 to 64 letters,"
            " digits, spaces, dashes, dots, slashes or parentheses.",
            type=type_,
        )
    return text


@functools.cache
def _module(name: str) -> ModuleType:
    return importlib.import_module(f"stdnum.{name}")


@functools.cache
def _describe(name: str) -> str:
    """The number's name from the first line of the stdnum module's docstring."""
    doc = (_module(name).__doc__ or "").strip()
    first = doc.splitlines()[0].rstrip(".") if doc else name
    return first
