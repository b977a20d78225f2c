"""The bench report's pure parts: ratios, targets met or missed, the table, the JSON, and
reading wrk's and the webhook bench's output. No servers: the report itself is run by hand."""

from __future__ import annotations

import json
import math

from bench.harness import parse_wrk
from bench.report import (
    SCHEMA_VERSION,
    Target,
    delivery_figures_from_json,
    delivery_figures_from_text,
    document,
    format_table,
    ratio,
    rows_from,
)

WRK = """Running 2s test @ http://127.0.0.1:1/
  2 threads and 32 connections
  Latency Distribution
     50%  712.00us
     75%    1.20ms
     90%    2.00ms
     99%    1.05s
  24001 requests in 2.00s, 3.1MB read
  Non-2xx or 3xx responses: 7
Requests/sec:  12000.50
Transfer/sec:      1.55MB
"""


def _api(ceiling: float, plain: float, include: float, create: float, p99: float) -> dict:
    def result(rps: float, p99_ms: float = 5.0) -> dict:
        return {"requests_per_second": rps, "p50_ms": 2.0, "p99_ms": p99_ms, "non_2xx": 0}

    return {
        "ceiling": result(ceiling),
        "retrieve": result(plain),
        "include": result(include),
        "create": result(create, p99),
    }


def _by_name(raw: dict) -> dict:
    return {r.measure.strip(): r for r in rows_from(raw)}


def test_ratio_is_none_without_a_usable_ceiling() -> None:
    assert ratio(30.0, 100.0) == 0.3
    assert ratio(30.0, None) is None
    assert ratio(30.0, 0.0) is None
    assert ratio(float("nan"), 100.0) is None


def test_targets_compare_the_value_or_the_ratio_with_their_bound() -> None:
    assert Target("ratio", ">=", 0.3).met(1.0, 0.3) is True
    assert Target("ratio", ">=", 0.3).met(1.0, 0.29) is False
    assert Target("value", "<", 20).met(20.0, None) is False
    assert Target("value", "<", 20).met(19.9, None) is True
    assert Target("value", "<=", 3).met(3.0, None) is True
    assert Target("value", ">=", 60_000).met(None, None) is None
    assert Target("value", ">=", 60_000).met(float("nan"), None) is None


def test_api_rows_are_judged_against_the_ceiling_and_plain_retrieve() -> None:
    rows = _by_name({"api": _api(50_000, 16_000, 9_000, 6_500, 19.0)})
    assert rows["retrieve account"].ratio == 0.32 and rows["retrieve account"].met is True
    assert rows["retrieve, include=requirements"].met is False  # 18% < 20%
    share = rows["include / plain retrieve"]
    assert share.ceiling == 16_000 and share.met is False  # 56% < 90%
    assert rows["create (fresh Idempotency-Key)"].met is True  # 13% >= 12%
    assert rows["create p99"].met is True and rows["create p50"].met is None


def test_missing_parts_leave_no_rows_and_scale_out_shows_growth() -> None:
    run = {
        "ceiling": {"requests_per_second": 20_000.0},
        "retrieve": {"requests_per_second": 1_000.0},
        "create": {"requests_per_second": 300.0},
        "deliveries": {"per_second": 900.0},
    }
    doubled = {**run, "retrieve": {"requests_per_second": 1_800.0}}
    rows = _by_name({"postgres": {"runs": {"1": run, "2": doubled}}})
    assert "retrieve account" not in rows
    growth = rows["PostgreSQL 2 serve vs 1: retrieve"]
    assert growth.value == 1_800 and growth.ceiling == 1_000 and growth.ratio == 1.8


def test_the_table_has_one_line_per_row_and_says_what_was_missed() -> None:
    raw = {
        "api": _api(50_000, 16_000, 9_000, 6_500, 40.0),
        "engine": {"per_second": 61_000.0},
        "hosted": {"p50_ms": 3.4, "ceiling_p50_ms": 0.5},
    }
    table = format_table(rows_from(raw)).splitlines()
    assert table[0].split(" | ")[0].strip() == "measure"
    assert [c.strip() for c in table[0].split("|")] == [
        "measure", "value", "ceiling", "ratio", "target", "met?"
    ]  # fmt: skip
    assert len(table) == 2 + len(rows_from(raw))
    p99 = next(line for line in table if "create p99" in line)
    assert "40.00 ms" in p99 and "< 20 ms" in p99 and p99.endswith("NO")
    engine = next(line for line in table if "engine" in line)
    assert "61,000 evaluations/s" in engine and engine.endswith("yes")
    hosted = next(line for line in table if "hosted" in line)
    assert "6.80x" in hosted and hosted.endswith("NO")


def test_the_json_document_holds_machine_options_raw_and_rows() -> None:
    raw = {"engine": {"per_second": 10.0}}
    doc = json.loads(json.dumps(document(raw, {"quick": True}, {"nproc": 2, "git_commit": "x"})))
    assert doc["schema"] == SCHEMA_VERSION
    assert doc["machine"]["nproc"] == 2 and doc["options"] == {"quick": True}
    assert doc["raw"] == raw
    assert doc["rows"][0]["measure"].startswith("requirements engine")
    assert doc["rows"][0]["met"] is False


def test_wrk_output_is_read_in_milliseconds() -> None:
    result = parse_wrk("x", WRK)
    assert result.requests_per_second == 12000.5
    assert result.p50_ms == 0.712 and result.p99_ms == 1050.0
    assert result.non_2xx == 7 and result.requests == 24001


def test_delivery_figures_from_the_webhook_bench_text_or_json() -> None:
    text = (
        "\nGangway webhook delivery: SQLite, 1 serve process(es), 2 CPUs, loopback\n\n"
        "ceiling: the worker's HTTP client to the receiver, 64 in flight: 5,165 req/s\n"
        "throughput: 1000 changes x 4 destinations = 4000/4000 deliveries in 2.10 s (commits "
        "took 1.40 s): 1,905 deliveries/s from first commit to last receipt, 37% of the ceiling\n"
        "latency at 100 changes/s for 10 s: 1000/1000 received, commit to receipt p50 1.5 ms, "
        "p99 4.2 ms, max 108.0 ms\n"
    )
    figures = delivery_figures_from_text(text)
    assert (figures["per_second"], figures["p99_ms"], figures["ceiling"]) == (1905, 4.2, 5165)
    assert math.isnan(delivery_figures_from_text("nothing")["per_second"])
    doc = {"ceiling": 5000, "throughput": {"per_second": 4100}, "latency": {"p99_ms": 30}}
    assert delivery_figures_from_json(doc) == {
        "per_second": 4100.0, "p99_ms": 30.0, "ceiling": 5000.0, "source": "json"
    }  # fmt: skip
    assert delivery_figures_from_json({"other": "shape"}) is None
