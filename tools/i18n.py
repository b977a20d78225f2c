"""Extract, merge and check the hosted form's message catalogs (a dev tool; the test runs `check`).

Why: every user-facing string of the hosted form goes through gettext, and a string added to a
template but missing from a catalog silently shows in English. This tool keeps
``src/gangway/hosted/locale/`` in step with the sources and says exactly what is missing.

After adding or changing strings under ``src/gangway/hosted/`` (``{{ _("...") }}``,
``{% trans %}`` blocks and ``ngettext``/``pgettext`` in templates; ``_()`` or, for strings
translated later where they are shown, ``N_()`` from ``gangway.hosted.i18n`` in Python)::

    .venv/bin/python tools/i18n.py extract   # sources -> locale/messages.pot
    .venv/bin/python tools/i18n.py update    # messages.pot -> locale/<ll_CC>/LC_MESSAGES/messages.po
    # translate: fill every empty msgstr, review each "#, fuzzy" guess and delete the flag
    .venv/bin/python tools/i18n.py check     # exit 1, listing each problem, until all is done

* ``extract`` reads ``src/gangway/hosted/babel.cfg`` (Python files, Jinja2 templates). The
  template lists files but no line numbers, and is only rewritten when its messages change, so
  unrelated edits cause no churn. A ``{# Translators: ... #}`` comment (``# Translators:`` in
  Python) just before a string reaches the translators as a note.
* ``update`` merges the template into every locale of ``SUPPORTED`` (creating missing catalogs),
  keeping translations. A changed msgid gets the old translation back marked fuzzy (not used at
  run time until reviewed); messages no longer in the sources are dropped.
* ``check`` fails when the template is stale; when a catalog lacks a message, has extra ones,
  fuzzy or obsolete entries; when a msgstr is empty (except in en-US, where English is the
  msgid itself: en-GB spells out every string, changing only what British English says
  differently); and when a translation's ``%(name)s`` placeholders differ from its msgid's.
  A message rendered with variables (``_("...", name=x)``; Jinja2's new-style gettext formats
  every message) is %-formatted, so its literal percent signs must be written ``%%``; check then
  also flags a translation with a lone %.

Adding a locale: add it to ``SUPPORTED`` and ``LANGUAGE_NAMES`` in ``gangway/hosted/i18n.py``,
then ``update`` creates its catalog. Catalogs are loaded from the ``.po`` text at run time:
there is nothing to compile and no ``.mo`` file to commit.
"""

from __future__ import annotations

import argparse
import configparser
import re
import sys
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

import gangway
from gangway.hosted.i18n import (
    DEFAULT,
    DOMAIN,
    LANGUAGE_NAMES,
    LOCALE_DIR,
    SUPPORTED,
    catalog_path,
)

ROOT = Path(__file__).resolve().parents[1]
HOSTED = LOCALE_DIR.parent
CONSOLE = HOSTED.parent / "console"
"""The operator console shares the hosted form's catalogs (one gettext domain, one machinery)."""
MAPPING = HOSTED / "babel.cfg"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
FIX = "run `.venv/bin/python tools/i18n.py extract && .venv/bin/python tools/i18n.py update`"

#: gettext keyword specs as Babel reads them: argument positions, ``(n, "c")`` for a context.
KEYWORDS: Mapping[str, Any] = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
COMMENT_TAGS = ("Translators:",)
_HEADER = "# Messages of Gangway's hosted onboarding form and operator console{}.\n# Written by tools/i18n.py."
# Named directives (``%(name)s``, ``%(count)d``) and bare ``%s``/``%d``; ``%%`` is a literal.
_PLACEHOLDER = re.compile(
    r"%%|%\((?P<name>[^)]*)\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa])"
    r"|%(?P<bare>[sdifr])"
)


# -- extract --------------------------------------------------------------------------------


def read_mapping(path: Path = MAPPING) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """``babel.cfg``'s ``[method: pattern]`` sections as Babel's method and options maps."""
    parser = configparser.RawConfigParser()
    with path.open(encoding="utf-8") as cfg:
        parser.read_file(cfg, str(path))
    method_map: list[tuple[str, str]] = []
    options_map: dict[str, dict[str, str]] = {}
    for section in parser.sections():
        method, _, pattern = (part.strip() for part in section.partition(":"))
        method_map.append((pattern, method))
        options_map[pattern] = dict(parser.items(section))
    return method_map, options_map


def extract(source: Path | None = None) -> Catalog:
    """The template catalog, freshly extracted from ``src/gangway/hosted/`` and
    ``src/gangway/console/`` (in memory).

    ``source`` is another folder laid out the same way, for tests of the extraction itself.
    """
    method_map, options_map = read_mapping()
    catalog = _new_catalog(None)
    for folder in (HOSTED, CONSOLE) if source is None else (source,):
        prefix = _shown(folder)
        found = extract_from_dir(
            folder,
            method_map,
            options_map,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            location = (f"{prefix}/{Path(filename).as_posix()}", lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def write_template() -> bool:
    """Write ``messages.pot`` if its messages changed; True when it did."""
    return _write(TEMPLATE, extract())


# -- update ---------------------------------------------------------------------------------


def update() -> list[Path]:
    """Merge ``messages.pot`` into every supported locale's catalog; the files it rewrote."""
    template = _read(TEMPLATE)
    written = []
    for locale in SUPPORTED:
        path = catalog_path(locale)
        catalog = _read(path) if path.exists() else _new_catalog(locale)
        catalog.update(template)
        catalog.obsolete.clear()  # fuzzy matching has already carried over what is reusable
        if _write(path, catalog):
            written.append(path)
    return written


# -- check ----------------------------------------------------------------------------------


def check() -> list[str]:
    """Every reason the catalogs are not ready to ship; empty when they are."""
    if not TEMPLATE.exists():
        return [f"{_shown(TEMPLATE)} is missing: {FIX}"]
    committed = _read(TEMPLATE)
    stale = _differences(extract(), committed)
    problems = [f"{_shown(TEMPLATE)}: {p}" for p in stale]
    if stale:
        problems.append(f"{_shown(TEMPLATE)} is stale: {FIX}, then translate")
    for locale in SUPPORTED:
        path = catalog_path(locale)
        if not path.exists():
            problems.append(f"{_shown(path)} is missing: {FIX}")
            continue
        problems += [f"{_shown(path)}: {p}" for p in catalog_problems(_read(path), committed)]
    expected = {catalog_path(locale).parents[1].name for locale in SUPPORTED}
    problems += [
        f"{_shown(folder)} is not a locale of SUPPORTED in gangway/hosted/i18n.py"
        for folder in sorted(LOCALE_DIR.iterdir())
        if folder.is_dir() and folder.name not in expected
    ]
    return problems


def catalog_problems(catalog: Catalog, template: Catalog) -> list[str]:
    """What is wrong with one locale's catalog against the template it should follow."""
    problems = []
    expected = {_key(m) for m in _messages(template)}
    present = {_key(m) for m in _messages(catalog)}
    problems += [f"{_describe(k)} is missing; run update" for k in sorted(expected - present)]
    problems += [
        f"{_describe(k)} is not in the template; run update" for k in sorted(present - expected)
    ]
    problems += [
        f"{_describe(k)} is obsolete; run update" for k in map(_key, catalog.obsolete.values())
    ]
    identity_allowed = str(catalog.locale_identifier).replace("_", "-") == DEFAULT
    for message in _messages(catalog):
        name = _describe(_key(message))
        strings = _strings(message)
        if message.fuzzy:
            problems.append(f"{name} is fuzzy: review the translation and remove the flag")
        if not identity_allowed and not all(strings):
            problems.append(f"{name} is not translated")
        problems += [f"{name}: {p}" for p in placeholder_problems(message)]
    return problems


def placeholder_problems(message: Message) -> list[str]:
    """Translations whose %-placeholders differ from the msgid's (a KeyError when rendered)."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    allowed: Counter[str] = Counter()
    for msgid in ids:
        allowed |= placeholders(msgid)
    # A msgid with placeholders or "%%" is %-formatted, so its translation's lone % is an error.
    formatted = bool(allowed) or any("%%" in msgid for msgid in ids)
    problems = []
    for index, string in enumerate(_strings(message)):
        if not string:
            continue
        found = placeholders(string)
        form = f" (plural form {index})" if len(ids) > 1 else ""
        # A plural form may leave the count out ("one file"); it may not invent a name.
        if found != allowed if len(ids) == 1 else bool(found - allowed):
            problems.append(
                f"translation{form} has placeholders {_listed(found)}, the msgid {_listed(allowed)}"
            )
        if formatted and "%" in _PLACEHOLDER.sub("", string):
            problems.append(f"translation{form} has a lone %: write %% for a percent sign")
    return problems


def placeholders(text: str) -> Counter[str]:
    """The %-format placeholders of a string; a lone ``%`` ("25 % or more") is plain text."""
    found: Counter[str] = Counter()
    for match in _PLACEHOLDER.finditer(text):
        if match["name"] is not None:
            found[f"%({match['name']}){match['type']}"] += 1
        elif match["bare"]:
            found[f"%{match['bare']}"] += 1
    return found


# -- helpers --------------------------------------------------------------------------------


def _new_catalog(locale: str | None) -> Catalog:
    where = f" in {locale}" if locale else ""
    return Catalog(
        locale=locale.replace("-", "_") if locale else None,
        domain=DOMAIN,
        header_comment=_HEADER.format(where),
        project="Gangway",
        version=gangway.__version__,
        msgid_bugs_address="the Gangway issue tracker",
        last_translator="Gangway contributors",
        language_team=LANGUAGE_NAMES.get(locale or "", "Gangway contributors"),
        revision_date=datetime.now(UTC) if locale else None,
        fuzzy=False,
    )


def _read(path: Path) -> Catalog:
    locale = None if path.suffix == ".pot" else path.parents[1].name
    with path.open("rb") as po:
        return read_po(po, locale=locale, domain=DOMAIN, abort_invalid=True)


def _write(path: Path, catalog: Catalog) -> bool:
    """Write a catalog unless the file already holds the same messages (headers aside)."""
    if path.exists() and _signature(_read(path)) == _signature(catalog):
        return False
    rendered = BytesIO()
    # No "#| msgid" lines: Babel cannot read them back, they would come back as comments.
    write_po(rendered, catalog, include_lineno=False, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered.getvalue())
    return True


def _differences(fresh: Catalog, committed: Catalog) -> list[str]:
    new, old = _by_key(fresh), _by_key(committed)
    problems = [f"{_describe(k)} is new in the sources" for k in new if k not in old]
    problems += [f"{_describe(k)} is no longer in the sources" for k in old if k not in new]
    problems += [
        f"{_describe(k)} changed (files, flags or translator comments)"
        for k in new
        if k in old and _facts(new[k]) != _facts(old[k])
    ]
    return problems


def _signature(catalog: Catalog) -> list[tuple[Any, ...]]:
    entries = [(*_key(m), _strings(m), *_facts(m), m.user_comments) for m in _messages(catalog)]
    obsolete = [(*_key(m), _strings(m)) for m in catalog.obsolete.values()]
    return [*entries, ("obsolete", *obsolete)]


def _facts(message: Message) -> tuple[Any, ...]:
    files = tuple(sorted({filename for filename, _ in message.locations}))
    return files, tuple(sorted(message.flags)), tuple(message.auto_comments)


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def _by_key(catalog: Catalog) -> dict[tuple[str, str], Message]:
    return {_key(m): m for m in _messages(catalog)}


def _key(message: Message) -> tuple[str, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context or ""


def _strings(message: Message) -> tuple[str, ...]:
    string = message.string
    if isinstance(string, str):
        return (string,)
    return tuple(s or "" for s in string) if string else ("",)


def _describe(key: tuple[str, str]) -> str:
    msgid, context = key
    return f"msgid {msgid!r}" + (f" (context {context!r})" if context else "")


def _listed(found: Counter[str]) -> str:
    return ", ".join(sorted(found.elements())) or "none"


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("command", choices=["extract", "update", "check"])
    command = parser.parse_args(argv).command
    if command == "extract":
        changed = write_template()
        print(f"{_shown(TEMPLATE)}: {'written' if changed else 'up to date'}")
    elif command == "update":
        written = update()
        for path in written:
            print(f"{_shown(path)}: updated")
        if not written:
            print("all catalogs up to date")
    else:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} catalog problem(s)", file=sys.stderr)
            return 1
        print("catalogs complete and in step with the sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
