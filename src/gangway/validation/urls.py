"""Web addresses: the one validator for every URL Gangway stores, redirects to or posts to.

Why a parser, and why WHATWG's: a browser follows an Account Link's ``refresh_url`` and
``return_url`` and reads the hosted page's Content-Security-Policy, so a URL must mean here what
it means to a browser. ``ada-url`` is the WHATWG URL Standard's parser (the one Node.js ships);
Python's ``urlsplit`` splits text without validating it, which is how
``https://a.example;frame-ancestors *;...@b.example/`` once passed for a URL with host
``a.example;frame-ancestors *;...``. The standard alone is too forgiving for a value a platform
hands us, so on top of it this module refuses what a browser would silently rewrite or read
differently from the text: whitespace and control characters (WHATWG strips tabs and newlines),
backslashes (read as ``/``), characters RFC 3986 does not allow unencoded, encoded control
characters (``%00``), a user name or password, a host not written the way the parser serialises
it (``0x7f.1``, ``exa%6Dple.com``, full-width dots), a host that is not a DNS name of letters,
digits and hyphens (RFC 1123, the only hosts a CSP source can name), an invalid IDNA A-label,
and a port outside 1 to 65535.

Each use has its own policy (``Use``): where the URL sends a browser or an event it must be
ASCII (a Unicode host must be given in its ``xn--`` form: homoglyphs stay visible), an Account
Link may not name an IPv6 address (a CSP ``form-action`` source cannot), and live mode takes
only ``https``. A business's website is data about the business that a person types in the
hosted form: Unicode is accepted there (checked by IDNA 2008), but it needs a public-style host.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from typing import Literal

import ada_url
import idna

from gangway.validation._common import bad_characters, fail, require_text, shown

__all__ = ["URL_MAX_LENGTH", "Use", "WebUrl", "origin_of", "web_url"]

#: Stripe's limit for every URL param (``business_url``, ``refresh_url``, ``return_url``,
#: ``webhook_endpoint.url``): the 5000 characters of any v2 string.
URL_MAX_LENGTH = 5000

Use = Literal["link", "destination", "business"]
"""``link``: an Account Link's ``refresh_url`` / ``return_url``; ``destination``: an event
destination's ``webhook_endpoint.url``; ``business``: a business's website
(``defaults.profile.business_url``, ``configuration.merchant.support.url``)."""

# RFC 3986's unreserved and reserved characters; "%" only as the start of a %HH escape.
_URI_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_HOST_LABEL_CHARACTERS = frozenset(string.ascii_lowercase + string.digits + "-")
_HEX = frozenset(string.hexdigits)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PARTS = ("username", "password", "hostname", "host_type")


@dataclass(frozen=True)
class WebUrl:
    """A checked URL: ``text`` as given (surrounding space stripped) and its parsed parts."""

    text: str
    scheme: str  # "http" or "https"
    host: str  # ASCII, lower case; an IPv6 address in brackets
    port: int | None  # None for the scheme's default port

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``, serialised from the checked parts, never from the text."""
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.scheme}://{self.host}{port}"


def web_url(value: object, *, use: Use, https_only: bool = False) -> WebUrl:
    """``value`` checked for ``use`` -> its parts; raises ``FieldInvalid`` (``url_invalid``)
    with a message that says what is wrong. ``https_only`` (live mode) refuses ``http``."""
    text = require_text(value, "url_invalid", "A URL")
    if not text:
        fail("url_invalid", "The URL is empty.")
    if len(text) > URL_MAX_LENGTH:
        fail(
            "url_invalid",
            f"The URL is {len(text)} characters long; the limit is {URL_MAX_LENGTH}.",
            max_length=URL_MAX_LENGTH,
        )
    scheme = _scheme(text, https_only=https_only)
    _check_characters(text, unicode=use == "business")
    try:
        parsed = ada_url.parse_url(text, attributes=_PARTS)
    except ValueError:
        fail("url_invalid", f"The URL {shown(text)} could not be parsed as a web address.")
    authority = text[len(scheme) + 3 :]
    for end in "/?#":
        authority = authority.split(end, 1)[0]
    if "@" in authority or parsed["username"] or parsed["password"]:
        fail(
            "url_invalid",
            f"The URL {shown(text)} contains a user name or password ('user@'); "
            "remove everything before the host.",
        )
    written_host, port = _split_port(text, authority)
    host = _host(text, written_host, str(parsed["hostname"]), parsed["host_type"], use)
    return WebUrl(text=text, scheme=scheme, host=host, port=_port(text, port, scheme))


@functools.lru_cache(maxsize=1024)
def origin_of(value: str | None) -> str | None:
    """The origin a CSP ``form-action`` may name for an Account Link URL, or ``None`` when
    there is none or it does not pass the link check (a link stored before that check).
    Cached: every page of a session asks again for the same two URLs."""
    if not value:
        return None
    try:
        return web_url(value, use="link").origin
    except ValueError:
        return None


def _check_characters(text: str, *, unicode: bool) -> None:
    """Everything a browser would strip, rewrite or read as a delimiter, named precisely."""
    if not (text.isascii() and set(text) <= _URI_CHARACTERS):
        _explain_characters(text, unicode=unicode)
    start = text.find("%")
    while start != -1:
        escape = text[start + 1 : start + 3]
        if len(escape) < 2 or not set(escape) <= _HEX:
            fail("url_invalid", f"The URL {shown(text)} has a '%' that is not a %XX escape.")
        if int(escape, 16) < 0x20 or int(escape, 16) == 0x7F:
            fail("url_invalid", f"The URL {shown(text)} encodes a control character (%{escape}).")
        start = text.find("%", start + 3)


def _explain_characters(text: str, *, unicode: bool) -> None:
    """The slow path, for text with a character outside RFC 3986's: fail with the reason, or
    return for the Unicode a business URL may hold."""
    bad = bad_characters(text)
    if bad:
        names = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
        fail("url_invalid", f"The URL contains control or invisible characters ({names}).")
    blanks = [c for c in text if c.isspace()]
    if blanks:
        names = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(blanks))
        fail("url_invalid", f"The URL contains spaces ({names}); encode a space as %20.")
    if "\\" in text:
        fail("url_invalid", f"The URL {shown(text)} contains a backslash; use '/'.")
    for char in text:
        if char in _URI_CHARACTERS or (unicode and not char.isascii()):
            continue
        if char.isascii():
            fail(
                "url_invalid",
                f"The URL {shown(text)} contains {char!r}, which a URL cannot hold unencoded.",
            )
        fail(
            "url_invalid",
            f"The URL {shown(text)} contains non-ASCII characters: give the host in its "
            f"IDNA form{_ascii_hint(text)} and percent-encode the rest.",
        )


def _ascii_hint(text: str) -> str:
    """`` ('xn--bcher-kva.de')``: the form a browser would turn a Unicode host into."""
    try:
        host = str(ada_url.parse_url(text, attributes=("hostname",))["hostname"])
    except ValueError:
        return " (xn--...)"
    return f" ({shown(host)})" if host.isascii() and host else " (xn--...)"


def _scheme(text: str, *, https_only: bool) -> str:
    scheme, sep, _rest = text.partition("://")
    scheme = scheme.lower()
    allowed = ("https",) if https_only else ("http", "https")
    if not sep or scheme not in allowed:
        wanted = "https:// (live mode allows only HTTPS)" if https_only else "http:// or https://"
        fail("url_invalid", f"The URL {shown(text)} must start with {wanted}.")
    return scheme


def _split_port(text: str, authority: str) -> tuple[str, str | None]:
    if authority.startswith("["):
        host, bracket, rest = authority.partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            fail("url_invalid", f"The URL {shown(text)} has a malformed IPv6 address.")
        return host + "]", rest[1:] if rest else None
    host, colon, port = authority.rpartition(":")
    return (host, port) if colon else (authority, None)


def _port(text: str, written: str | None, scheme: str) -> int | None:
    if written is None:
        return None
    if not written.isascii() or not written.isdigit() or not 1 <= int(written) <= 65535:
        fail(
            "url_invalid",
            f"The URL {shown(text)} has the port {written!r}; a port is a number from 1 to 65535.",
        )
    port = int(written)
    return None if port == _DEFAULT_PORTS[scheme] else port


def _host(text: str, written: str, parsed: str, kind: ada_url.HostType, use: Use) -> str:
    """The host as the parser serialises it, when it is written that way and is a name, an
    IPv4 address or (not for links) an IPv6 address."""
    if not written:
        fail("url_invalid", f"The URL {shown(text)} has no host.")
    if kind == ada_url.HostType.IPV6:
        if use == "link":
            fail(
                "url_invalid",
                f"The URL {shown(text)} names an IPv6 address, which the hosted form's "
                "Content-Security-Policy cannot allow; use a host name.",
            )
        return parsed
    as_written = written.lower()
    if not as_written.isascii():
        as_written = _to_ascii(text, as_written)
    if as_written != parsed:
        fail(
            "url_invalid",
            f"The URL {shown(text)} does not write its host in the standard form: a browser "
            f"reads it as {shown(parsed)}.",
        )
    if kind == ada_url.HostType.IPV4:
        return parsed
    _check_name(text, parsed)
    if use == "business" and parsed.rstrip(".").count(".") == 0 and parsed != "localhost":
        fail(
            "url_invalid",
            f"The URL {shown(text)} does not name a valid host such as 'example.com'.",
        )
    return parsed


def _to_ascii(text: str, host: str) -> str:
    """A Unicode host's A-labels, when it is written as IDNA 2008 U-labels: full-width letters
    and dots, which a browser maps to others, are not."""
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
        canonical = idna.decode(ascii_host)
    except idna.IDNAError:
        fail("url_invalid", f"The URL {shown(text)} has a host that is not a valid domain name.")
    if canonical != host:
        fail(
            "url_invalid",
            f"The URL {shown(text)} does not write its host in the standard form: a browser "
            f"reads it as {shown(ascii_host)}.",
        )
    return ascii_host


def _check_name(text: str, host: str) -> None:
    """RFC 1123 labels (CSP's host-char is the same set), and valid A-labels."""
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    for label in labels:
        if (
            not label
            or len(label) > 63
            or not set(label) <= _HOST_LABEL_CHARACTERS
            or label.startswith("-")
            or label.endswith("-")
        ):
            fail(
                "url_invalid",
                f"The URL {shown(text)} has the host {shown(host)}: a host is made of labels of "
                "letters, digits and hyphens, separated by dots.",
            )
        if label.startswith("xn--"):
            try:
                idna.decode(label)
            except idna.IDNAError:
                fail(
                    "url_invalid",
                    f"The URL {shown(text)} has {shown(label)}, which is not a valid IDNA label.",
                )
    if len(name) > 253 or labels[-1].isdigit():
        fail("url_invalid", f"The URL {shown(text)} has the host {shown(host)}, not a valid name.")
