"""What a careless or hostile client sends the form: link scanners, markup in URLs, bad files,
deep nesting and over-long values. Each gets a translated page and nothing is stored."""

from __future__ import annotations

import re

import httpx
import pytest
import stripe

from tests.conftest import RunningServer
from tests.hosted.conftest import JENNY, REFRESH, Browser, link_for, us_individual
from tests.hosted.test_steps import PNG

DEEP = "a" + "[b]" * 900


def test_a_head_request_never_spends_the_link(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    url = link_for(client, us_individual(client).id)
    scanned = httpx.head(url)
    assert scanned.status_code == 200
    assert "set-cookie" not in scanned.headers
    assert "no-store" in scanned.headers["cache-control"]
    opened = httpx.get(url)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/onboarding"  # the person still wins the link
    assert httpx.post(url).status_code == 405
    assert httpx.get(url).headers["location"] == REFRESH


def test_markup_in_a_url_is_never_rendered(client: stripe.StripeClient, browser: Browser) -> None:
    browser.get(link_for(client, us_individual(client).id))
    token = browser.csrf()
    evil = "<b>x<img src=x onerror=alert(1)>"
    response = browser.http.post(
        f"/onboarding/person/{evil}/delete", data={"csrf_token": token, "action": "delete"}
    )
    assert response.status_code in (400, 404)
    assert "<img" not in response.text and "<b>" not in response.text
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("passport.png", b"just some text, not an image", "not a JPG, PNG or PDF"),
        ("setup.exe", b"MZ\x90\x00\x03" + b"\x00" * 64, "not a JPG, PNG or PDF"),
        ("huge.png", PNG + b"\x00" * (11 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_a_refused_upload_is_named_by_its_input_and_in_the_summary(
    client: stripe.StripeClient, browser: Browser, filename: str, content: bytes, message: str
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id, collection_options={"fields": "eventually_due"}))
    browser.get("/onboarding/step/documents")
    field = next(n for n in browser.names() if n.startswith("upload["))
    response = browser.http.post(
        "/onboarding/step/documents",
        data={"csrf_token": browser.csrf(), "action": "continue"},
        files={field: (filename, content, "image/png")},
    )
    assert response.status_code == 400
    by_field = re.search(
        rf'<p class="error" id="{re.escape(field)}-error">(.*?)</p>', response.text, re.S
    )
    assert by_field and message in by_field.group(1)
    summary = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)
    assert summary and f'href="#{field}"' in summary.group(0) and message in summary.group(0)
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual is None or not stored.identity.individual.documents


def test_both_identity_documents_of_a_french_individual_are_kept(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = client.v2.core.accounts.create(
        {
            "contact_email": "marie@example.com",
            "identity": {"country": "fr", "entity_type": "individual"},
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
        }
    )
    browser.get(link_for(client, account.id, collection_options={"fields": "eventually_due"}))
    browser.get("/onboarding/step/documents")
    fields = [n for n in browser.names() if n.startswith("upload[")]
    assert {f.rsplit(".", 1)[1].rstrip("]") for f in fields} == {
        "primary_verification",
        "secondary_verification",
    }
    assert "Second identity document" in (browser.page.text if browser.page else "")
    response = browser.http.post(
        "/onboarding/step/documents",
        data={"csrf_token": browser.csrf(), "action": "continue"},
        files={f: ("id.png", PNG, "image/png") for f in fields},
    )
    assert response.status_code == 303, response.text
    documents = client.v2.core.accounts.retrieve(
        account.id, {"include": ["identity"]}
    ).identity.individual.documents
    for document in (documents.primary_verification, documents.secondary_verification):
        assert document.type == "front_back"
        assert re.fullmatch(r"file_\w+", document.front_back.front)


HOSTED_POSTS = (
    "/onboarding/step/personal",
    "/onboarding/step/review",
    "/onboarding/person/new?role=owner",
    "/onboarding/person/person_x/delete",
    "/onboarding/exit",
)


@pytest.mark.parametrize("path", HOSTED_POSTS)
@pytest.mark.parametrize("with_session", [True, False])
def test_deeply_nested_names_get_a_translated_page(
    client: stripe.StripeClient, browser: Browser, path: str, with_session: bool
) -> None:
    if with_session:
        browser.get(link_for(client, us_individual(client).id))
        token = browser.csrf()
    else:
        token = "x"
    if not with_session:
        browser.http.cookies.clear()
    response = browser.http.post(
        path,
        content=f"{DEEP}=1&csrf_token={token}&action=continue".encode(),
        headers={"content-type": "application/x-www-form-urlencoded", "accept-language": "fr"},
    )
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    assert "content-security-policy" in response.headers
    assert 'lang="fr"' in response.text and "Traceback" not in response.text


LONG = "x" * 10_000


@pytest.mark.parametrize(
    "field",
    [
        "identity[individual][given_name]",
        "identity[individual][address][line1]",
        "identity[individual][address][city]",
    ],
)
def test_an_over_long_value_is_refused_by_its_field_and_not_stored(
    client: stripe.StripeClient, browser: Browser, field: str
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    page = browser.page.text if browser.page else ""
    assert re.search(rf'name="{re.escape(field)}"[^>]* maxlength="\d+"', page)
    browser.post({**JENNY, field: LONG})
    assert browser.page is not None and browser.page.status_code == 400
    assert any("at most" in e for e in browser.errors()), browser.errors()
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual is None or stored.identity.individual.given_name is None


def test_an_over_long_product_description_is_refused(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(
        client,
        configuration={"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
    )
    browser.get(link_for(client, account.id))
    browser.get("/onboarding/step/profile")
    browser.post(
        {"configuration[merchant][mcc]": "5734", "defaults[profile][product_description]": LONG}
    )
    assert browser.page is not None and browser.page.status_code == 400, browser.errors()
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["defaults"]})
    assert (
        stored.defaults is None
        or stored.defaults.profile is None
        or (stored.defaults.profile.product_description is None)
    )


def test_a_failed_check_is_explained_at_the_top_of_the_step_it_sends_you_back_to(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    browser.post(
        {
            **JENNY,
            "identity[individual][id_numbers][0][type]": "us_ssn",
            "identity[individual][id_numbers][0][value]": "111111111",  # fails the match
        }
    )
    assert browser.page is not None and browser.page.status_code == 200, browser.errors()
    moved = httpx.post(  # past the test-mode verification delay
        f"{browser.server.url}/_gangway/test_clock/advance",
        json={"seconds": 10},
        headers={"Authorization": f"Bearer {browser.server.test_key}"},
    )
    assert moved.status_code == 200, moved.text
    page = browser.get("/onboarding/step/documents")  # now owed: an identity document
    assert browser.page is not None and browser.page.url.path == "/onboarding/step/documents"
    notice = re.search(r'<div class="notice" role="status">(.*?)</div>', page.text, re.S)
    assert notice and "could not match the ID number" in notice.group(1)


OVER_LONG_POSTS = [
    ("/onboarding/step/business", "identity[business_details][registered_name]"),
    ("/onboarding/step/representative", "given_name"),
    ("/onboarding/person/new?role=owner", "given_name"),
    ("/onboarding/step/profile", "defaults[profile][product_description]"),
    ("/onboarding/step/public", "configuration[merchant][support][phone]"),
    ("/onboarding/step/bank", "external_account[account_holder_name]"),
]


@pytest.mark.parametrize(("path", "field"), OVER_LONG_POSTS)
def test_every_step_refuses_an_over_long_value_with_a_translated_page_and_stores_nothing(
    client: stripe.StripeClient, browser: Browser, path: str, field: str
) -> None:
    account = client.v2.core.accounts.create(
        {
            "contact_email": "ops@example.com",
            "identity": {"country": "us", "entity_type": "company"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    browser.get(link_for(client, account.id, collection_options={"fields": "eventually_due"}))
    browser.get(path)
    before = client.v2.core.accounts.retrieve(
        account.id, {"include": ["identity", "defaults", "configuration.merchant"]}
    )
    response = browser.http.post(
        path,
        # Save for later keeps what is valid, so it too must refuse; the bank account is kept
        # only whole, so there Continue is what tries to store it
        data={
            field: LONG,
            "csrf_token": browser.csrf(),
            "action": "continue" if "bank" in path else "save",
        },
        headers={"accept-language": "de-DE"},
    )
    assert response.status_code == 400, response.text[:500]
    assert 'class="error-summary"' in response.text and 'lang="de"' in response.text
    after = client.v2.core.accounts.retrieve(
        account.id, {"include": ["identity", "defaults", "configuration.merchant"]}
    )
    assert after.to_dict() == {**before.to_dict()}
    assert list(client.v2.core.accounts.persons.list(account.id).data) == []
