"""Journeys in French and Japanese: the language is chosen once (the browser's Accept-Language,
or ``?locale=`` on the link) and holds on every page, dates and addresses follow the country, and
the journey completes.

Translations are written alongside, so no single string is required to be translated: a page's
heading and buttons must match the catalog (translated where the catalog has a translation), and
``<html lang>`` and the language switcher must name the language.
"""

from __future__ import annotations

from collections.abc import Callable

import stripe

from gangway.hosted import i18n
from gangway.hosted.wording import STEP_TITLES
from tests.browser.conftest import (
    WEBSITE,
    Journey,
    Receiver,
    advance_clock,
    create_account,
    create_link,
    wait_until_satisfied,
)
from tests.conftest import RunningServer


def in_language(j: Journey, locale: str) -> None:
    """The page is in ``locale``: lang attribute, switcher, heading and buttons."""
    lang = locale.split("-")[0]
    assert j.page.locator("html").get_attribute("lang") == lang, j.page.url
    current = j.page.locator('.languages a[aria-current="true"]')
    assert current.count() == 1 and current.get_attribute("hreflang") == locale
    catalog = i18n.translations(locale)
    step = j.step()
    if step in STEP_TITLES:
        assert j.page.locator("h1").inner_text() == catalog.gettext(STEP_TITLES[step])
    for action, msgid in (("continue", "Continue"), ("save", "Save for later")):
        button = j.page.locator(f'button[name="action"][value="{action}"]')
        if button.count():
            assert button.inner_text() == catalog.gettext(msgid)


def date_order(j: Journey, prefix: str) -> list[str]:
    names = j.page.locator(f'[name^="{prefix}[date_of_birth]"]')
    return [
        str(names.nth(i).get_attribute("name")).rsplit("[", 1)[1].rstrip("]")
        for i in range(names.count())
    ]


def test_a_french_individual_in_french(
    open_journey: Callable[..., Journey],
    receiver: Receiver,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    account = create_account(client, country="fr")
    link = create_link(client, account, receiver)
    j = open_journey(locale="fr-FR")  # Accept-Language: fr-FR
    j.goto(link.url)
    j.expect("personal")
    in_language(j, "fr-FR")
    assert date_order(j, "identity[individual]") == ["day", "month", "year"]
    j.shot("informations personnelles")
    j.fill(
        {
            "identity[individual][given_name]": "Amélie",
            "identity[individual][surname]": "Poulain",
            "identity[individual][email]": "amelie@example.fr",
            "identity[individual][phone]": "0000000000",
            "identity[individual][date_of_birth][day]": "1",
            "identity[individual][date_of_birth][month]": "1",
            "identity[individual][date_of_birth][year]": "1901",
            "identity[individual][address][line1]": "address_full_match",
            "identity[individual][address][postal_code]": "75018",
            "identity[individual][address][city]": "Paris",
        }
    )
    j.press("continue")

    j.expect("profile")
    in_language(j, "fr-FR")
    j.shot("profil")
    j.fill({"defaults[profile][business_url]": WEBSITE})
    j.press("continue")

    j.expect("bank")
    in_language(j, "fr-FR")
    assert j.page.locator('[name="external_account[routing_number]"]').count() == 0
    j.fill(
        {
            "external_account[account_holder_name]": "Amélie Poulain",
            "external_account[iban]": "FR14 2004 1010 0505 0001 3M02 606",
        }
    )
    j.shot("compte bancaire")
    j.press("continue")

    j.expect("review")
    in_language(j, "fr-FR")
    assert j.page.locator(".notice").count() == 0, j.page.locator(".notice").inner_text()
    j.page.check("#tos")
    j.shot("verifier et envoyer")
    j.press("submit")
    assert j.page.url == link.return_url
    j.check(link.exits)

    stored = client.v2.core.accounts.retrieve(account, {"include": ["identity"]})
    assert stored.identity.individual.given_name == "Amélie"  # type: ignore[union-attr]
    advance_clock(gangway, 6)  # settle the test-mode verifications
    wait_until_satisfied(client, account)


def test_a_japanese_individual_in_japanese(
    open_journey: Callable[..., Journey],
    receiver: Receiver,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    account = create_account(client, country="jp")
    link = create_link(client, account, receiver)
    j = open_journey(locale="en-US")  # the link's ?locale= wins over the browser's language
    j.goto(link.url + "?locale=ja-JP")
    j.expect("personal")
    in_language(j, "ja-JP")
    assert date_order(j, "identity[individual]") == ["year", "month", "day"]
    j.shot("kojin jouhou")
    base = "identity[individual]"
    j.fill(
        {
            f"{base}[script_names][kana][surname]": "ヤマダ",
            f"{base}[script_names][kana][given_name]": "ハナコ",
            f"{base}[script_names][kanji][surname]": "山田",
            f"{base}[script_names][kanji][given_name]": "花子",
            f"{base}[email]": "hanako@example.jp",
            f"{base}[phone]": "0000000000",
            f"{base}[date_of_birth][year]": "1901",
            f"{base}[date_of_birth][month]": "1",
            f"{base}[date_of_birth][day]": "1",
            f"{base}[script_addresses][kana][state]": "トウキョウト",
            f"{base}[script_addresses][kana][city]": "シブヤク",
            f"{base}[script_addresses][kana][town]": "ジングウマエ 1-チョウメ",
            f"{base}[script_addresses][kana][line1]": "1-1",
            f"{base}[script_addresses][kanji][postal_code]": "150-0001",  # typed once, for both
            f"{base}[script_addresses][kanji][state]": "東京都",
            f"{base}[script_addresses][kanji][city]": "渋谷区",
            f"{base}[script_addresses][kanji][town]": "神宮前 1丁目",
            f"{base}[script_addresses][kanji][line1]": "1-1",
        }
    )
    j.shot("kojin jouhou filled")
    j.press("continue")

    j.expect("profile")
    in_language(j, "ja-JP")
    j.shot("jigyou profile")
    j.fill(
        {
            "defaults[profile][business_url]": WEBSITE,
            "defaults[profile][product_description]": "配車サービス",
        }
    )
    j.press("continue")

    j.expect("bank")
    in_language(j, "ja-JP")
    j.fill(
        {
            "external_account[account_holder_name]": "ヤマダ ハナコ",
            "external_account[bank_code]": "1100",
            "external_account[branch_code]": "000",
            "external_account[account_number]": "0001234",
        }
    )
    j.shot("ginkou kouza")
    j.press("continue")

    j.expect("review")
    in_language(j, "ja-JP")
    assert j.page.locator(".notice").count() == 0, j.page.locator(".notice").inner_text()
    j.page.check("#tos")
    j.shot("kakunin")
    j.press("submit")
    assert j.page.url == link.return_url
    j.check(link.exits)

    stored = client.v2.core.accounts.retrieve(account, {"include": ["identity"]})
    names = stored.identity.individual.script_names  # type: ignore[union-attr]
    assert (names.kanji.surname, names.kana.given_name) == ("山田", "ハナコ")
    advance_clock(gangway, 6)
    wait_until_satisfied(client, account)
