"""The one error model: Stripe's bracketed param paths and the ``{"error": {...}}`` envelope."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from gangway.core.errors import (
    AuthenticationFailed,
    FieldInvalid,
    GangwayError,
    IdempotencyConflict,
    InternalError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    PathPart,
    PayloadTooLarge,
    RateLimited,
    param_path,
)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((), ""),
        (("contact_email",), "contact_email"),
        (("identity", "individual"), "identity[individual]"),
        (("identity", "individual", "id_numbers", 0, "value"), "identity[individual][id_numbers][0][value]"),
        (("defaults", "locales", 12), "defaults[locales][12]"),
        (["configuration", "merchant", "support", "address", "postal_code"],
         "configuration[merchant][support][address][postal_code]"),
    ],
)  # fmt: skip
def test_param_path_brackets_every_part_after_the_first(
    parts: Sequence[PathPart], expected: str
) -> None:
    assert param_path(parts) == expected


@pytest.mark.parametrize(
    ("error_type", "status", "type_", "code"),
    [
        (InvalidRequest, 400, "invalid_request_error", None),
        (PayloadTooLarge, 413, "invalid_request_error", "request_too_large"),
        (AuthenticationFailed, 401, "invalid_request_error", "api_key_invalid"),
        (NotFound, 404, "invalid_request_error", "not_found"),
        (MethodNotAllowed, 405, "invalid_request_error", "method_not_allowed"),
        (IdempotencyConflict, 409, "idempotency_error", "idempotency_error"),
        (RateLimited, 429, "rate_limit", "rate_limit"),
        (InternalError, 500, "api_error", "internal_error"),
    ],
)
def test_each_error_carries_stripes_status_type_and_default_code(
    error_type: type[GangwayError], status: int, type_: str, code: str | None
) -> None:
    error = error_type("Something went wrong.")
    assert isinstance(error, GangwayError)
    assert (error.status, error.type, error.code) == (status, type_, code)
    assert error.body() == {
        "error": {"type": type_, "code": code, "message": "Something went wrong."}
    }
    assert str(error) == "Something went wrong."


def test_an_explicit_code_and_param_replace_the_defaults_and_param_is_rendered() -> None:
    error = NotFound("No such account: 'acct_1'", code="resource_missing", param="account")
    assert error.body() == {
        "error": {
            "type": "invalid_request_error",
            "code": "resource_missing",
            "message": "No such account: 'acct_1'",
            "param": "account",
        }
    }


@pytest.mark.parametrize("param", [None, ""])
def test_an_absent_or_empty_param_is_left_out_of_the_body(param: str | None) -> None:
    assert "param" not in InvalidRequest("x", code="c", param=param).body()["error"]


def test_field_invalid_placed_at_a_location_becomes_an_invalid_request() -> None:
    failure = FieldInvalid("id_number_invalid", "Not a valid SSN.", type="us_ssn")
    assert isinstance(failure, ValueError)
    assert failure.details == {"type": "us_ssn"}
    placed = failure.at("identity", "individual", "id_numbers", 0, "value")
    assert isinstance(placed, InvalidRequest)
    assert placed.body() == {
        "error": {
            "type": "invalid_request_error",
            "code": "id_number_invalid",
            "message": "Not a valid SSN.",
            "param": "identity[individual][id_numbers][0][value]",
        }
    }
