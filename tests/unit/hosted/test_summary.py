"""The review page's summary, pure: values written for people."""

from __future__ import annotations

from gangway.hosted.summary import summary


def test_the_summary_reads_like_the_person_wrote_it() -> None:
    document = {
        "identity": {
            "country": "us",
            "individual": {
                "given_name": "Jenny",
                "surname": "Rosen",
                "phone": "+14155550123",
                "address": {"line1": "1 Main St", "city": "San Francisco", "state": "CA"},
                "id_numbers": [
                    {"type": "us_ssn_last_4", "value": "1234"},
                    {"type": "us_ssn", "value": "000001234"},
                ],
            },
        },
        "configuration": {
            "merchant": {"mcc": "0742", "statement_descriptor": {"descriptor": "JENNY ROSEN"}}
        },
        "defaults": {
            "profile": {"business_url": "https://example.com", "product_description": "Art"}
        },
    }
    rows = {row.label: row for row in summary(document, [], "en-US")}
    assert rows["Phone number"].value == "(415) 555-0123"
    assert rows["Industry"].value == "Veterinary services (0742)"
    assert rows["Statement descriptor"].value == "JENNY ROSEN"
    assert rows["Product description"].value == "Art" and "Business website" in rows
    ids = [r for r in summary(document, [], "en-US") if r.value.startswith("••••")]
    assert len(ids) == 1 and ids[0].value == "•••• 1234"


def test_japanese_names_and_addresses_are_listed_in_both_scripts() -> None:
    document = {
        "identity": {
            "country": "jp",
            "individual": {
                "script_names": {
                    "kanji": {"surname": "山田", "given_name": "太郎"},
                    "kana": {"surname": "ヤマダ", "given_name": "タロウ"},
                },
                "script_addresses": {
                    "kanji": {"postal_code": "100-0001", "state": "東京都", "city": "千代田区"},
                },
            },
        }
    }
    values = [row.value for row in summary(document, [], "ja-JP")]
    assert "山田 太郎" in values and "ヤマダ タロウ" in values
    assert "100-0001, 東京都, 千代田区" in values
