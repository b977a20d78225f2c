"""A company: business details, its representative, an owner, and the people step."""

from __future__ import annotations

import stripe

from tests.hosted.conftest import RETURN, Browser, link_for

PERSON = {
    "given_name": "Jenny",
    "surname": "Rosen",
    "email": "jenny@example.com",
    "phone": "0000000000",
    "date_of_birth[day]": "1",
    "date_of_birth[month]": "1",
    "date_of_birth[year]": "1901",
    "address[line1]": "address_full_match",
    "address[city]": "San Francisco",
    "address[state]": "CA",
    "address[postal_code]": "94111",
    "id_numbers[0][type]": "us_ssn_last_4",
    "id_numbers[0][value]": "0000",
}


def us_company(client: stripe.StripeClient) -> stripe.v2.core.Account:
    return client.v2.core.accounts.create(
        {
            "contact_email": "ops@rocketrides.example",
            "identity": {"country": "us", "entity_type": "company"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )


def test_a_company_with_a_representative_and_an_owner_completes(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_company(client)
    browser.get(link_for(client, account.id))
    assert browser.page is not None
    assert browser.page.url.path == "/onboarding/step/business"
    browser.post(
        {
            "identity[business_details][registered_name]": "Rocket Rides Inc",
            "identity[business_details][phone]": "0000000000",
            "identity[business_details][address][line1]": "address_full_match",
            "identity[business_details][address][city]": "San Francisco",
            "identity[business_details][address][state]": "CA",
            "identity[business_details][address][postal_code]": "94111",
            "identity[business_details][id_numbers][0][type]": "us_ein",
            "identity[business_details][id_numbers][0][value]": "000000000",
        }
    )
    assert browser.page.url.path == "/onboarding/step/representative", browser.errors()
    assert "relationship[title]" in browser.names()
    browser.post({**PERSON, "relationship[title]": "CEO", "relationship[executive]": "on"})
    assert browser.page.url.path == "/onboarding/step/people", browser.errors()
    browser.get("/onboarding/person/new?role=owner")
    assert "relationship[percent_ownership]" in browser.names()
    browser.post(
        {**PERSON, "given_name": "Kavya", "relationship[percent_ownership]": "60"},
    )
    assert browser.page.url.path == "/onboarding/step/people", browser.errors()
    assert "Kavya" in browser.page.text
    browser.post({"identity[attestations][persons_provided][owners]": "on"})
    assert browser.page.url.path == "/onboarding/step/profile", browser.errors()
    browser.post(
        {
            "configuration[merchant][mcc]": "5734",
            "defaults[profile][business_url]": "https://accessible.stripe.com",
        }
    )
    assert browser.page.url.path == "/onboarding/step/public", browser.errors()
    browser.post({"configuration[merchant][statement_descriptor][descriptor]": "ROCKET RIDES"})
    assert browser.page.url.path == "/onboarding/step/bank", browser.errors()
    browser.post(
        {
            "external_account[account_holder_name]": "Rocket Rides Inc",
            "external_account[routing_number]": "110000000",
            "external_account[account_number]": "000123456789",
        }
    )
    assert browser.page.url.path == "/onboarding/step/review", browser.errors()
    done = browser.post({"tos": "on"}, action="submit")
    assert done.headers["location"] == RETURN

    people = client.v2.core.accounts.persons.list(account.id)
    roles = sorted(
        ("representative" if p.relationship.representative else "owner", p.given_name)
        for p in people.data
    )
    assert roles == [("owner", "Kavya"), ("representative", "Jenny")]
    stored = client.v2.core.accounts.retrieve(
        account.id, {"include": ["identity", "configuration.merchant"]}
    )
    assert stored.identity.business_details.registered_name == "Rocket Rides Inc"
    assert stored.configuration.merchant.mcc == "5734"
    assert stored.configuration.merchant.statement_descriptor.descriptor == "ROCKET RIDES"
    assert stored.identity.attestations.persons_provided.owners is True


def test_a_person_can_be_removed_from_the_people_step(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_company(client)
    owner = client.v2.core.accounts.persons.create(
        account.id, {"given_name": "Temp", "relationship": {"owner": True}}
    )
    browser.get(link_for(client, account.id))
    page = browser.get("/onboarding/step/people")
    assert "Temp" in page.text
    browser.post({}, action="delete", path=f"/onboarding/person/{owner.id}/delete")
    assert browser.page is not None and "Temp" not in browser.page.text
    assert client.v2.core.accounts.persons.list(account.id).data == []


def company_with_owners(
    client: stripe.StripeClient, country: str, owners: list[dict[str, object]]
) -> stripe.v2.core.Account:
    account = client.v2.core.accounts.create(
        {
            "contact_email": "ops@example.com",
            "identity": {"country": country, "entity_type": "company"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        }
    )
    for owner in owners:
        client.v2.core.accounts.persons.create(
            account.id,
            {**owner, "relationship": {"owner": True}},  # type: ignore[typeddict-item]
        )
    return account


def test_the_documents_page_of_several_people_is_titled_documents(
    client: stripe.StripeClient, browser: Browser
) -> None:
    """With a section per person, the page's <title> showed the raw "Documents for %(name)s"."""
    owners = [
        {"given_name": "Camille", "surname": "Durand"},
        {"given_name": "Léa", "surname": "Martin"},
    ]
    account = company_with_owners(client, "fr", owners)
    browser.get(link_for(client, account.id))
    page = browser.get("/onboarding/step/documents")
    assert page.status_code == 200 and "/onboarding/step/documents" in str(page.url)
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title == "Documents"
    assert "Documents for Camille Durand" in page.text and "Documents for Léa Martin" in page.text


def test_a_japanese_person_is_named_by_the_kanji_name(
    client: stripe.StripeClient, browser: Browser
) -> None:
    """A Japanese person has no given_name / surname, only kanji and kana names: the people
    page, the documents step and the review showed them with no name at all."""
    names = {"kanji": {"surname": "山田", "given_name": "太郎"}}
    names["kana"] = {"surname": "ヤマダ", "given_name": "タロウ"}
    account = company_with_owners(client, "jp", [{"script_names": names}])
    browser.get(link_for(client, account.id))
    people = browser.get("/onboarding/step/people")
    assert '<span class="name">山田 太郎</span>' in people.text
    review = browser.get("/onboarding/step/review")
    assert "山田 太郎" in review.text
