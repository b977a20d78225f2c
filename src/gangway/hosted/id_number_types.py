"""ID number types as people know them: a label for every v2 ``type``, and which to offer first.

:data:`LABELS` names every ``type`` of the 16.1.0 SDK's individual and business ``id_numbers``
(``gangway.validation.id_numbers`` holds the two enums) in English, marked for translation with
:func:`~gangway.hosted.i18n.N_`. A label gives the number's own name first and says what it is in
brackets, "SIREN (company registration number)", so a translator keeps the name and translates
the explanation. The US labels are the msgids the form already used, so their translations stay.

:func:`individual_types` and :func:`business_types` order a country's types for a select, the
one most people have first:

* a person: the country's national identity number first, then tax and other numbers. The
  US asks for the last 4 digits of the SSN at onboarding and the full SSN later (rules/us.yaml),
  so its order is SSN last 4, SSN, ITIN, ITIN last 4.
* a business: each type has a kind (:data:`KINDS`). A company's order is the business identifier
  every business has (SIREN, CVR, ABN, KVK...), then the company-register number, then tax
  numbers, then VAT; a sole proprietor's puts the company register last (a sole trader has no
  Companies House number); partnerships put partnership numbers first; non-profits and
  associations put the association or charity registers first (the RNA for a French
  association, the CRA charity number in Canada), and only they are offered those. A few
  countries' usual number differs from that rule (:data:`_LEADING`: Italy's partita IVA, Poland's
  NIP): it goes first.

Which types are acceptable at all for a requirement is the rules' business (``any_of`` in
``requirements/rules/<country>.yaml``); pass them as ``among`` to keep only those. The v1
country specs in ``shared/docs/country-requirements.md`` ask for a personal ID number in the US,
SG, HK, MX and BR (and a company tax ID or registration number nearly everywhere), which is why
every country of the rules has at least one business type here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Literal

from gangway.hosted.i18n import N_
from gangway.validation.id_numbers import BUSINESS_ID_NUMBER_TYPES, INDIVIDUAL_ID_NUMBER_TYPES

__all__ = [
    "KINDS",
    "LABELS",
    "OTHER",
    "Kind",
    "business_types",
    "individual_types",
    "label",
]

#: The label of a type this module does not know (a newer SDK's): ``%(type)s`` is its code.
OTHER = N_("ID number (%(type)s)")

_VAT = N_("VAT number")
_NIF = N_("NIF (tax identification number)")
_TIN = N_("Tax identification number")
_CEDULA = N_("Cédula de identidad (identity card number)")
_DNI = N_("DNI (national identity document)")
_STN = N_("Steuernummer (tax number)")
_ICO = N_("IČO (company identification number)")
_DIC = N_("DIČ (tax identification number)")
_NRIC = N_("NRIC (identity card number)")
_CRN = N_("Company registration number")

#: v2 ``type`` -> English label (a msgid). Types that are both personal and business numbers
#: (``mx_rfc``, ``nz_ird``...) have one label that fits both.
LABELS: Mapping[str, str] = MappingProxyType({
    "ae_crn": N_("Trade licence number (commercial registration)"),
    "ae_eid": N_("Emirates ID number"),
    "ae_vat": N_("Tax registration number (TRN, for VAT)"),
    "ao_nif": _NIF,
    "ar_cuil": N_("CUIL (labour identification code)"),
    "ar_cuit": N_("CUIT (tax identification code)"),
    "ar_dni": _DNI,
    "at_fn": N_("Firmenbuchnummer (company register number)"),
    "at_stn": _STN,
    "at_vat": N_("UID-Nummer (VAT number)"),
    "au_abn": N_("ABN (Australian Business Number)"),
    "au_acn": N_("ACN (Australian Company Number)"),
    "au_in": N_("Incorporation number (incorporated associations)"),
    "az_tin": N_("VÖEN (tax identification number)"),
    "bd_brc": N_("Birth registration certificate number"),
    "bd_etin": N_("e-TIN (electronic tax identification number)"),
    "bd_nid": N_("NID (national identity card number)"),
    "be_cbe": N_("Enterprise number (Crossroads Bank for Enterprises)"),
    "be_nrn": N_("National register number"),
    "be_vat": _VAT,
    "bg_ucn": N_("EGN (unified civil number)"),
    "bg_uic": N_("UIC / BULSTAT (unified identification code)"),
    "bg_vat": _VAT,
    "bn_nric": _NRIC,
    "br_cnpj": N_("CNPJ (national register of legal entities)"),
    "br_cpf": N_("CPF (individual taxpayer registry)"),
    "ca_cn": N_("Corporation number"),
    "ca_crarr": N_("Charity registration number (Canada Revenue Agency)"),
    "ca_gst_hst": N_("Business number (BN, for GST/HST)"),
    "ca_neq": N_("NEQ (Quebec enterprise number)"),
    "ca_rid": N_("Registry ID (provincial business registry)"),
    "ca_sin": N_("Social Insurance Number (SIN)"),
    "ch_chid": N_("CH-ID (commercial register number)"),
    "ch_oasi": N_("AHV/AVS number (social security number)"),
    "ch_uid": N_("UID (business identification number)"),
    "cl_rut": N_("RUT (national tax number)"),
    "cn_pp": N_("Passport number"),
    "co_nuip": N_("NUIP (unique personal identification number)"),
    "cr_ci": _CEDULA,
    "cr_cpf": N_("Cédula de persona física (individual identity number)"),
    "cr_cpj": N_("Cédula de persona jurídica (legal entity number)"),
    "cr_dimex": N_("DIMEX (foreign resident identity document)"),
    "cr_nite": N_("NITE (special tax identification number)"),
    "cy_he": N_("HE number (company registration number)"),
    "cy_tic": N_("TIC (tax identification code)"),
    "cy_vat": _VAT,
    "cz_ico": _ICO,
    "cz_rc": N_("Rodné číslo (birth number)"),
    "cz_vat": N_("DIČ (VAT number)"),
    "de_hrn": N_("Handelsregisternummer (commercial register number)"),
    "de_stn": _STN,
    "de_vat": N_("USt-IdNr. (VAT number)"),
    "dk_cpr": N_("CPR number (personal identification number)"),
    "dk_cvr": N_("CVR number (business registration number)"),
    "dk_vat": _VAT,
    "do_cie": N_("Cédula de identidad y electoral (identity card number)"),
    "do_rcn": N_("RNC (national taxpayer registry number)"),
    "ec_ci": _CEDULA,
    "ee_ik": N_("Isikukood (personal identification code)"),
    "ee_rk": N_("Registrikood (registry code)"),
    "ee_vat": N_("KMKR number (VAT number)"),
    "es_cif": N_("CIF / NIF (company tax identification number)"),
    "es_nif": N_("DNI or NIE (tax identification number)"),
    "es_vat": _VAT,
    "fi_hetu": N_("Henkilötunnus (personal identity code)"),
    "fi_vat": N_("ALV number (VAT number)"),
    "fi_yt": N_("Y-tunnus (business ID)"),
    "fr_nir": N_("NIR (social security number)"),
    "fr_rna": N_("RNA number (associations)"),
    "fr_siren": N_("SIREN (company registration number)"),
    "fr_vat": N_("Numéro de TVA (VAT number)"),
    "gb_crn": N_("Company registration number (Companies House)"),
    "gb_nino": N_("National Insurance number"),
    "gb_vat": _VAT,
    "gi_crn": _CRN,
    "gr_afm": N_("AFM (tax identification number)"),
    "gr_gemi": N_("G.E.MI. number (general commercial registry)"),
    "gr_vat": _VAT,
    "gt_nit": N_("NIT (tax identification number)"),
    "hk_br": N_("Business Registration number (BR)"),
    "hk_cr": N_("Company Registration number (CR)"),
    "hk_id": N_("HKID (Hong Kong identity card number)"),
    "hr_mbs": N_("MBS (court register number)"),
    "hr_oib": N_("OIB (personal identification number)"),
    "hr_vat": _VAT,
    "hu_ad": N_("Adóazonosító jel (tax identification number)"),
    "hu_cjs": N_("Cégjegyzékszám (company registration number)"),
    "hu_tin": N_("Adószám (tax number)"),
    "hu_vat": _VAT,
    "id_nik": N_("NIK (national identity number)"),
    "ie_crn": N_("CRO number (company registration number)"),
    "ie_ppsn": N_("PPS number (Personal Public Service Number)"),
    "ie_trn": N_("Tax reference number (TRN)"),
    "ie_vat": _VAT,
    "is_kt": N_("Kennitala (identification number)"),
    "it_cf": N_("Codice fiscale (tax code)"),
    "it_rea": N_("REA number (economic and administrative index)"),
    "it_vat": N_("Partita IVA (VAT number)"),
    "jp_cn": N_("Corporate Number (hōjin bangō)"),
    "jp_inc": N_("My Number (Individual Number)"),
    "ke_pin": N_("KRA PIN (tax identification number)"),
    "kz_bin": N_("BIN (business identification number)"),
    "kz_iin": N_("IIN (individual identification number)"),
    "li_peid": N_("PEID (person identification number)"),
    "li_uid": N_("UID (business identification number)"),
    "lt_ak": N_("Asmens kodas (personal code)"),
    "lt_ccrn": N_("Įmonės kodas (company code)"),
    "lt_vat": N_("PVM code (VAT number)"),
    "lu_nif": _NIF,
    "lu_rcs": N_("RCS number (trade and companies register)"),
    "lu_vat": _VAT,
    "lv_pk": N_("Personas kods (personal code)"),
    "lv_urn": N_("Registration number (Enterprise Register)"),
    "lv_vat": _VAT,
    "mt_crn": _CRN,
    "mt_tin": _TIN,
    "mt_vat": _VAT,
    "mx_rfc": N_("RFC (federal taxpayer registry)"),
    "my_brn": N_("Business registration number"),
    "my_coid": N_("Company number (Companies Commission of Malaysia)"),
    "my_itn": N_("Income tax number"),
    "my_nric": N_("MyKad number (NRIC)"),
    "my_sst": N_("SST registration number (sales and service tax)"),
    "mz_nuit": N_("NUIT (taxpayer identification number)"),
    "ng_nin": N_("NIN (National Identification Number)"),
    "nl_bsn": N_("BSN (citizen service number)"),
    "nl_kvk": N_("KVK number (Chamber of Commerce)"),
    "nl_rsin": N_("RSIN (legal entities and partnerships information number)"),
    "nl_vat": N_("Btw-id (VAT number)"),
    "no_nin": N_("Fødselsnummer (national identity number)"),
    "no_orgnr": N_("Organisasjonsnummer (organisation number)"),
    "nz_bn": N_("NZBN (New Zealand Business Number)"),
    "nz_ird": N_("IRD number (tax number)"),
    "pe_dni": _DNI,
    "pe_ruc": N_("RUC (taxpayer registry number)"),
    "pk_cnic": N_("CNIC (computerised national identity card number)"),
    "pk_ntn": N_("NTN (national tax number)"),
    "pk_snic": N_("SNIC (smart national identity card number)"),
    "pl_nip": N_("NIP (tax identification number)"),
    "pl_pesel": N_("PESEL (national identification number)"),
    "pl_regon": N_("REGON (statistical business number)"),
    "pl_vat": _VAT,
    "pt_nif": _NIF,
    "pt_vat": N_("NIF / NIPC (VAT number)"),
    "ro_cnp": N_("CNP (personal numeric code)"),
    "ro_cui": N_("CUI (unique registration code)"),
    "ro_orc": N_("Trade register number (ONRC)"),
    "ro_vat": _VAT,
    "sa_crn": N_("Commercial registration number"),
    "sa_tin": _TIN,
    "se_orgnr": N_("Organisationsnummer (organisation number)"),
    "se_pin": N_("Personnummer (personal identity number)"),
    "se_vat": _VAT,
    "sg_fin": N_("FIN (foreign identification number)"),
    "sg_nric": _NRIC,
    "sg_uen": N_("UEN (Unique Entity Number)"),
    "si_msp": N_("Matična številka (registration number)"),
    "si_tin": N_("Davčna številka (tax number)"),
    "si_vat": _VAT,
    "sk_dic": _DIC,
    "sk_ico": _ICO,
    "sk_vat": N_("IČ DPH (VAT number)"),
    "th_crn": _CRN,
    "th_lc": N_("Laser code (on the back of the Thai ID card)"),
    "th_pin": N_("Thai national ID number"),
    "th_prn": N_("Partnership registration number"),
    "th_tin": _TIN,
    "tr_tin": N_("T.C. Kimlik No. or tax number (VKN)"),
    "us_ein": N_("Employer Identification Number (EIN)"),
    "us_itin": N_("Individual Taxpayer Identification Number (ITIN)"),
    "us_itin_last_4": N_("Last 4 digits of your ITIN"),
    "us_ssn": N_("Social Security number (SSN)"),
    "us_ssn_last_4": N_("Last 4 digits of your Social Security number"),
    "uy_dni": _CEDULA,
    "za_id": N_("South African ID number"),
})  # fmt: skip

Kind = Literal["business_id", "register", "tax", "vat", "partnership", "association"]

#: What each business type is, which decides its place in a business's list (see the module
#: docstring): ``business_id`` every business has, ``register`` only incorporated companies.
KINDS: Mapping[str, Kind] = MappingProxyType({
    "ae_crn": "register", "ae_vat": "vat", "ao_nif": "tax", "ar_cuit": "tax",
    "at_fn": "register", "at_stn": "tax", "at_vat": "vat",
    "au_abn": "business_id", "au_acn": "register", "au_in": "association",
    "az_tin": "tax", "bd_etin": "tax", "be_cbe": "business_id", "be_vat": "vat",
    "bg_uic": "business_id", "bg_vat": "vat", "br_cnpj": "business_id",
    "ca_cn": "register", "ca_crarr": "association", "ca_gst_hst": "business_id",
    "ca_neq": "register", "ca_rid": "register",
    "ch_chid": "register", "ch_uid": "business_id",
    "cr_cpj": "business_id", "cr_nite": "tax",
    "cy_he": "register", "cy_tic": "tax", "cy_vat": "vat",
    "cz_ico": "business_id", "cz_vat": "vat",
    "de_hrn": "register", "de_stn": "tax", "de_vat": "vat",
    "dk_cvr": "business_id", "dk_vat": "vat", "do_rcn": "tax",
    "ee_rk": "business_id", "ee_vat": "vat", "es_cif": "business_id", "es_vat": "vat",
    "fi_vat": "vat", "fi_yt": "business_id",
    "fr_rna": "association", "fr_siren": "business_id", "fr_vat": "vat",
    "gb_crn": "register", "gb_vat": "vat", "gi_crn": "register",
    "gr_afm": "tax", "gr_gemi": "register", "gr_vat": "vat", "gt_nit": "tax",
    "hk_br": "business_id", "hk_cr": "register",
    "hr_mbs": "register", "hr_oib": "business_id", "hr_vat": "vat",
    "hu_cjs": "register", "hu_tin": "tax", "hu_vat": "vat",
    "ie_crn": "register", "ie_trn": "tax", "ie_vat": "vat",
    "it_rea": "register", "it_vat": "vat", "jp_cn": "business_id", "kz_bin": "business_id",
    "li_uid": "business_id", "lt_ccrn": "business_id", "lt_vat": "vat",
    "lu_nif": "tax", "lu_rcs": "register", "lu_vat": "vat",
    "lv_urn": "business_id", "lv_vat": "vat",
    "mt_crn": "register", "mt_tin": "tax", "mt_vat": "vat", "mx_rfc": "tax",
    "my_brn": "business_id", "my_coid": "register", "my_itn": "tax", "my_sst": "vat",
    "mz_nuit": "tax", "nl_kvk": "business_id", "nl_rsin": "tax", "nl_vat": "vat",
    "no_orgnr": "business_id", "nz_bn": "business_id", "nz_ird": "tax",
    "pe_ruc": "tax", "pk_ntn": "tax",
    "pl_nip": "tax", "pl_regon": "business_id", "pl_vat": "vat", "pt_vat": "vat",
    "ro_cui": "business_id", "ro_orc": "register", "ro_vat": "vat",
    "sa_crn": "register", "sa_tin": "tax", "se_orgnr": "business_id", "se_vat": "vat",
    "sg_uen": "business_id", "si_msp": "business_id", "si_tin": "tax", "si_vat": "vat",
    "sk_dic": "tax", "sk_ico": "business_id", "sk_vat": "vat",
    "th_crn": "register", "th_prn": "partnership", "th_tin": "tax", "us_ein": "tax",
})  # fmt: skip

_COMPANY: tuple[Kind, ...] = ("business_id", "register", "tax", "vat", "partnership")
_SOLE: tuple[Kind, ...] = ("business_id", "tax", "vat", "register", "partnership")
_PARTNERSHIP: tuple[Kind, ...] = ("partnership", "business_id", "register", "tax", "vat")
_NON_PROFIT: tuple[Kind, ...] = (
    "association",
    "business_id",
    "register",
    "tax",
    "vat",
    "partnership",
)
_SOLE_STRUCTURES = frozenset({"sole_proprietorship", "sole_establishment"})
_PARTNERSHIP_STRUCTURES = frozenset({
    "incorporated_partnership", "limited_liability_partnership", "private_partnership",
    "public_partnership", "unincorporated_partnership",
})  # fmt: skip
_NON_PROFIT_STRUCTURES = frozenset({
    "incorporated_association", "incorporated_non_profit", "registered_charity",
    "unincorporated_association", "unincorporated_non_profit",
})  # fmt: skip
#: Where a country's usual business number is not the one the kinds put first.
_LEADING: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "it": ("it_vat",),  # the partita IVA is what Italian businesses quote; the REA is secondary
        "pl": ("pl_nip",),  # the NIP, not the statistical REGON
    }
)

#: A person's types where a country has several, the usual one first; the rest have one each.
_INDIVIDUAL_ORDER: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ar": ("ar_dni", "ar_cuil"),
        "bd": ("bd_nid", "bd_etin", "bd_brc"),
        "cr": ("cr_ci", "cr_cpf", "cr_dimex", "cr_nite"),  # DIMEX is for foreign residents
        "do": ("do_cie", "do_rcn"),
        "pk": ("pk_cnic", "pk_snic"),
        "sg": ("sg_nric", "sg_fin"),  # FIN is for foreigners
        "th": ("th_pin", "th_lc"),
        "us": ("us_ssn_last_4", "us_ssn", "us_itin", "us_itin_last_4"),
    }
)


def label(type: str) -> str:
    """The msgid naming ``type``; :data:`OTHER` (formatted with ``type``) when unknown."""
    return LABELS.get(type, OTHER)


def individual_types(country: str, *, among: Collection[str] | None = None) -> tuple[str, ...]:
    """A person's ID number types for ``country`` (alpha-2, any case), the usual one first.

    For an individual account holder and for every Person (representative, owner...).
    ``among`` keeps only those types (a requirement's accepted ones), in this order.
    """
    code = country.strip().lower()
    types = sorted(t for t in INDIVIDUAL_ID_NUMBER_TYPES if t.startswith(f"{code}_"))
    order = _INDIVIDUAL_ORDER.get(code, ())
    ranked = sorted(types, key=lambda t: (order.index(t) if t in order else len(order), t))
    return _among(ranked, among)


def business_types(
    country: str,
    *,
    entity_type: str = "company",
    structure: str | None = None,
    among: Collection[str] | None = None,
) -> tuple[str, ...]:
    """A business's ID number types for ``country``, the usual one for its structure first.

    ``entity_type`` and ``structure`` are the account's v2 ``identity.entity_type`` and
    ``identity.business_details.structure``. Association and charity registers are offered
    only to non-profits and associations. ``among`` keeps only those types, in this order.
    """
    code = country.strip().lower()
    non_profit = entity_type == "non_profit" or structure in _NON_PROFIT_STRUCTURES
    if non_profit:
        priority = _NON_PROFIT
    elif structure in _SOLE_STRUCTURES:
        priority = _SOLE
    elif structure in _PARTNERSHIP_STRUCTURES:
        priority = _PARTNERSHIP
    else:
        priority = _COMPANY
    leading = _LEADING.get(code, ())
    types = [
        t
        for t in BUSINESS_ID_NUMBER_TYPES
        if t.startswith(f"{code}_") and (non_profit or KINDS[t] != "association")
    ]
    ranked = sorted(
        types,
        key=lambda t: (t not in leading, priority.index(KINDS[t]), t),
    )
    return _among(ranked, among)


def _among(types: list[str], among: Collection[str] | None) -> tuple[str, ...]:
    return tuple(t for t in types if among is None or t in among)
