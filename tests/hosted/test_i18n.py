"""The hosted form's localisation: negotiation, catalogs, formatting, address layouts, tooling.

The catalog tool is loaded from its file because ``tools/`` is not a package.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, TemplateSyntaxError

from gangway.hosted import i18n
from gangway.hosted.address_layouts import address_layout
from gangway.hosted.i18n import (
    DEFAULT,
    LANGUAGE_NAMES,
    SUPPORTED,
    date_order,
    format_date,
    format_percent_value,
    negotiate,
    translations,
)
from gangway.validation.addresses import address

ROOT = Path(__file__).resolve().parents[2]
RULE_COUNTRIES = sorted(p.stem for p in (ROOT / "src/gangway/requirements/rules").glob("*.yaml"))


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gangway_i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


# -- negotiate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("explicit", "expected"),
    [
        ("fr-FR", "fr-FR"),
        ("FR_fr", "fr-FR"),
        ("fr", "fr-FR"),
        ("en", "en-US"),
        ("en-gb", "en-GB"),
        ("de", "de-DE"),
        ("ja", "ja-JP"),
        ("nl", "nl-NL"),
        ("de-CH", "de-DE"),
        ("fr-CA", "fr-FR"),
        ("es-419", "es-ES"),
        ("en-AU", "en-GB"),  # CLDR: en_AU -> en_001, like en_GB
        ("en-IE", "en-GB"),
        ("en-CA", "en-US"),
    ],
)
def test_an_explicit_locale_wins(explicit: str, expected: str) -> None:
    assert negotiate(explicit, ["it-IT"], "ja-JP") == expected


@pytest.mark.parametrize(
    "garbage", ["", "  ", "klingon", "pt-BR", "../../etc/passwd", "fr-FR;q=1", "x" * 5000, "é"]
)
def test_an_unusable_explicit_locale_falls_through(garbage: str) -> None:
    assert negotiate(garbage, ["it-IT"], "ja") == "it-IT"
    assert negotiate(garbage, [], "ja") == "ja-JP"
    assert negotiate(garbage, [], None) == DEFAULT


@pytest.mark.parametrize(
    ("account_locales", "expected"),
    [
        (["zh-Hant-TW", "de-CH", "fr-FR"], "de-DE"),  # the first usable one, by language
        (["en-GB", "fr-FR"], "en-GB"),
        (["en"], "en-US"),
        (["ja"], "ja-JP"),
        (["es-419", "es-ES"], "es-ES"),
        (["pt-BR", "ko"], "nl-NL"),  # none usable: the browser's choice
        (cast(Sequence[str], [None, 7, "it-IT"]), "it-IT"),
    ],
)
def test_the_account_locales_come_next(account_locales: Sequence[str], expected: str) -> None:
    assert negotiate(None, account_locales, "nl") == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("da, en-gb;q=0.8, en;q=0.7", "en-GB"),
        ("de;q=0.5, nl;q=0.9", "nl-NL"),
        ("ja;q=0.8, fr;q=0.8", "ja-JP"),  # a tie keeps header order
        ("fr;q=0, de;q=0.1", "de-DE"),  # q=0 means "not this"
        ("*, it;q=0.5", "it-IT"),
        ("it;q=abc, es;q=0.2", "es-ES"),  # a malformed q drops that range only
        ("it;q=1.5, es;q=0.2", "es-ES"),
        ("it;q=-1, es;Q=0.200", "es-ES"),
        ("fr-CH;level=1;q=0.9", "fr-FR"),
        ("en-US,en;q=0.9", "en-US"),
        ("", DEFAULT),
        (";;;,,,q=1,=;q", DEFAULT),
        ("\x00\xff\u202e", DEFAULT),
        ("*", DEFAULT),
        ("fr;q=0", DEFAULT),
        ("da, " * 5000 + "fr", DEFAULT),  # past the length cap
    ],
)
def test_accept_language_by_quality(header: str, expected: str) -> None:
    assert negotiate(None, [], header) == expected


def test_without_any_signal_the_default() -> None:
    assert negotiate(None, [], None) == DEFAULT == "en-US"


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.text()),
    st.lists(st.text(), max_size=4),
    st.one_of(st.none(), st.text()),
)
def test_negotiate_never_raises(
    explicit: str | None, locales: list[str], header: str | None
) -> None:
    assert negotiate(explicit, locales, header) in SUPPORTED


# -- catalogs and formatting ----------------------------------------------------------------


def test_every_supported_locale_has_a_name_and_a_catalog() -> None:
    assert set(LANGUAGE_NAMES) == set(SUPPORTED)
    assert LANGUAGE_NAMES["ja-JP"] == "日本語"
    for locale in SUPPORTED:
        assert translations(locale).gettext("Address line 1")


@pytest.mark.parametrize(
    ("locale", "msgid", "expected"),
    [
        ("en-US", "ZIP code", "ZIP code"),
        ("en-GB", "Neighborhood", "Neighbourhood"),
        ("en-GB", "Postal code", "Postcode"),
        ("en-GB", "State", "State"),
        ("fr-FR", "Address line 2", "Complément d'adresse"),
        ("de-DE", "Postal code", "Postleitzahl"),
        ("es-ES", "Province", "Provincia"),
        ("it-IT", "City", "Città"),
        ("nl-NL", "Province", "Provincie"),
        ("ja-JP", "Postal code", "郵便番号"),
        ("ja-JP", "Prefecture", "都道府県"),
        ("ja-JP", "City", "市区町村"),
        ("ja_jp", "Not a msgid at all", "Not a msgid at all"),
    ],
)
def test_translations(locale: str, msgid: str, expected: str) -> None:
    assert translations(locale).gettext(msgid) == expected


def test_translations_refuse_an_unsupported_locale() -> None:
    with pytest.raises(ValueError, match="negotiate"):
        translations("pt-BR")


@pytest.fixture
def scratch_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translations.cache_clear()
    yield tmp_path
    i18n._translations.cache_clear()


def test_fuzzy_translations_are_not_used(scratch_catalogs: Path) -> None:
    catalog = Catalog(locale="fr_FR", domain="messages", fuzzy=False)
    catalog.add("City", "Ville")
    catalog.add("State", "Stade", flags=["fuzzy"])
    path = scratch_catalogs / "fr_FR" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as po:
        write_po(po, catalog)
    french = translations("fr-FR")
    assert french.gettext("City") == "Ville"
    assert french.gettext("State") == "State"
    assert translations("fr-FR") is french  # compiled once


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", ("month", "day", "year")),
        ("en-GB", ("day", "month", "year")),
        ("fr-FR", ("day", "month", "year")),
        ("de-DE", ("day", "month", "year")),
        ("es-ES", ("day", "month", "year")),
        ("it-IT", ("day", "month", "year")),
        ("nl-NL", ("day", "month", "year")),
        ("ja-JP", ("year", "month", "day")),
    ],
)
def test_date_order(locale: str, expected: tuple[str, str, str]) -> None:
    assert date_order(locale) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "March 5, 2024"),
        ("en-GB", "5 March 2024"),
        ("fr-FR", "5 mars 2024"),
        ("de-DE", "5. März 2024"),
        ("ja-JP", "2024年3月5日"),
    ],
)
def test_format_date(locale: str, expected: str) -> None:
    assert format_date(date(2024, 3, 5), locale) == expected


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        ("25.5", "fr-FR", "25,5\u00a0%"),
        ("25.5", "ja-JP", "25.5%"),
        ("25.5", "en-US", "25.5%"),
        (Decimal("100"), "de-DE", "100\u00a0%"),
        (" 33.3333 ", "fr-FR", "33,3333\u00a0%"),  # a stake is never rounded
        ("0.01", "ja-JP", "0.01%"),
    ],
)
def test_format_percent_value(value: str | Decimal, locale: str, expected: str) -> None:
    assert format_percent_value(value, locale) == expected


@pytest.mark.parametrize("value", ["", "abc", "NaN", "Infinity", "25,5"])
def test_format_percent_value_refuses_non_numbers(value: str) -> None:
    with pytest.raises(ValueError):
        format_percent_value(value, "fr-FR")


# -- address layouts ------------------------------------------------------------------------


AUTOCOMPLETE = {
    "address-line1": "line1",
    "address-line2": "line2",
    "address-level2": "city",
    "address-level3": "town",
    "address-level1": "state",
    "postal-code": "postal_code",
}


@functools.cache
def _extracted_msgids() -> frozenset[str]:
    return frozenset(m.id for m in TOOL.extract() if isinstance(m.id, str) and m.id)


def _names(country: str) -> list[str]:
    return [f.name for f in address_layout(country).fields]


def test_us_layout() -> None:
    layout = address_layout("us")
    assert _names("us") == ["line1", "line2", "city", "state", "postal_code"]
    postal, state = layout.field("postal_code"), layout.field("state")
    assert postal is not None and postal.label == "ZIP code" and postal.required
    assert state is not None and state.label == "State" and state.required
    assert ("CA", "California") in state.choices
    assert state.autocomplete == "address-level1"
    assert layout.postal_code_example == "95014"
    assert address_layout(" US ") is layout


def test_gb_layout() -> None:
    layout = address_layout("gb")
    assert layout.field("state") is None
    postal, city = layout.field("postal_code"), layout.field("city")
    assert postal is not None and postal.label == "Postcode"
    assert city is not None and city.label == "Post town" and city.required


def test_jp_layout_is_written_from_the_largest_area_down() -> None:
    layout = address_layout("jp")
    assert _names("jp") == ["postal_code", "state", "city", "town", "line1", "line2"]
    state, town = layout.field("state"), layout.field("town")
    assert state is not None and state.label == "Prefecture"
    assert ("東京都", "Tokyo / 東京都") in state.choices and len(state.choices) == 47
    assert town is not None and town.required and town.autocomplete == "address-level3"


def test_ie_layout() -> None:
    layout = address_layout("ie")
    postal, state = layout.field("postal_code"), layout.field("state")
    assert postal is not None and postal.label == "Eircode"
    assert state is not None and state.label == "County" and not state.required
    assert ("Co. Dublin", "Co. Dublin") in state.choices


def test_ca_layout() -> None:
    state = address_layout("ca").field("state")
    assert state is not None and state.label == "Province"
    assert ("QC", "Québec") in state.choices  # spellings differing in accents: one


@pytest.mark.parametrize("country", ["us", "ca", "au", "jp", "mx", "it", "es", "ie", "br", "in"])
def test_every_state_choice_passes_the_validator_as_sent(country: str) -> None:
    state = address_layout(country).field("state")
    assert state is not None and state.choices
    for value, _ in state.choices:
        assert address({"state": value}, country=country)["state"] == value


@pytest.mark.parametrize("country", RULE_COUNTRIES)
def test_every_rule_country_has_a_sensible_layout(country: str) -> None:
    layout = address_layout(country)
    fields = {f.name: f for f in layout.fields}
    assert len(fields) == len(layout.fields)
    assert set(fields) <= {"line1", "line2", "city", "town", "state", "postal_code"}
    assert fields["line1"].required and not fields["line2"].required
    for f in layout.fields:
        assert AUTOCOMPLETE.get(f.autocomplete) == f.name
        assert f.label in _extracted_msgids(), f"{f.label!r} is not marked for translation"
        assert all(value and name for value, name in f.choices)
    if country not in ("ae", "hk"):  # no postal codes there
        assert "postal_code" in fields
    if country not in ("ae", "sg"):  # an emirate, a city-state
        assert "city" in fields


def test_rule_countries_are_the_41() -> None:
    assert len(RULE_COUNTRIES) == 41


@pytest.mark.parametrize("country", ["", "USA", "u1", "xx", "ZZ"])
def test_unknown_countries_are_refused(country: str) -> None:
    with pytest.raises(ValueError):
        address_layout(country)


# -- catalog tooling ------------------------------------------------------------------------


def test_catalogs_are_complete_and_in_step_with_the_sources() -> None:
    problems = TOOL.check()
    assert problems == [], "\n".join(problems)


def test_jinja_templates_are_extracted_through_babel_cfg(tmp_path: Path) -> None:
    page = tmp_path / "templates" / "steps" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        "{# Translators: the page title #}\n"
        "<h1>{{ _('Verify your identity') }}</h1>\n"
        "{% trans name=person.name %}Hello {{ name }}{% endtrans %}\n"
        "{{ ngettext('%(num)d file', '%(num)d files', n) }}\n"
        "{{ pgettext('month', 'May') }}\n",
        encoding="utf-8",
    )
    (tmp_path / "labels.py").write_text('from gangway.hosted.i18n import N_\nX = N_("Tax ID")\n')
    catalog = TOOL.extract(tmp_path)
    assert {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id} == {
        "Verify your identity",
        "Hello %(name)s",
        "%(num)d file",
        "May",
        "Tax ID",
    }
    title = catalog.get("Verify your identity")
    assert title is not None and title.auto_comments == ["the page title"]
    assert catalog.get("May", context="month") is not None


def test_trans_blocks_are_extracted_as_the_app_looks_them_up(tmp_path: Path) -> None:
    # The whitespace options of the Environment in gangway/hosted/app.py, mirrored in babel.cfg.
    source = "<p>\n  {% trans %}\n  Welcome back, {{ name }}.\n  {% endtrans %}\n</p>\n"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(source, encoding="utf-8")
    extracted = {m.id for m in TOOL.extract(tmp_path) if m.id}
    looked_up: list[str] = []

    def gettext(message: str) -> str:
        looked_up.append(message)
        return message

    env = Environment(extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(gettext, lambda s, p, n: s if n == 1 else p)  # type: ignore[attr-defined]
    env.from_string(source).render(name="Jenny")
    assert looked_up and set(looked_up) == extracted


def test_a_broken_template_fails_extraction(tmp_path: Path) -> None:
    page = tmp_path / "templates" / "broken.html"
    page.parent.mkdir()
    page.write_text("{{ _('Hello') }}{% if %}", encoding="utf-8")
    with pytest.raises(TemplateSyntaxError):
        TOOL.extract(tmp_path)


def _catalog(locale: str, *entries: tuple[Any, Any, list[str]]) -> Catalog:
    catalog = Catalog(locale=locale, fuzzy=False)
    for msgid, string, flags in entries:
        catalog.add(msgid, string, flags=flags)
    return catalog


def test_catalog_problems_are_named() -> None:
    template = _catalog("en_US", ("City", "", []), ("State", "", []), ("Town", "", []))
    french = _catalog("fr_FR", ("City", "Ville", []), ("State", "", []), ("Gone", "Parti", []))
    french.obsolete["Old"] = Message("Old", "Vieux")
    french["Town"] = Message("Town", "Quartier", flags=["fuzzy"])
    problems = TOOL.catalog_problems(french, template)
    assert problems == [
        "msgid 'Gone' is not in the template; run update",
        "msgid 'Old' is obsolete; run update",
        "msgid 'State' is not translated",
        "msgid 'Town' is fuzzy: review the translation and remove the flag",
    ]
    american = _catalog("en_US", ("City", "", []), ("State", "", []), ("Town", "", []))
    assert TOOL.catalog_problems(american, template) == []  # en-US is the msgid itself


@pytest.mark.parametrize(
    ("msgid", "string", "ok"),
    [
        ("Hello %(name)s", "Bonjour %(name)s", True),
        ("Hello %(name)s", "Bonjour %(nom)s", False),
        ("Hello %(name)s", "Bonjour", False),
        ("%(a)s of %(b)s", "%(b)s の %(a)s", True),
        ("25%% or more", "25 %% ou plus", True),
        ("Owns 25% or more", "25% 以上を所有", True),  # a lone % is text, not a placeholder
        ("Ownership (%%)", "Participation (%%)", True),
        ("Ownership (%%)", "Participation (%)", False),  # formatted: "(%)" would crash
        ("%(share)s owned", "%(share)s %", False),
        ("%(count)d owners", "%(count)s propriétaires", False),
        ("Ending in %s", "末尾 %s", True),
        ("Ending in %s", "末尾", False),
        ("Save", "Enregistrer", True),
        (("%(num)d file", "%(num)d files"), ("un fichier", "%(num)d fichiers"), True),
        (("%(num)d file", "%(num)d files"), ("%(count)d fichier", "%(num)d fichiers"), False),
    ],
)
def test_placeholders_must_match(msgid: Any, string: Any, ok: bool) -> None:
    problems = TOOL.placeholder_problems(Message(msgid, string))
    assert (problems == []) is ok, problems
