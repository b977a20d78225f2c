"""hosted/field_html.py: what a visitor's values and the catalogs' texts become in the HTML."""

from __future__ import annotations

from gangway.hosted import field_html, web
from gangway.hosted.controls.model import FieldError, Input

WORDS = {"optional": "(optional)", "choose": "Choose…", "error": "Error:"}


def _render(item: Input, locale: str = "en-US") -> str:
    gettext = field_html.page_gettext(locale)
    renderer = field_html.Renderer(locale, gettext, web.error_text(gettext, locale))
    return str(renderer(item, WORDS))


def test_values_are_escaped_in_attributes_and_text() -> None:
    html = _render(Input("a[b]", "First name", value='"><script>x</script>'))
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    assert "<script>" not in html
    area = _render(Input("a[c]", "Description", kind="textarea", value="</textarea><b>"))
    assert ">&lt;/textarea&gt;&lt;b&gt;</textarea>" in area


def test_the_current_choice_is_selected_whatever_its_case_and_others_are_not() -> None:
    choices = (("CA", "California"), ("NY", "New <York>"))
    html = _render(Input("s", "State", kind="select", value="ny", choices=choices,
                         literal_choices=True))  # fmt: skip
    assert '<option value="NY" selected>New &lt;York&gt;</option>' in html
    assert '<option value="CA">California</option>' in html
    assert html.count(" selected") == 1


def test_an_error_and_a_hint_describe_the_input_and_mark_it_invalid() -> None:
    item = Input("p", "Phone", kind="tel", required=True, hint="For example: %(example)s",
                 hint_args={"example": "<1>"}, error=FieldError("x", "Not a phone number"))  # fmt: skip
    html = _render(item)
    assert 'aria-describedby="p-hint p-error" aria-invalid="true" aria-required="true"' in html
    assert '<p class="hint" id="p-hint">For example: &lt;1&gt;</p>' in html
    assert 'class="field full invalid"' in html and "Not a phone number" in html
    assert "(optional)" not in html


def test_radio_labels_are_translated_unless_literal() -> None:
    item = Input("r", "Politically exposed?", kind="radio", value="no",
                 choices=(("yes", "Yes"), ("no", "No")))  # fmt: skip
    html = _render(item, "fr-FR")
    assert '<input type="radio" id="r-no" name="r" value="no" checked' in html
    assert ">Oui</label>" in html and ">Non</label>" in html
