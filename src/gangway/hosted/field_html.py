"""One input's HTML (label, hint, error, control), written in Python rather than a Jinja macro.

A step page has a dozen inputs and a select may list every country: as a macro, the inputs were
most of a page's rendering (an attribute lookup, an escape and a ``Markup`` per value). The markup
is the macro's, byte for byte; every value is escaped here, every text translated with the page's
``gettext``. A select's options are escaped and translated once per locale (``option_lines``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from gangway.hosted import i18n
from gangway.hosted.controls.model import FieldError, Input

__all__ = ["Renderer", "option_lines", "page_gettext"]

Gettext = Callable[..., str]


def page_gettext(locale: str) -> Gettext:
    """``_`` in the templates: a msgid translated, then filled in (``%(name)s``) when given
    variables; the empty msgid is the empty text, not the catalog's header."""
    translations = i18n.translations(locale)

    def gettext(message: str, **variables: Any) -> str:
        text = str(translations.gettext(message)) if message else ""
        return text % variables if variables and "%(" in text else text

    return gettext


class Renderer:
    """Renders inputs for one page: its locale, ``gettext`` and error wording."""

    def __init__(
        self, locale: str, gettext: Gettext, error_message: Callable[[FieldError], str]
    ) -> None:
        self.locale = locale
        self._ = gettext
        self.error_message = error_message

    def __call__(self, item: Input, words: Mapping[str, str]) -> Markup:
        """``words``: the page's "(optional)", "Choose…" and "Error:", translated where the
        extractor finds them (``_macros.html``), once a page."""
        name = escape(item.name)
        invalid = " invalid" if item.error else ""
        if item.kind == "hidden":
            return Markup(f'<input type="hidden" name="{name}" value="{escape(item.value)}">\n')
        if item.kind == "checkbox":
            checked = " checked" if item.checked else ""
            return Markup(
                f'<div class="field check{invalid}">\n'
                f'  <input type="checkbox" id="{name}" name="{name}"{checked}'
                f"{self._described(item, name)}>\n"
                f'  <label for="{name}">{escape(self._(item.label, **item.label_args))}</label>\n'
                f"  {self._messages(item, name, words)}\n"
                "</div>\n"
            )
        if item.kind == "radio":
            described = self._described(item, name)
            parts = [f'<div class="field{invalid}">\n  {self._messages(item, name, words)}\n']
            for value, title in item.choices:
                v = escape(value)
                checked = " checked" if value == item.value else ""
                text = escape(title if item.literal_choices else self._(title))
                parts.append(
                    '  <div class="check">\n'
                    f'    <input type="radio" id="{name}-{v}" name="{name}" value="{v}"{checked}'
                    f"{described}>\n"
                    f'    <label for="{name}-{v}">{text}</label>\n'
                    "  </div>\n"
                )
            parts.append("</div>\n")
            return Markup("".join(parts))
        optional = ""
        if not item.required and not item.on_file:
            optional = f' <span class="optional">{escape(words["optional"])}</span>'
        head = (
            f'<div class="field {escape(item.size)}{invalid}">\n'
            f'  <label for="{name}">{escape(self._(item.label, **item.label_args))}{optional}'
            "</label>\n"
            f"  {self._messages(item, name, words)}\n"
        )
        return Markup(head + self._control(item, name, words) + "</div>\n")

    def _control(self, item: Input, name: str, words: Mapping[str, str]) -> str:
        described = self._described(item, name)
        autocomplete = f' autocomplete="{escape(item.autocomplete)}"' if item.autocomplete else ""
        maxlength = f' maxlength="{escape(item.maxlength)}"' if item.maxlength else ""
        if item.kind == "select":
            lines = [
                f'  <select id="{name}" name="{name}"{autocomplete}{described}>\n',
                f'    <option value="">{escape(words["choose"])}</option>\n',
            ]
            if item.choices:
                lines.append(f"    {self.options(item)}\n")
            lines.append("  </select>\n")
            return "".join(lines)
        if item.kind == "textarea":
            return (
                f'  <textarea id="{name}" name="{name}" rows="3"{maxlength}{described}>'
                f"{escape(item.value)}</textarea>\n"
            )
        if item.kind == "file":
            return (
                f'  <input type="file" id="{name}" name="{name}" '
                f'accept="image/jpeg,image/png,application/pdf"{described}>\n'
            )
        inputmode = f' inputmode="{escape(item.inputmode)}"' if item.inputmode else ""
        return (
            f'  <input type="{escape(item.kind)}" id="{name}" name="{name}" '
            f'value="{escape(item.value)}"{maxlength}{autocomplete}{inputmode}{described}>\n'
        )

    def options(self, item: Input) -> Markup:
        """A select's ``<option>`` lines after its empty one, the current value selected."""
        current = str(item.value).lower()
        lines = option_lines(tuple(item.choices), bool(item.literal_choices), self.locale)
        return Markup(
            "\n    ".join(chosen if value == current else plain for value, plain, chosen in lines)
        )

    def _described(self, item: Input, name: str) -> str:
        ids = []
        if item.hint:
            ids.append(f"{name}-hint")
        if item.error:
            ids.append(f"{name}-error")
        out = f' aria-describedby="{" ".join(ids)}"' if ids else ""
        if item.error:
            out += ' aria-invalid="true"'
        if item.required and item.kind not in ("checkbox", "hidden"):
            out += ' aria-required="true"'
        return out

    def _messages(self, item: Input, name: str, words: Mapping[str, str]) -> str:
        out = ""
        if item.hint:
            hint = escape(self._(item.hint, **item.hint_args))
            out += f'<p class="hint" id="{name}-hint">{hint}</p>'
        if item.error:
            out += (
                f'<p class="error" id="{name}-error"><span class="visually-hidden">'
                f"{escape(words['error'])}</span> {escape(self.error_message(item.error))}</p>"
            )
        return out


@functools.lru_cache(maxsize=256)  # the choice lists are package data: few, and bounded
def option_lines(
    choices: Sequence[tuple[str, str]], literal: bool, locale: str
) -> tuple[tuple[str, str, str], ...]:
    """Each choice as ``(value lower-cased, <option>, <option selected>)``, escaped and
    translated once per locale."""
    gettext = page_gettext(locale)
    lines = []
    for value, title in choices:
        text = escape(title if literal else gettext(title, type=value.upper()))
        opening = f'<option value="{escape(value)}"'
        lines.append(
            (value.lower(), f"{opening}>{text}</option>", f"{opening} selected>{text}</option>")
        )
    return tuple(lines)
