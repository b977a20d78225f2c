"""Every word the form shows about a field or a step, as msgids (translated at render time).

One place, so a label, a step title or an error message has one wording across steps, the
review page and the error summary.
"""

from __future__ import annotations

from gangway.hosted.i18n import N_

__all__ = [
    "DOCUMENT_HINTS",
    "DOCUMENT_TITLES",
    "ERROR_MESSAGES",
    "GENERIC_ERROR",
    "LABELS",
    "REASONS",
    "ROLE_TITLES",
    "STEP_TITLES",
]

STEP_TITLES = {
    "business_type": N_("Business type"),
    "personal": N_("Personal details"),
    "business": N_("Business details"),
    "representative": N_("Representative"),
    "people": N_("Owners and directors"),
    "profile": N_("Business profile"),
    "public": N_("Public details"),
    "bank": N_("Payout bank account"),
    "documents": N_("Documents"),
    "review": N_("Review and submit"),
}

ROLE_TITLES = {
    "owner": N_("Owner"),
    "director": N_("Director"),
    "executive": N_("Executive"),
    "representative": N_("Representative"),
}

#: A form field's translated message by validation code; the English detail from the validator
#: is shown instead in English locales for codes not listed here.
ERROR_MESSAGES = {
    "required": N_("This field is required."),
    "email_invalid": N_("Enter a valid email address, like name@example.com."),
    "phone_invalid": N_("Enter a valid phone number, including the area code."),
    "date_of_birth_invalid": N_("Enter a real date of birth. You must be at least 13 years old."),
    "date_incomplete": N_("Enter the day, the month and the year."),
    "address_postal_code_invalid": N_("Enter a valid postal code for this address."),
    "address_state_invalid": N_("Choose a valid state or region."),
    "address_town_invalid": N_("Check the town or city name."),
    "address_characters_invalid": N_("Remove the characters that cannot appear in an address."),
    "id_number_invalid": N_("Enter a valid ID number: check the number of digits."),
    "url_invalid": N_("Enter a full website address, like https://example.com."),
    "mcc_invalid": N_("Choose your industry from the list."),
    "statement_descriptor_invalid": N_(
        "Use 5 to 22 letters, numbers and spaces, with at least one letter."
    ),
    "bank_account_invalid": N_("Check the bank details: the number is not valid."),
    "routing_number_invalid": N_("Check the bank code: it is not a valid one."),
    "person_percent_ownership_invalid": N_("Enter a percentage between 0 and 100."),
    "country_invalid": N_("Choose a country from the list."),
    "terms_required": N_("Accept the terms of service to finish."),
    "parameter_invalid_string_too_long": N_("Use at most %(max)s characters."),
    "too_long": N_("Use at most %(max)s characters."),
    "file_too_large": N_("The file is larger than 10 MB: upload a smaller one."),
    "file_type_invalid": N_("The file is not a JPG, PNG or PDF: upload one of those."),
    "file_empty": N_("The file is empty: choose the file again."),
    "website_or_description": N_("Enter your business website or describe what you sell."),
    "directors_missing": N_("Add the business's directors before confirming this."),
}
GENERIC_ERROR = N_("Check this value.")

#: Why a step asks again for something already given: a requirement entry's error code.
REASONS = {
    "verification_failed_id_number_match": N_(
        "We could not match the ID number you gave to your name and date of birth."
    ),
    "verification_failed_keyed_identity": N_(
        "We could not verify the identity details. Check them and try again."
    ),
    "verification_failed_keyed_match": N_(
        "We could not verify the identity details. Check them and try again."
    ),
    "verification_failed_name_match": N_("The name did not match our records. Check it."),
    "verification_failed_address_match": N_("The address could not be verified. Check it."),
    "verification_failed_tax_id_match": N_(
        "The tax ID did not match the business name. Check both."
    ),
    "verification_failed_tax_id_not_issued": N_("The tax ID was not found. Check it."),
    "verification_document_failed_test_mode": N_(
        "The document could not be verified. Upload a clear image of the whole document."
    ),
    "verification_document_invalid": N_(
        "The document could not be verified. Upload a clear image of the whole document."
    ),
    "verification_failed_document_match": N_(
        "The document did not match the details given. Upload a document that shows them."
    ),
    "verification_failed_representative_authority": N_(
        "We could not confirm that the representative can act for the business."
    ),
    "verification_directors_mismatch": N_(
        "The directors did not match the public register. Check the list of directors."
    ),
}
GENERIC_REASON = N_("Something you gave could not be verified. Check it and try again.")
FULL_ID_NEEDED = N_("We now need your full ID number to verify your identity.")
MORE_NEEDED = N_("We need a little more information to finish verifying your account.")

LABELS = {
    "given_name": N_("First name"),
    "surname": N_("Last name"),
    "email": N_("Email address"),
    "phone": N_("Phone number"),
    "date_of_birth": N_("Date of birth"),
    "address": N_("Home address"),
    "id_numbers": N_("ID number"),
    "nationalities": N_("Nationality"),
    "political_exposure": N_("Do you hold a prominent public position?"),
    "relationship.title": N_("Job title"),
    "relationship.executive": N_("This person is an executive or senior manager"),
    "relationship.director": N_("This person is a director"),
    "relationship.owner": N_("This person owns 25% or more of the business"),
    "relationship.percent_ownership": N_("Ownership (%)"),
    "registered_name": N_("Legal business name"),
    "structure": N_("Business structure"),
    "script_names.kana": N_("Name in kana"),
    "script_names.kanji": N_("Name in kanji"),
    "script_addresses.kana": N_("Address in kana"),
    "script_addresses.kanji": N_("Address in kanji"),
}
BUSINESS_ADDRESS = N_("Business address")
BUSINESS_PHONE = N_("Business phone number")
TAX_ID = N_("Tax ID")

DOCUMENT_TITLES = {
    "primary_verification": N_("Identity document"),
    "secondary_verification": N_("Second identity document"),
    "passport": N_("Passport"),
    "visa": N_("Visa"),
    "company_authorization": N_("Authorisation to act for the business"),
    "company_tax_id_verification": N_("Tax ID letter for the business"),
    "proof_of_registration": N_("Proof of registration of the business"),
    "proof_of_address": N_("Proof of the business's address"),
    "bank_account_ownership_verification": N_("Proof of bank account ownership"),
    "company_license": N_("Business licence"),
    "company_memorandum_of_association": N_("Memorandum of association"),
    "company_ministerial_decree": N_("Ministerial decree"),
    "company_registration_verification": N_("Company registration document"),
    "proof_of_ultimate_beneficial_ownership": N_("Proof of beneficial ownership"),
}
DOCUMENT_HINTS = {
    "primary_verification": N_(
        "A passport, national ID card or driving licence: the side with the photo."
    ),
    "secondary_verification": N_(
        "A different document from the first that shows the same name, such as a utility "
        "bill, a bank statement or a residence permit."
    ),
    "company_tax_id_verification": N_(
        "A letter from the tax authority that shows the business's name and tax ID."
    ),
    "proof_of_registration": N_("An extract from the company register, less than 3 months old."),
}
DOCUMENT_FILES = N_("JPG, PNG or PDF, up to 10 MB.")
DOCUMENT_FOR = N_("For %(name)s")
