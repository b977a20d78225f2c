"""URLs that must be refused, and tricky ones that must be accepted, shared by the unit tests of
``gangway.validation.urls``, the Account Link API tests and the hosted CSP test.

Each hostile URL comes with a fragment of the message it must get, so a test shows not only that
it is refused but that the platform is told why.
"""

from __future__ import annotations

#: (url, a fragment of the message) for an Account Link URL in test mode.
HOSTILE: list[tuple[str, str]] = [
    # the finding: a directive smuggled through the host (and userinfo)
    (
        "https://a.example;frame-ancestors *;script-src * 'unsafe-inline';x@b.example/ret",
        "spaces",
    ),
    ("https://a.example;frame-ancestors%20*;x@b.example/ret", "user name or password"),
    ("https://a;b.example/", "letters, digits and hyphens"),
    # whitespace and control characters, raw and encoded
    ("https://a.exa\r\nmple/", "control or invisible characters (U+000D, U+000A)"),
    ("https://a.example/\r\nSet-Cookie: x=1", "control or invisible"),
    ("https://a.example/x\ny", "U+000A"),
    ("https://a.ex\tample/", "U+0009"),
    ("https://a.example/\x00", "U+0000"),
    ("https://a.example/\x7f", "U+007F"),
    ("https://a.example/%00", "encodes a control character (%00)"),
    ("https://a.example/%0d%0aSet-Cookie:x", "encodes a control character (%0d)"),
    ("https://a.example/%7F", "encodes a control character"),
    ("http://a b/", "spaces"),
    ("https://exam ple.com", "spaces"),
    ("https://example.com/a b", "spaces"),
    ("https://example.com/\u00a0x", "spaces"),
    # backslashes, which a browser reads as "/"
    ("https://a.example\\@b.example/", "backslash"),
    ("https://a.example\\b/", "backslash"),
    # userinfo tricks
    ("https://user@a.example/", "user name or password"),
    ("https://user:pass@a.example/", "user name or password"),
    ("https://@a.example/", "user name or password"),
    ("https://a.example@b.example/", "user name or password"),
    ("https://a.example%40b.example/", "could not be parsed"),
    # IPv6 forms (no IPv6 in a link: a CSP source cannot name one)
    ("http://[::1]/", "IPv6"),
    ("http://[::1]:8000/return", "IPv6"),
    ("http://[::1/", "could not be parsed"),
    ("http://[::1]]/", "could not be parsed"),
    ("http://[::1%25eth0]/", "could not be parsed"),
    ("http://[::1]x/", "could not be parsed"),
    # Unicode: homoglyphs, full-width forms, direction overrides, invisible characters
    ("https://\u0430pple.com/", "IDNA form ('xn--pple-43d.com')"),
    ("https://ex\u0430mple.com/", "non-ASCII"),
    ("https://example\u3002com/", "non-ASCII"),
    ("https://\uff45xample.com/", "non-ASCII"),
    ("https://b\u00fccher.de/", "IDNA form ('xn--bcher-kva.de')"),
    ("https://example.com\u202e/", "U+202E"),
    ("https://exam\u200bple.com/", "U+200B"),
    ("https://example.com/caf\u00e9", "percent-encode"),
    # too long
    ("https://example.com/" + "a" * 5000, "the limit is 5000"),
    # other schemes, or no scheme
    ("javascript:alert(1)", "must start with http:// or https://"),
    ("JaVaScRiPt:alert(document.domain)", "must start with http://"),
    ("javascript://example.com/%0aalert(1)", "must start with http://"),
    ("data:text/html,<script>alert(1)</script>", "must start with http://"),
    ("file:///etc/passwd", "must start with http://"),
    ("ftp://example.com/", "must start with http://"),
    ("https:example.com/return", "must start with http://"),
    ("https:/example.com/return", "must start with http://"),
    ("//example.com/return", "must start with http://"),
    ("/return", "must start with http://"),
    # hosts that are missing, malformed, or not written as a browser reads them
    ("https://", "could not be parsed"),
    ("https:///example.com/", "has no host"),
    ("https://-bad-.com/", "letters, digits and hyphens"),
    ("https://example..com/", "letters, digits and hyphens"),
    ("https://" + "a" * 64 + ".com/", "letters, digits and hyphens"),
    ("https://a_b.example/", "letters, digits and hyphens"),
    ("https://*.example/", "letters, digits and hyphens"),
    ("https://a,b.example/", "letters, digits and hyphens"),
    ("https://a'b.example/", "letters, digits and hyphens"),
    ('https://a"b.example/', "cannot hold unencoded"),
    ("https://a<b.example/", "cannot hold unencoded"),
    ("https://example.com/<script>", "cannot hold unencoded"),
    ("https://example.com/?q=`x`", "cannot hold unencoded"),
    ("https://example.com/{x}", "cannot hold unencoded"),
    ("https://exa%6Dple.com/", "standard form: a browser reads it as 'example.com'"),
    ("http://0x7f.1/", "reads it as '127.0.0.1'"),
    ("http://2130706433/", "reads it as '127.0.0.1'"),
    ("http://127.1/", "reads it as '127.0.0.1'"),
    ("https://xn--zz.com/", "not a valid IDNA label"),
    ("https://example.com/%zz", "not a %XX escape"),
    ("https://example.com/%", "not a %XX escape"),
    # ports
    ("https://example.com:0/", "a port is a number from 1 to 65535"),
    ("https://example.com:65536/", "could not be parsed"),
    ("https://example.com:99999/", "could not be parsed"),
    ("https://example.com:-1/", "could not be parsed"),
    ("https://example.com:80a/", "could not be parsed"),
    ("https://example.com:/", "a port is a number"),
    ("https://example.com:443:443/", "could not be parsed"),
]

#: (url, the origin a CSP form-action must name) for URLs that are odd but valid.
TRICKY_VALID: list[tuple[str, str]] = [
    ("https://platform.example/return", "https://platform.example"),
    ("HTTPS://PLATFORM.EXAMPLE/Return", "https://platform.example"),
    ("http://localhost:8000/return", "http://localhost:8000"),
    ("http://127.0.0.1:8000/r?x=1&y=2#top", "http://127.0.0.1:8000"),
    ("https://platform.example:8443/return", "https://platform.example:8443"),
    ("https://platform.example:443/return", "https://platform.example"),
    ("http://platform.example:80/return", "http://platform.example"),
    ("https://xn--bcher-kva.de/r", "https://xn--bcher-kva.de"),
    ("https://platform.example./r", "https://platform.example."),
    ("https://a-b.c-d.example/r", "https://a-b.c-d.example"),
    ("https://platform.example/r;jsessionid=1,2*'x'", "https://platform.example"),
    ("https://platform.example/r?a=%20&b=%E2%9C%93", "https://platform.example"),
    ("https://platform.example/r?next=https://other.example/x@y", "https://platform.example"),
    ("https://platform.example/r#frame-ancestors%20*;", "https://platform.example"),
    ("http://receiver:8000/r", "http://receiver:8000"),
    ("https://1.2.3.4/r", "https://1.2.3.4"),
]
