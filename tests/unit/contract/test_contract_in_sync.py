"""The committed contract files must equal what tools/gen_contract.py derives from the SDK.

An SDK bump (or a hand edit of the JSON) fails here with the command that fixes it. The generator
is loaded from its file because ``tools/`` is not a package.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import gangway
from gangway.contract import load

ROOT = Path(__file__).resolve().parents[3]
REGENERATE = "run `.venv/bin/python tools/gen_contract.py` and commit the result"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_contract", ROOT / "tools" / "gen_contract.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _differences(built: dict[str, Any], committed: dict[str, Any], section: str) -> list[str]:
    names = sorted(set(built[section]) | set(committed[section]))
    changed = [n for n in names if built[section].get(n) != committed[section].get(n)]
    if built["defs"] != committed["defs"]:
        changed.append("(defs)")
    return changed


def test_installed_sdk_is_the_one_the_contract_targets() -> None:
    import stripe

    assert stripe.VERSION == GEN.SDK_VERSION == "16.1.0"


@pytest.mark.parametrize(
    ("path", "builder", "section"),
    [
        (GEN.PARAMS_FILE, GEN.build_params, "params"),
        (GEN.SHAPES_FILE, GEN.build_shapes, "shapes"),
    ],
    ids=["params.json", "shapes.json"],
)
def test_committed_json_equals_regenerated(path: Path, builder: Any, section: str) -> None:
    built = builder()
    text = GEN.dumps(built)
    committed_text = path.read_text("utf-8")
    if text != committed_text:
        committed = json.loads(committed_text)
        changed = _differences(built, committed, section)
        pytest.fail(
            f"{path.relative_to(ROOT)} is out of date with the installed stripe SDK "
            f"(differs in: {', '.join(changed) or 'formatting only'}); {REGENERATE}."
        )


def test_generated_files_carry_the_header() -> None:
    for path in (GEN.PARAMS_FILE, GEN.SHAPES_FILE):
        header = json.loads(path.read_text("utf-8"))["_generated"]
        assert header["source"] == "stripe==16.1.0"
        assert header["generated_by"] == "tools/gen_contract.py"


def test_generation_is_deterministic() -> None:
    assert GEN.dumps(GEN.build_params()) == GEN.dumps(GEN.build_params())


def test_package_data_is_what_the_server_reads() -> None:
    committed = json.loads(GEN.PARAMS_FILE.read_text("utf-8"))
    assert load.params_names() == tuple(sorted(committed["params"]))
    assert load.params_node("AccountCreateParams") == committed["params"]["AccountCreateParams"]


def test_contract_records_the_sdk_facts_the_server_relies_on() -> None:
    params = json.loads(GEN.PARAMS_FILE.read_text("utf-8"))
    shapes = json.loads(GEN.SHAPES_FILE.read_text("utf-8"))

    def field(node: dict[str, Any], *names: str) -> dict[str, Any]:
        for name in names:
            if "$ref" in node:
                node = params["defs"][node["$ref"]]
            node = node["fields"][name]
        return node

    create = params["params"]["AccountCreateParams"]
    update = params["params"]["AccountUpdateParams"]
    relationship = ("identity", "individual", "relationship", "percent_ownership")
    assert field(create, *relationship) == {"type": "decimal_string"}
    assert field(update, "metadata") == {
        "type": "map",
        "values": {"nullable": True, "type": "string"},
    }
    assert field(create, "metadata") == {"type": "map", "values": {"type": "string"}}
    assert field(create, "dashboard") == {"type": "string", "enum": ["express", "full", "none"]}
    amount = ("identity", "business_details", "annual_revenue", "amount")
    assert field(create, *amount) == {"type": "amount"}
    link = params["params"]["AccountLinkCreateParams"]
    assert link["required"] == ["account", "use_case"]
    assert field(link, "use_case", "type")["open_enum"] is True
    assert params["params"]["EventDestinationPingParams"] == {"type": "object", "fields": {}}

    account = shapes["shapes"]["Account"]["fields"]
    assert account["object"] == {"kind": "scalar", "type": "string", "const": "v2.core.account"}
    assert account["metadata"]["kind"] == "map"
    relationship_shape = shapes["shapes"]["AccountPerson"]["fields"]["relationship"]
    if "$ref" in relationship_shape:
        relationship_shape = shapes["defs"][relationship_shape["$ref"]]
    assert relationship_shape["fields"]["percent_ownership"]["type"] == "decimal_string"
    assert "related_object" in shapes["shapes"]["Event:v2.core.account.created"]["fields"]


def test_server_modules_do_not_import_stripe() -> None:
    code = (
        "import sys\n"
        "from gangway.api import query, shape\n"
        "from gangway.contract import coerce, limits, params\n"
        "params.check('AccountCreateParams', {})\n"
        "coerce.coerce('AccountListParams', query.parse_query('limit=1'))\n"
        "limits.max_length('AccountCreateParams', 'display_name')\n"
        "shape.render('Account', {})\n"
        "assert not any(m == 'stripe' or m.startswith('stripe.') for m in sys.modules), 'stripe'\n"
    )
    src = str(Path(gangway.__file__).resolve().parents[1])
    paths = [src, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
