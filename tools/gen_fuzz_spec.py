"""Trim Stripe's published v2 OpenAPI spec to the operations Gangway serves (a dev tool).

Why: the fuzz tier (``tests/fuzz``) generates requests from Stripe's own description of the v2
API rather than from Gangway's contract, so a disagreement between the two shows up as a
failure. The published spec also describes endpoints Gangway does not serve (``/v2/billing``);
this keeps the ``/v2/core`` paths and the schemas they reach, and nothing else.

Source: ``api/openapi-spec/spec3.v2.sdk.json`` of https://github.com/stripe/stripe-cli at commit
``7b3fe48c`` (Apache-2.0, like Gangway). Usage::

    .venv/bin/python tools/gen_fuzz_spec.py --source spec3.v2.sdk.json   # rewrite the vendored copy
    .venv/bin/python tools/gen_fuzz_spec.py --source spec3.v2.sdk.json --check

where the source can be had with
``git -C <stripe-cli clone> show 7b3fe48c:api/openapi-spec/spec3.v2.sdk.json > spec3.v2.sdk.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "fuzz" / "stripe_v2_core_spec.json"
ORIGIN = {
    "repository": "https://github.com/stripe/stripe-cli",
    "commit": "7b3fe48c",
    "path": "api/openapi-spec/spec3.v2.sdk.json",
    "license": "Apache-2.0",
    "trimmed_by": "tools/gen_fuzz_spec.py",
    "note": "Generated file; do not edit. Only the /v2/core paths and what they reference; "
    "error unions are anyOf instead of oneOf, and response properties that are not required "
    "are nullable (see tools/gen_fuzz_spec.py).",
}
SERVED_PREFIX = "/v2/core/"
_REF = "#/components/schemas/"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF):
            yield ref[len(_REF) :]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _any_error(operation: dict[str, Any]) -> dict[str, Any]:
    """Error responses as ``anyOf`` rather than ``oneOf``: a specific envelope
    (``v2.error.not_found``) is also a valid generic one (``v2.error``), so under ``oneOf`` no
    error, Stripe's own included, could ever validate."""
    for response in operation.get("responses", {}).values():
        for media in response.get("content", {}).values():
            schema = media.get("schema", {})
            union = schema.get("oneOf")
            if union and all(str(s.get("$ref", "")).startswith(_REF + "v2.error") for s in union):
                media["schema"] = {"anyOf": union}
    return operation


def _nullable_optionals(schema: Any) -> Any:
    """Response objects with every property not ``required`` marked ``nullable``: v2 responses
    carry every field, ``null`` when unset (as observed, and as the SDK types them: not
    required is ``Optional``), while the published spec only leaves such fields out of
    ``required``. Only component schemas (response objects) are rewritten; request bodies are
    inline in the paths and keep their shape."""
    if isinstance(schema, list):
        return [_nullable_optionals(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _nullable_optionals(value) for key, value in schema.items()}
    properties = out.get("properties")
    if isinstance(properties, dict) and "properties" in schema:
        required = set(out.get("required", ()))
        out["properties"] = {
            name: prop if name in required else {**prop, "nullable": True}
            for name, prop in properties.items()
        }
    return out


def trim(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with only the served paths and the component schemas they reach."""
    paths = {
        p: {method: _any_error(op) for method, op in ops.items()}
        for p, ops in spec["paths"].items()
        if p.startswith(SERVED_PREFIX)
    }
    schemas = spec["components"]["schemas"]
    wanted: set[str] = set()
    pending = list(_refs(paths))
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        pending.extend(_refs(schemas[name]))
    return {
        "openapi": spec["openapi"],
        "info": {**spec["info"], "x-gangway-origin": ORIGIN},
        "servers": [{"url": "http://127.0.0.1:12111/"}],
        "security": spec["security"],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {name: _nullable_optionals(schemas[name]) for name in sorted(wanted)},
            "securitySchemes": spec["components"]["securitySchemes"],
        },
    }


def render(spec: dict[str, Any]) -> str:
    return json.dumps(trim(spec), indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="spec3.v2.sdk.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if the copy is stale")
    args = parser.parse_args(argv)
    text = render(json.loads(args.source.read_text(encoding="utf-8")))
    if args.check:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is stale: run tools/gen_fuzz_spec.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
