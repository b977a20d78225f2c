"""Pure field validators shared by the API and the hosted onboarding form.

One module per kind of value: ``countries`` (country, currency, locale), ``contact`` (email,
phone), ``urls`` (every web address, for its use), ``dates`` (date of birth, registration date), ``id_numbers``, ``addresses``,
``prefectures`` (Japan's, in kanji, kana and romaji), ``japanese`` (kana and kanji names and
addresses), ``business`` (MCC, statement descriptor, ownership, product description) and
``banks``.

Each validator takes a raw value and returns it normalised, or raises
`gangway.core.errors.FieldInvalid` with one of Stripe's v2 error codes and an English message.
Validators know nothing of where a value sat in the request (the caller adds the ``param`` path
with ``FieldInvalid.at``), and nothing of HTTP, storage or the clock: no I/O happens here, and
"today" is always an argument.
"""
