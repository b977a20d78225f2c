"""The error codes a reviewer may reject a verification with: the documented list.

These are the failure codes ``README.md`` documents for Gangway's verifications (every one a
literal of the SDK's ``Account.Requirements.Entry.Error.code``), plus Stripe's generic
``verification_failed_other`` for a failure none of them names. The review API and the operator
console both take a rejection's code from this list and nowhere else.
"""

from __future__ import annotations

__all__ = ["REJECTION_CODES"]

REJECTION_CODES: tuple[str, ...] = (
    "verification_failed_keyed_identity",
    "verification_failed_keyed_match",
    "verification_failed_id_number_match",
    "verification_failed_address_match",
    "verification_failed_name_match",
    "verification_failed_tax_id_match",
    "verification_failed_tax_id_not_issued",
    "verification_document_invalid",
    "verification_document_failed_test_mode",
    "verification_failed_document_match",
    "verification_failed_representative_authority",
    "verification_missing_owners",
    "verification_missing_directors",
    "verification_directors_mismatch",
    "verification_extraneous_directors",
    "verification_failed_other",
    "invalid_company_name_denylisted",
    "invalid_business_profile_name",
    "invalid_business_profile_name_denylisted",
    "invalid_url_denylisted",
    "invalid_url_web_presence_detected",
    "invalid_url_website_business_information_mismatch",
    "invalid_url_website_inaccessible",
    "invalid_url_website_inaccessible_geoblocked",
    "invalid_url_website_inaccessible_password_protected",
    "invalid_url_website_incomplete",
    "invalid_url_website_incomplete_under_construction",
    "invalid_url_website_other",
    "invalid_statement_descriptor_business_mismatch",
    "invalid_statement_descriptor_denylisted",
    "invalid_statement_descriptor_prefix_denylisted",
    "invalid_statement_descriptor_prefix_mismatch",
)
