"""What every country's rules must ask of a fresh account, written out as data.

Each set is the country_spec's ``minimum`` (past due at once) or ``additional`` (eventually due)
list from shared/data/country_specs.json, translated by hand through the v1 -> v2 mapping of
shared/docs/country-requirements.md section 6. They are deliberately *not* computed from the
rule files or the engine: a rule file that drops, adds or renames a field fails the tests.

Two fresh accounts per country:

* an individual merchant (``card_payments`` + ``stripe_balance.payouts``);
* a company recipient (``stripe_transfers`` + ``payouts``) with one bare Person per role the
  country asks about, so person-scoped entries show up (``representative.given_name`` ...).
  A recipient is never asked for the merchant-only MCC or support phone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

__all__ = ["COUNTRIES", "EUROPEAN", "Expected"]


def _account(prefix: str, names: Iterable[str]) -> frozenset[str]:
    return frozenset(f"{prefix}{name}" for name in names)


def ind(*names: str) -> frozenset[str]:
    return _account("identity.individual.", names)


def biz(*names: str) -> frozenset[str]:
    return _account("identity.business_details.", names)


def provided(*roles: str) -> frozenset[str]:
    return _account("identity.attestations.persons_provided.", roles)


TOS = frozenset({
    "identity.attestations.terms_of_service.account.date",
    "identity.attestations.terms_of_service.account.ip",
})  # fmt: skip
MCC = "configuration.merchant.mcc"
SUPPORT_PHONE = "configuration.merchant.support.phone"
URL = "defaults.profile.business_url"
PRODUCT = "defaults.profile.product_description"
BANK = "external_account"
DOB = ("date_of_birth.day", "date_of_birth.month", "date_of_birth.year")
NAME = ("given_name", "surname")
KANA_KANJI_NAME = (
    "script_names.kana.given_name",
    "script_names.kana.surname",
    "script_names.kanji.given_name",
    "script_names.kanji.surname",
)
KANA_KANJI_ADDRESS = tuple(
    f"script_addresses.{script}.{part}"
    for script in ("kana", "kanji")
    for part in ("postal_code", "state", "city", "town", "line1")
)
PRIMARY = "documents.primary_verification"
SECONDARY = "documents.secondary_verification"


def addr(*parts: str) -> tuple[str, ...]:
    return tuple(f"address.{part}" for part in parts)


@dataclass(frozen=True)
class Expected:
    """One country's expectations. ``persons`` maps a role (rule scope) to the Person-relative
    descriptions a bare Person in that role owes at once; ``persons_later`` to those it owes on
    the thirty-day (or threshold) schedule."""

    individual: frozenset[str] | None  # fresh individual merchant, past_due; None: unsupported
    individual_later: frozenset[str]
    company: frozenset[str]  # fresh company recipient, account-level past_due
    company_later: frozenset[str]
    persons: Mapping[str, frozenset[str]]
    persons_later: Mapping[str, frozenset[str]] = field(default_factory=dict)
    merchant_only: frozenset[str] = frozenset({MCC})  # asked of merchants only (MCC, support phone)
    business_id_types: tuple[str, ...] = ()  # every type the business tax ID rule accepts
    person_id_types: tuple[str, ...] = ()  # the personal ID type(s), where one is asked for
    group: str = "own"


def _set(*parts: Iterable[str] | str) -> frozenset[str]:
    out: set[str] = set()
    for part in parts:
        if isinstance(part, str):
            out.add(part)
        else:
            out.update(part)
    return frozenset(out)


# ---- the European template (29 countries) and IE -------------------------------------------

_EU_ADDRESS = addr("line1", "city", "postal_code")
_IE_ADDRESS = addr("line1", "city", "state")


def _european(business_id_types: tuple[str, ...], address: tuple[str, ...]) -> Expected:
    return Expected(
        individual=_set(MCC, URL, BANK, TOS, ind(*NAME, "email", "phone", *DOB, *address)),
        individual_later=ind(PRIMARY, SECONDARY),
        company=_set(
            URL,
            BANK,
            TOS,
            provided("owners", "directors", "executives"),
            biz("registered_name", "phone", "id_numbers", *address),
        ),
        company_later=biz(PRIMARY),
        persons={
            "representative": _set(
                NAME,
                ("email", "phone"),
                DOB,
                address,
                ("relationship.executive", "relationship.title"),
            ),
            "owners": _set(NAME, ("email",), DOB, address, (PRIMARY, SECONDARY)),
            "directors": _set(NAME, ("email",), DOB, ("relationship.title",)),
            "executives": _set(NAME, ("email",), DOB, address, (PRIMARY, SECONDARY)),
        },
        persons_later={"representative": frozenset({PRIMARY, SECONDARY})},
        business_id_types=business_id_types,
        group="european",
    )


#: Country -> the business id_numbers types its tax ID rule accepts (stripe-python 16.1.0 enum).
EUROPEAN: dict[str, tuple[str, ...]] = {
    "at": ("at_fn", "at_stn", "at_vat"),
    "be": ("be_cbe", "be_vat"),
    "bg": ("bg_uic", "bg_vat"),
    "ch": ("ch_uid", "ch_chid"),
    "cy": ("cy_tic", "cy_he", "cy_vat"),
    "cz": ("cz_ico", "cz_vat"),
    "de": ("de_stn", "de_hrn", "de_vat"),
    "dk": ("dk_cvr", "dk_vat"),
    "ee": ("ee_rk", "ee_vat"),
    "es": ("es_cif", "es_vat"),
    "fi": ("fi_yt", "fi_vat"),
    "fr": ("fr_siren", "fr_rna", "fr_vat"),
    "gb": ("gb_crn", "gb_vat"),
    "gr": ("gr_afm", "gr_gemi", "gr_vat"),
    "hu": ("hu_tin", "hu_cjs", "hu_vat"),
    "it": ("it_vat", "it_rea"),
    "lt": ("lt_ccrn", "lt_vat"),
    "lu": ("lu_nif", "lu_rcs", "lu_vat"),
    "lv": ("lv_urn", "lv_vat"),
    "mt": ("mt_tin", "mt_crn", "mt_vat"),
    "nl": ("nl_kvk", "nl_rsin", "nl_vat"),
    "no": ("no_orgnr",),
    "nz": ("nz_bn", "nz_ird"),
    "pl": ("pl_nip", "pl_regon", "pl_vat"),
    "pt": ("pt_vat",),
    "ro": ("ro_cui", "ro_orc", "ro_vat"),
    "se": ("se_orgnr", "se_vat"),
    "si": ("si_tin", "si_msp", "si_vat"),
    "sk": ("sk_ico", "sk_dic", "sk_vat"),
}

COUNTRIES: dict[str, Expected] = {
    cc: _european(types, _EU_ADDRESS) for cc, types in EUROPEAN.items()
}

# IE: the same template with `state` (county) instead of `postal_code` on every address.
COUNTRIES["ie"] = replace(
    _european(("ie_trn", "ie_crn", "ie_vat"), _IE_ADDRESS), group="european_ie"
)

# IT: the template plus what a fresh Italian individual merchant was asked for on v2.
_it = _european(EUROPEAN["it"], _EU_ADDRESS)
assert _it.individual is not None
COUNTRIES["it"] = replace(
    _it,
    individual=_it.individual | {SUPPORT_PHONE, "identity.individual.nationalities"},
    merchant_only=frozenset({MCC, SUPPORT_PHONE}),
)

# ---- countries with their own pattern ---------------------------------------------------------

_AU_ADDRESS = addr("line1", "city", "state", "postal_code")
COUNTRIES["au"] = Expected(
    individual=_set(MCC, URL, BANK, TOS, ind(*NAME, "email", "phone", *DOB, *_AU_ADDRESS)),
    individual_later=ind(PRIMARY),
    company=_set(
        URL,
        BANK,
        TOS,
        provided("owners", "directors", "executives"),
        biz("registered_name", "phone", "id_numbers", "id_numbers.au_acn", *_AU_ADDRESS),
    ),
    company_later=biz(PRIMARY),
    persons={
        "representative": _set(
            NAME,
            ("email", "phone"),
            DOB,
            _AU_ADDRESS,
            ("relationship.executive", "relationship.title"),
        ),
        "owners": _set(
            NAME,
            ("email",),
            DOB,
            _AU_ADDRESS,
            ("relationship.title", "relationship.percent_ownership", PRIMARY),
        ),
        "directors": _set(NAME, ("email",), DOB, ("relationship.title",)),
        "executives": _set(NAME, ("email",), DOB, _AU_ADDRESS, ("relationship.title", PRIMARY)),
    },
    persons_later={"representative": frozenset({PRIMARY})},
    business_id_types=("au_abn",),
)

_CA_ADDRESS = addr("line1", "city", "state", "postal_code")
COUNTRIES["ca"] = Expected(
    # No MCC, website, email or phone.
    individual=_set(BANK, TOS, ind(*NAME, *DOB, *_CA_ADDRESS)),
    # The SIN waits for a threshold (trigger-only schedule), so it is eventually due.
    individual_later=ind(PRIMARY, "id_numbers"),
    company=_set(BANK, TOS, biz("registered_name", "id_numbers", *_CA_ADDRESS)),
    company_later=frozenset(),
    persons={"representative": _set(NAME, DOB, _CA_ADDRESS)},
    persons_later={"representative": frozenset({PRIMARY, "id_numbers"})},
    merchant_only=frozenset(),
    business_id_types=("ca_cn", "ca_crarr", "ca_gst_hst", "ca_neq", "ca_rid"),
    person_id_types=("ca_sin",),
)

COUNTRIES["jp"] = Expected(
    individual=_set(
        MCC,
        URL,
        PRODUCT,
        BANK,
        TOS,
        ind(*KANA_KANJI_NAME, "email", "phone", *DOB, *KANA_KANJI_ADDRESS),
    ),
    individual_later=ind(PRIMARY),
    company=_set(
        URL,
        PRODUCT,
        BANK,
        TOS,
        provided("directors"),
        biz(
            "registered_name",
            "script_names.kana.registered_name",
            "script_names.kanji.registered_name",
            "phone",
            "id_numbers",
            *KANA_KANJI_ADDRESS,
        ),
    ),
    company_later=biz(PRIMARY),
    persons={
        "representative": _set(
            KANA_KANJI_NAME, ("email", "phone"), DOB, KANA_KANJI_ADDRESS, ("relationship.title",)
        ),
        "directors": _set(KANA_KANJI_NAME, DOB),
    },
    persons_later={"representative": frozenset({PRIMARY})},
    business_id_types=("jp_cn",),
)

_SG_ADDRESS = addr("line1", "postal_code")
COUNTRIES["sg"] = Expected(
    individual=_set(
        MCC,
        URL,
        BANK,
        TOS,
        ind(*NAME, "email", "phone", *DOB, *_SG_ADDRESS, "nationalities", "id_numbers"),
    ),
    individual_later=ind(PRIMARY),
    company=_set(URL, BANK, TOS, biz("registered_name", "phone", "id_numbers", *_SG_ADDRESS)),
    company_later=biz(PRIMARY),
    persons={
        "representative": _set(
            NAME,
            ("email", "phone"),
            DOB,
            _SG_ADDRESS,
            ("nationalities", "id_numbers", "relationship.executive", "relationship.title"),
        ),
        "owners": frozenset({PRIMARY}),
    },
    persons_later={"representative": frozenset({PRIMARY})},
    business_id_types=("sg_uen",),
    person_id_types=("sg_nric", "sg_fin"),
)

_HK_ADDRESS = addr("line1", "city")
COUNTRIES["hk"] = Expected(
    individual=_set(
        MCC, URL, BANK, TOS, ind(*NAME, "email", "phone", *DOB, *_HK_ADDRESS, "id_numbers")
    ),
    individual_later=ind(PRIMARY),
    company=_set(
        URL,
        BANK,
        TOS,
        provided("owners"),
        biz("registered_name", "phone", "id_numbers", *_HK_ADDRESS),
    ),
    company_later=biz(PRIMARY),
    persons={
        "representative": _set(
            NAME,
            ("email", "phone"),
            DOB,
            _HK_ADDRESS,
            ("id_numbers", "relationship.executive", "relationship.title"),
        ),
        "owners": _set(
            NAME, ("email",), DOB, _HK_ADDRESS, ("id_numbers", "relationship.title", PRIMARY)
        ),
    },
    persons_later={"representative": frozenset({PRIMARY})},
    business_id_types=("hk_br", "hk_cr"),
    person_id_types=("hk_id",),
)

_MX_ADDRESS = addr("line1", "city", "state", "postal_code")
COUNTRIES["mx"] = Expected(
    individual=_set(
        MCC, URL, BANK, TOS, ind(*NAME, "email", "phone", *DOB, *_MX_ADDRESS, "id_numbers")
    ),
    individual_later=ind(PRIMARY),
    company=_set(
        URL,
        BANK,
        TOS,
        provided("owners"),
        biz("registered_name", "phone", "id_numbers", *_MX_ADDRESS),
    ),
    company_later=biz(PRIMARY),
    persons={
        # No relationship fields for the representative.
        "representative": _set(NAME, ("email", "phone"), DOB, _MX_ADDRESS, ("id_numbers",)),
        "owners": _set(
            NAME,
            ("email",),
            DOB,
            _MX_ADDRESS,
            ("id_numbers", "relationship.percent_ownership", PRIMARY),
        ),
    },
    persons_later={"representative": frozenset({PRIMARY})},
    business_id_types=("mx_rfc",),
    person_id_types=("mx_rfc",),
)

_BR_ADDRESS = addr("line1", "city", "state", "postal_code")
_BR_PERSON = _set(NAME, DOB, _BR_ADDRESS, ("political_exposure", "id_numbers"))
COUNTRIES["br"] = Expected(
    # product_description instead of business_url.
    individual=_set(
        MCC,
        PRODUCT,
        BANK,
        TOS,
        ind(*NAME, "email", "phone", *DOB, *_BR_ADDRESS, "political_exposure", "id_numbers"),
    ),
    individual_later=ind(PRIMARY),
    company=_set(
        PRODUCT,
        BANK,
        TOS,
        provided("owners", "directors", "executives"),
        biz("registered_name", "phone", "id_numbers", *_BR_ADDRESS),
    ),
    company_later=biz(PRIMARY),
    persons={
        "representative": _BR_PERSON
        | {"email", "phone", "relationship.executive", "relationship.title"},
        "owners": _BR_PERSON | {"relationship.percent_ownership", PRIMARY},  # no email
        "directors": _BR_PERSON | {"email", "relationship.title", PRIMARY},
        "executives": _BR_PERSON | {"email", "relationship.title", PRIMARY},
    },
    persons_later={"representative": frozenset({PRIMARY})},
    business_id_types=("br_cnpj",),
    person_id_types=("br_cpf",),
)

_AE_ADDRESS = addr("line1", "state")
_AE_PERSON = _set(NAME, DOB, _AE_ADDRESS, ("nationalities", "id_numbers"))
COUNTRIES["ae"] = Expected(
    individual=None,  # companies only
    individual_later=frozenset(),
    company=_set(
        URL,
        PRODUCT,
        BANK,
        TOS,
        provided("owners", "executives"),
        biz(
            "registered_name",
            "structure",
            "phone",
            "id_numbers",
            "id_numbers.ae_vat",
            *_AE_ADDRESS,
            # `additional` in the country_spec, due at once per the UAE docs.
            "documents.company_license",
            "documents.bank_account_ownership_verification",
        ),
    ),
    company_later=biz("documents.company_memorandum_of_association"),
    persons={
        "representative": _AE_PERSON
        | {"email", "phone", "relationship.executive", "relationship.title"},
        "owners": _AE_PERSON | {"documents.passport"},
        "executives": _AE_PERSON | {"documents.passport"},
    },
    persons_later={"representative": frozenset({"documents.passport"})},
    merchant_only=frozenset({MCC, SUPPORT_PHONE}),
    business_id_types=("ae_crn",),
    person_id_types=("ae_eid",),
)

_IN_ADDRESS = addr("line1", "city", "state", "postal_code")
COUNTRIES["in"] = Expected(
    # No ID number (no Indian type in v2), no MCC, website, email or phone.
    individual=_set(BANK, TOS, ind(*NAME, *DOB, *_IN_ADDRESS)),
    individual_later=ind(PRIMARY),
    company=_set(BANK, TOS, biz("registered_name", *_IN_ADDRESS)),
    company_later=biz(PRIMARY),
    persons={
        "representative": _set(NAME, DOB, _IN_ADDRESS),
        "owners": _set(NAME, DOB, _IN_ADDRESS, (PRIMARY,)),
    },
    persons_later={"representative": frozenset({PRIMARY})},
    merchant_only=frozenset(),
)

_MY_ADDRESS = addr("line1", "city", "postal_code")
COUNTRIES["my"] = Expected(
    individual=_set(URL, BANK, TOS, ind(*NAME, *DOB, *_MY_ADDRESS, "id_numbers")),
    individual_later=ind(PRIMARY),
    company=_set(
        URL, BANK, TOS, provided("owners"), biz("registered_name", "id_numbers", *_MY_ADDRESS)
    ),
    company_later=biz(PRIMARY),
    persons={
        "representative": _set(NAME, DOB, _MY_ADDRESS, ("id_numbers", "relationship.executive")),
        "owners": _set(NAME, DOB, _MY_ADDRESS, ("id_numbers",)),
    },
    persons_later={"representative": frozenset({PRIMARY}), "owners": frozenset({PRIMARY})},
    merchant_only=frozenset(),
    business_id_types=("my_itn", "my_brn", "my_coid", "my_sst"),
    person_id_types=("my_nric",),
)
