"""Stripe's test-mode magic values for the business, its website and its people lists.

Same source and timing rule as ``magic_people``: immediate successes are ``verified`` at once,
other successes after ``ASYNC_DELAY_MS``, failures at once. Text magic values are compared after
stripping and case-folding (platforms often upper-case statement descriptors and names), URLs
by host name only (the docs' own example uses ``http://accessible.stripe.com``).

The business-registry tax IDs ``222221001``-``222221004`` are about the company's people, not
its number: the registry found the company (the tax ID verifies) but its directors or owners
disagree with the account. Their failures therefore land on the ``directors`` / ``owners``
checks (``identity.attestations.persons_provided.*``), which include the tax ID in their
fingerprint so a changed tax ID re-verifies them. When no directors or owners were submitted
at all there is no such check, and nothing is reported: the country rules' own role and
attestation requirements are already asking for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from gangway.verification.model import (
    Outcome,
    failed,
    pending_forever,
    verified_later,
    verified_now,
)

__all__ = [
    "BUSINESS_NAMES",
    "DOING_BUSINESS_AS",
    "PRODUCT_DESCRIPTIONS",
    "REGISTRY_PEOPLE",
    "ROLE_GIVEN_NAMES",
    "STATEMENT_DESCRIPTORS",
    "STATEMENT_DESCRIPTOR_PREFIXES",
    "TAX_IDS",
    "URL_HOSTS",
    "business_name",
    "business_url",
    "directors",
    "doing_business_as",
    "owners",
    "product_description",
    "statement_descriptor",
    "statement_descriptor_prefix",
    "tax_id",
]

#: A (code, text) pair for a failure; None in a table means "succeeds after the delay".
Failure = tuple[str, str] | None


def _fails(code: str, description: str) -> Callable[[], Outcome]:
    return lambda: failed(code, description)


#: Compact tax IDs -> outcome; anything else verifies after the delay. ``000000001`` is
#: "success, non-profit": the non-profit part has nothing to act on here (the entity type is
#: the user's answer), so it is an ordinary success. ``222221000`` "company not found" is a
#: keyed match failure: the name and tax ID typed in match no registry record. ``222221005``
#: "pending" stays pending until a reviewer decides, so a platform can test that state.
TAX_IDS: Mapping[str, Callable[[], Outcome]] = {
    "000000000": verified_later,
    "000000001": verified_later,
    "111111111": _fails("verification_failed_tax_id_match", "The tax ID does not match the name."),
    "111111112": _fails("verification_failed_tax_id_not_issued", "The tax ID was never issued."),
    "222222222": verified_now,
    "222221000": _fails(
        "verification_failed_keyed_match", "The company was not found in the business registry."
    ),
    "222221001": verified_later,
    "222221002": verified_later,
    "222221003": verified_later,
    "222221004": verified_later,
    "222221005": pending_forever,
}

#: Registry tax IDs -> (checked list, code, text). No SDK code says "owners mismatch"; Stripe
#: maps its own ``mismatch_owner`` value to ``verification_missing_owners``, and so does this.
REGISTRY_PEOPLE: Mapping[str, tuple[str, str, str]] = {
    "222221001": (
        "owners",
        "verification_missing_owners",
        "The owners on the account were not found in the business registry.",
    ),
    "222221002": (
        "directors",
        "verification_directors_mismatch",
        "The directors on the account were not found in the business registry.",
    ),
    "222221003": (
        "owners",
        "verification_missing_owners",
        "The business registry lists owners who are not on the account.",
    ),
    "222221004": (
        "directors",
        "verification_missing_directors",
        "The business registry lists directors who are not on the account.",
    ),
}

#: A role holder's ``given_name`` -> (checked list, code, text), per Stripe's table.
ROLE_GIVEN_NAMES: Mapping[str, tuple[str, str, str]] = {
    "mismatch_director": (
        "directors",
        "verification_directors_mismatch",
        "The directors do not match the business registry.",
    ),
    "missing_director": (
        "directors",
        "verification_missing_directors",
        "Directors listed in the business registry are missing from the account.",
    ),
    "extraneous_director": (
        "directors",
        "verification_extraneous_directors",
        "The account lists directors who are not in the business registry.",
    ),
    "mismatch_owner": (
        "owners",
        "verification_missing_owners",
        "The owners do not match the business registry.",
    ),
    "extraneous_owner": (
        "owners",
        "verification_missing_owners",
        "The account lists owners who are not in the business registry.",
    ),
}

#: ``match_name_relationships`` and ``match_name_only`` both match the name; whether the
#: registry also confirmed the relationships is the directors/owners checks' business.
BUSINESS_NAMES: Mapping[str, Failure] = {
    "mismatch_business_name": (
        "verification_failed_name_match",
        "The business name does not match the tax ID's registered name.",
    ),
    "disallowed_name": ("invalid_company_name_denylisted", "The business name is not allowed."),
    "match_name_relationships": None,
    "match_name_only": None,
}

DOING_BUSINESS_AS: Mapping[str, Failure] = {
    "disallowed_dba": (
        "invalid_business_profile_name_denylisted",
        "The doing-business-as name is not allowed.",
    ),
    "invalid_dba": ("invalid_business_profile_name", "The doing-business-as name is not valid."),
}

PRODUCT_DESCRIPTIONS: Mapping[str, Failure] = {
    "require_url": (
        "invalid_url_web_presence_detected",
        "The business appears to have a website: provide its URL.",
    ),
}

STATEMENT_DESCRIPTORS: Mapping[str, Failure] = {
    "mismatch": (
        "invalid_statement_descriptor_business_mismatch",
        "The statement descriptor does not resemble the business name.",
    ),
    "disallowed": (
        "invalid_statement_descriptor_denylisted",
        "The statement descriptor is not allowed.",
    ),
}

STATEMENT_DESCRIPTOR_PREFIXES: Mapping[str, Failure] = {
    "mismatch": (
        "invalid_statement_descriptor_prefix_mismatch",
        "The statement descriptor prefix does not resemble the business name.",
    ),
    "disallowed": (
        "invalid_statement_descriptor_prefix_denylisted",
        "The statement descriptor prefix is not allowed.",
    ),
}

#: Business URL host -> outcome. ``inactivity`` "pauses verification": it stays pending (no
#: automatic decision), which restricts what the field restricts while awaiting review; the
#: SDK has no inactivity error code to fail it with.
URL_HOSTS: Mapping[str, Callable[[], Outcome]] = {
    "accessible.stripe.com": verified_later,
    "disallowed.stripe.com": _fails("invalid_url_denylisted", "The website is not allowed."),
    "geoblocked.stripe.com": _fails(
        "invalid_url_website_inaccessible_geoblocked",
        "The website is not reachable from our location.",
    ),
    "problem.stripe.com": _fails("invalid_url_website_other", "The website could not be verified."),
    "missing.stripe.com": _fails(
        "invalid_url_website_incomplete", "The website is missing required information."
    ),
    "mismatch.stripe.com": _fails(
        "invalid_url_website_business_information_mismatch",
        "The website does not match the business information on the account.",
    ),
    "passwordprotected.stripe.com": _fails(
        "invalid_url_website_inaccessible_password_protected",
        "The website is password protected.",
    ),
    "underconstruction.stripe.com": _fails(
        "invalid_url_website_incomplete_under_construction", "The website is under construction."
    ),
    "inaccessible.stripe.com": _fails(
        "invalid_url_website_inaccessible", "The website could not be reached."
    ),
    "inactivity.stripe.com": pending_forever,
}


def tax_id(value: Mapping[str, str]) -> Outcome:
    """A business tax ID by ``TAX_IDS``; other numbers verify after the delay."""
    outcome = TAX_IDS.get(value.get("value", ""))
    return outcome() if outcome is not None else verified_later()


def business_url(url: str) -> Outcome:
    """A website by host (``URL_HOSTS``); other websites verify after the delay."""
    host = urlsplit(url if "://" in url else "//" + url).hostname or ""
    outcome = URL_HOSTS.get(host.rstrip("."))
    return outcome() if outcome is not None else verified_later()


def business_name(name: str) -> Outcome:
    return _by_text(BUSINESS_NAMES, name)


def doing_business_as(name: str) -> Outcome:
    return _by_text(DOING_BUSINESS_AS, name)


def product_description(description: str) -> Outcome:
    return _by_text(PRODUCT_DESCRIPTIONS, description)


def statement_descriptor(descriptor: str) -> Outcome:
    return _by_text(STATEMENT_DESCRIPTORS, descriptor)


def statement_descriptor_prefix(prefix: str) -> Outcome:
    return _by_text(STATEMENT_DESCRIPTOR_PREFIXES, prefix)


def directors(value: Mapping[str, Any]) -> Outcome:
    """The directors list: given-name magic on any director, then the registry tax IDs."""
    return _people("directors", value)


def owners(value: Mapping[str, Any]) -> Outcome:
    """The owners list: given-name magic on any owner, then the registry tax IDs."""
    return _people("owners", value)


def _people(role: str, value: Mapping[str, Any]) -> Outcome:
    """Every distinct error that applies, in a stable order; none -> verified after the delay."""
    reasons: list[tuple[str, str, str]] = []
    for person in value.get("persons", ()):
        name = (person.get("given_name") or "").casefold()
        if name in ROLE_GIVEN_NAMES:
            reasons.append(ROLE_GIVEN_NAMES[name])
    reasons.extend(REGISTRY_PEOPLE[t] for t in value.get("tax_ids", ()) if t in REGISTRY_PEOPLE)
    errors: list[dict[str, str]] = []
    for target, code, description in reasons:
        if target == role and all(error["code"] != code for error in errors):
            errors.append({"code": code, "description": description})
    if errors:
        return Outcome("failed", tuple(errors))
    return verified_later()


def _by_text(table: Mapping[str, Failure], value: str) -> Outcome:
    failure = table.get(value.strip().casefold())
    return failed(*failure) if failure is not None else verified_later()
