"""The form's wording for a refused kana or kanji input, picked by the param path's script."""

from __future__ import annotations

from datetime import date

import pytest

from gangway.core.errors import InvalidRequest
from gangway.core.field_checks import CheckContext, check_account_params
from gangway.hosted.japanese import SCRIPT_CODE, SCRIPT_ERRORS, error_message


@pytest.mark.parametrize(
    ("code", "param", "expected"),
    [
        (SCRIPT_CODE, "identity[individual][script_names][kana][surname]", SCRIPT_ERRORS["kana"]),
        (SCRIPT_CODE, "script_addresses[kanji][city]", SCRIPT_ERRORS["kanji"]),
        (SCRIPT_CODE, "identity[individual][given_name]", None),
        (SCRIPT_CODE, None, None),
        ("address_state_invalid", "script_addresses[kanji][state]", None),
    ],
)
def test_error_message(code: str, param: str | None, expected: str | None) -> None:
    assert error_message(code, param) == expected


@pytest.mark.parametrize("script", ["kana", "kanji"])
def test_the_api_error_for_a_script_field_maps_to_its_message(script: str) -> None:
    params = {"identity": {"individual": {"script_names": {script: {"surname": "Yamada"}}}}}
    with pytest.raises(InvalidRequest) as info:
        check_account_params(params, CheckContext(date(2026, 1, 1), "jp", livemode=False))
    assert info.value.code is not None
    assert error_message(info.value.code, info.value.param) == SCRIPT_ERRORS[script]
