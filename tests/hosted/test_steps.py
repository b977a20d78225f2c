"""Every step of the flow through HTTP: what is asked, what is refused and why, what is kept."""

from __future__ import annotations

import re
import time

import stripe

from tests.hosted.conftest import JENNY, RETURN, Browser, link_for, us_individual

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_individual_completes_onboarding_step_by_step(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    assert browser.page is not None and browser.page.url.path == "/onboarding/step/personal"
    browser.post(JENNY)
    assert browser.page.url.path == "/onboarding/step/profile"
    browser.post({"defaults[profile][business_url]": "https://accessible.stripe.com"})
    assert browser.page.url.path == "/onboarding/step/bank"
    browser.post(
        {
            "external_account[account_holder_name]": "Jenny Rosen",
            "external_account[routing_number]": "110000000",
            "external_account[account_number]": "000123456789",
        }
    )
    assert browser.page.url.path == "/onboarding/step/review"
    assert "•••• 0000" in browser.page.text  # the SSN's last 4, masked
    refused = browser.post({}, action="submit")
    assert refused.status_code == 400
    assert 'aria-describedby="tos-error"' in refused.text
    done = browser.post({"tos": "on"}, action="submit")
    assert done.status_code == 303 and done.headers["location"] == RETURN

    deadline = time.monotonic() + 15
    while True:  # test-mode verifications settle a few seconds after submission
        stored = client.v2.core.accounts.retrieve(
            account.id, {"include": ["requirements", "identity"]}
        )
        owed = [
            e.description
            for e in stored.requirements.entries or []
            if e.minimum_deadline.status in ("currently_due", "past_due")
        ]
        if not owed or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert owed == []
    terms = stored.identity.attestations.terms_of_service.account
    assert terms.ip == "127.0.0.1"
    assert terms.user_agent.startswith("python-httpx")


def test_errors_are_inline_summarised_tied_to_their_field_and_values_are_kept(
    client: stripe.StripeClient, browser: Browser
) -> None:
    browser.get(link_for(client, us_individual(client).id))
    bad = {
        **JENNY,
        "identity[individual][email]": "jenny@",
        "identity[individual][address][postal_code]": "ABCDE",
        "identity[individual][surname]": "",
    }
    page = browser.post(bad)
    assert page.status_code == 400
    assert "There is a problem" in page.text
    assert any("valid email" in e for e in browser.errors())
    assert any("postal code" in e.lower() or "zip" in e.lower() for e in browser.errors())
    assert any("required" in e for e in browser.errors())
    email = "identity[individual][email]"
    assert f'id="{email}" name="{email}" value="jenny@"' in page.text
    assert f'aria-describedby="{email}-error" aria-invalid="true"' in page.text
    assert f'href="#{email}"' in page.text  # the summary links to the field
    assert 'value="Jenny"' in page.text
    assert 'value="0000"' not in page.text  # ID numbers are never echoed back


def test_a_part_of_an_address_or_a_name_left_empty_is_refused_on_that_input(
    client: stripe.StripeClient, browser: Browser
) -> None:
    """An address with its postal code left out used to be saved as it was and the form moved
    on to the next step, leaving the person to find out at the review."""
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    postal_code = "identity[individual][address][postal_code]"
    page = browser.post({**JENNY, postal_code: ""})
    assert page.status_code == 400
    assert browser.page is not None and browser.page.url.path == "/onboarding/step/personal"
    invalid = re.findall(r'name="([^"]+)"[^>]*aria-invalid="true"', page.text)
    assert invalid == [postal_code]
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual is None  # nothing of the page was saved
    saved = browser.post({**JENNY, postal_code: ""}, action="save")  # saving for later may
    assert saved.headers["location"] == RETURN


def test_save_for_later_accepts_blanks_but_not_bad_values(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    refused = browser.post({"identity[individual][phone]": "12"}, action="save")
    assert refused.status_code == 400
    kept = browser.post({"identity[individual][given_name]": "Jenny"}, action="save")
    assert kept.headers["location"] == RETURN


def test_the_language_comes_from_the_query_then_the_account_then_the_browser(
    client: stripe.StripeClient, browser: Browser
) -> None:
    french = us_individual(client, defaults={"locales": ["fr-FR"]})
    browser.get(link_for(client, french.id))
    assert browser.page is not None and '<html lang="fr">' in browser.page.text
    browser.get("/onboarding/step/personal?locale=ja-JP")
    assert '<html lang="ja">' in browser.page.text
    browser.get("/onboarding/step/personal")  # the choice sticks for the session
    assert '<html lang="ja">' in browser.page.text
    assert 'hreflang="ja-JP" lang="ja" aria-current="true"' in browser.page.text

    other = us_individual(client)
    browser.http.cookies.clear()
    browser.http.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    browser.get(link_for(client, other.id))
    assert '<html lang="de">' in browser.page.text


def test_dates_follow_the_locale(client: stripe.StripeClient, browser: Browser) -> None:
    browser.get(link_for(client, us_individual(client).id))
    order = [n.rsplit("[", 1)[1].rstrip("]") for n in browser.names() if "date_of_birth" in n]
    assert order == ["month", "day", "year"]
    browser.get("/onboarding/step/personal?locale=en-GB")
    order = [n.rsplit("[", 1)[1].rstrip("]") for n in browser.names() if "date_of_birth" in n]
    assert order == ["day", "month", "year"]


def platform_collected(client: stripe.StripeClient) -> stripe.v2.core.Account:
    return us_individual(
        client,
        dashboard="none",
        defaults={
            "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
        },
    )


def test_an_account_update_link_shows_values_masks_id_numbers_and_saves_edits(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = platform_collected(client)
    client.v2.core.accounts.update(
        account.id,
        {
            "identity": {
                "individual": {
                    "given_name": "Jenny",
                    "surname": "Rosen",
                    "id_numbers": [{"type": "us_ssn", "value": "123456789"}],
                }
            }
        },
    )
    browser.get(link_for(client, account.id, "account_update"))
    page = browser.get("/onboarding/step/personal")
    assert 'value="Jenny"' in page.text
    assert "123456789" not in page.text
    assert "ending in 6789" in page.text
    browser.post({"identity[individual][given_name]": "Jennifer"}, action="save")
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual.given_name == "Jennifer"
    assert stored.identity.individual.surname == "Rosen"
    assert [n.type for n in stored.identity.individual.id_numbers] == ["us_ssn"]


def test_documents_are_checked_by_content_not_by_name(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id, collection_options={"fields": "eventually_due"}))
    browser.get("/onboarding/step/documents")
    assert browser.page is not None and 'enctype="multipart/form-data"' in browser.page.text
    field = next(n for n in browser.names() if n.startswith("upload["))
    fake = browser.http.post(
        "/onboarding/step/documents",
        data={"csrf_token": browser.csrf(), "action": "continue"},
        files={field: ("passport.png", b"GIF89a not really a png", "image/png")},
    )
    assert fake.status_code == 400
    assert "JPG, PNG or PDF" in fake.text
    good = browser.http.post(
        "/onboarding/step/documents",
        data={"csrf_token": browser.csrf(), "action": "continue"},
        files={field: ("passport.png", PNG, "image/png")},
    )
    assert good.status_code == 303, good.text
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    front = stored.identity.individual.documents.primary_verification.front_back.front
    assert re.fullmatch(r"file_\w+", front)


def test_business_type_and_country_are_asked_when_not_fixed(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = client.v2.core.accounts.create(
        {
            "contact_email": "shop@example.com",
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    browser.get(link_for(client, account.id))
    assert browser.page is not None
    assert browser.page.url.path == "/onboarding/step/business_type"
    assert {"identity[country]", "identity[entity_type]"} <= set(browser.names())
    browser.post({"identity[country]": "gb", "identity[entity_type]": "company"})
    assert browser.page.url.path == "/onboarding/step/business", browser.errors()
    assert "Postcode" in browser.page.text  # the British address layout
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert (stored.identity.country, stored.identity.entity_type) == ("gb", "company")
    # once set, the country is fixed: only the business type can be changed
    browser.get("/onboarding/step/business_type")
    assert "identity[country]" not in browser.names()


def test_a_japanese_account_is_asked_for_kana_and_kanji(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = client.v2.core.accounts.create(
        {
            "contact_email": "taro@example.com",
            "identity": {"country": "jp", "entity_type": "individual"},
            "defaults": {"locales": ["ja-JP"]},
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
        }
    )
    browser.get(link_for(client, account.id))
    assert browser.page is not None and '<html lang="ja">' in browser.page.text
    names = browser.names()
    kana = "identity[individual][script_addresses][kana]"
    kanji = "identity[individual][script_addresses][kanji]"
    assert "identity[individual][script_names][kana][surname]" in names
    assert "identity[individual][script_names][kanji][given_name]" in names
    assert [n.rsplit("[", 1)[1].rstrip("]") for n in names if n.startswith(kanji)][:4] == [
        "postal_code",
        "state",
        "city",
        "town",
    ]
    order = [n.rsplit("[", 1)[1].rstrip("]") for n in names if "date_of_birth" in n]
    assert order == ["year", "month", "day"]
    assert f'<select id="{kanji}[state]"' in browser.page.text
    assert f'<select id="{kana}[state]"' in browser.page.text  # the prefecture in kana
    assert '<option value="トウキョウト"' in browser.page.text
    assert f"{kana}[postal_code]" not in names  # typed once, with the kanji address
    assert "都道府県" in browser.page.text and "郵便番号" in browser.page.text
