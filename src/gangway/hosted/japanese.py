"""The hosted form's words for Japanese inputs: what to say when a kana or kanji field is refused.

The API refuses a character that does not belong in a script field with Stripe's one code,
``script_characters_invalid`` (see ``gangway.validation.japanese``); the param path says which
script (``identity[individual][script_names][kana][surname]``). The form's messages are keyed by
code, so :func:`error_message` picks the kana or the kanji wording from the path. Prefecture
selects take their choices from ``gangway.validation.prefectures.prefecture_choices``: names, not
messages, shown as they are in every locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from gangway.hosted.i18n import N_

__all__ = ["SCRIPT_CODE", "SCRIPT_ERRORS", "error_message"]

#: The API's code for a character that does not belong in a kana or kanji field.
SCRIPT_CODE = "script_characters_invalid"

#: Script -> msgid shown under a refused kana or kanji input.
SCRIPT_ERRORS: Mapping[str, str] = MappingProxyType({
    # Translators: ヤマダ is an example of a name in katakana; keep it as it is.
    "kana": N_("Write this in full-width katakana, like ヤマダ."),
    "kanji": N_("Write this in Japanese (kanji, or kana where there is no kanji)."),
})  # fmt: skip


def error_message(code: str, param: str | None) -> str | None:
    """The msgid for a ``script_characters_invalid`` error at ``param``; None for other codes,
    which the form's own table covers, or when the path names no script."""
    if code != SCRIPT_CODE or not param:
        return None
    for script, message in SCRIPT_ERRORS.items():
        if f"[{script}]" in param:
            return message
    return None
