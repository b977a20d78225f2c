"""The overview: headline counts and four charts (onboarding funnel, upcoming deadlines,
verification outcomes, delivery latency), each an inline SVG with the same numbers as a table.

Every role reads it. The numbers are ``services.insights``'s, for one platform and mode; text is
translated and numbers and dates formatted for the operator's locale here, and the charts
(``console.charts``) escape whatever they are given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import Route

from gangway.console import web
from gangway.console.charts import SERIES_MAX, Series, bar_chart, day_label, histogram, week_label
from gangway.console.guard import Console, Screen
from gangway.hosted import i18n
from gangway.services import insights
from gangway.services.insights import Overview

__all__ = ["routes"]

_FUNNEL = ("created", "link_opened", "details_submitted", "fully_active")
# verified green, failed red, pending amber (the stylesheet's s2, s4, s3)
_OUTCOME_STYLES = {"verified": 2, "failed": 4, "pending": 3}


def routes(console: Console) -> list[Route]:
    return [
        Route(
            "/console/{platform}/{mode}/overview",
            console.page("read")(overview_page),
            methods=["GET"],
        ),
    ]


async def overview_page(screen: Screen) -> Response:
    scope = screen.scope
    assert scope is not None
    rules = screen.console.rules
    real_ms = screen.console.clock.now_ms()

    def gather(uow: Any) -> Overview:
        return insights.overview(
            uow,
            rules,
            scope.platform_id,
            scope.livemode,
            now_ms=screen.now_ms(uow),
            real_ms=real_ms,
        )

    data = await screen.work(gather)
    helpers = web.helpers(screen.locale)
    gettext: Callable[..., str] = helpers["_"]
    number: Callable[[float], str] = helpers["number"]
    locale = i18n.babel_locale(screen.locale)
    weeks = [week_label(start, locale) for start in data.weeks]
    days = [day_label(start, locale) for start in data.deadlines.days]
    return screen.render(
        "overview.html",
        section="overview",
        title="Overview",
        ov=data,
        weeks=weeks,
        days=days,
        funnel_keys=_FUNNEL,
        funnel_labels=_funnel_labels(gettext),
        statuses=insights.STATUSES,
        outcome_labels=_outcome_labels(gettext),
        latency_buckets=_latency_buckets(gettext, number),
        deadline_rows=_deadline_rows(data),
        charts=_charts(data, weeks, days, gettext, number),
        capped=lambda n: n > data.headline.cap,
        cap=data.headline.cap,
        due_cap=insights.DUE_CAP,
    )


def _charts(
    data: Overview,
    weeks: list[str],
    days: list[str],
    _: Callable[..., str],
    number: Callable[[float], str],
) -> dict[str, Markup]:
    labels = _funnel_labels(_)
    funnel = bar_chart(
        chart_id="funnel",
        title=_("Onboarding funnel per week"),
        desc=_(
            "Accounts created each week, and of them how many opened an Account Link, "
            "submitted their details and are fully active now. The table below has the numbers."
        ),
        categories=weeks,
        series=[
            Series(labels[key], [getattr(week, key) for week in data.funnel], style=i)
            for i, key in enumerate(_FUNNEL)
        ],
        number=number,
        no_data=_("No accounts were created in these weeks."),
    )
    outcome_labels = _outcome_labels(_)
    outcomes = bar_chart(
        chart_id="outcomes",
        title=_("Verification outcomes per week"),
        desc=_(
            "Verifications submitted each week, by where they stand now: verified, failed or "
            "pending. The table below has the numbers."
        ),
        categories=weeks,
        series=[
            Series(outcome_labels[s], [w[s] for w in data.outcomes], style=_OUTCOME_STYLES[s])
            for s in insights.STATUSES
        ],
        number=number,
        no_data=_("No verifications were submitted in these weeks."),
        stacked=True,
    )
    deadlines = data.deadlines
    shown = deadlines.capabilities[: SERIES_MAX - 1]
    rest = deadlines.capabilities[SERIES_MAX - 1 :]
    if len(rest) == 1:
        shown, rest = deadlines.capabilities, []
    series = [
        Series(key, [deadlines.counts.get((d, key), 0) for d in range(len(days))]) for key in shown
    ]
    if rest:
        series.append(
            Series(
                _("Other capabilities"),
                [sum(deadlines.counts.get((d, key), 0) for key in rest) for d in range(len(days))],
            )
        )
    deadline_chart = bar_chart(
        chart_id="deadlines",
        title=_("Upcoming deadlines per day, by capability"),
        desc=_(
            "For each of the next 30 days, how many accounts have a capability that turns past "
            "due that day unless the account provides what is currently due. The table below "
            "has the numbers."
        ),
        categories=days,
        series=series,
        number=number,
        no_data=_("No deadlines in the next 30 days."),
        stacked=True,
        label_every=7,
    )
    latency = histogram(
        chart_id="latency",
        title=_("Delivery latency, last 24 hours"),
        desc=_(
            "How long each webhook delivery attempt took to be answered, in buckets of "
            "milliseconds. The table below has the numbers."
        ),
        buckets=_latency_buckets(_, number, short=True),
        counts=data.latency.buckets,
        label=_("Delivery attempts, by milliseconds to answer"),
        number=number,
        no_data=_("No delivery attempts in the last 24 hours."),
    )
    return {
        "funnel": funnel,
        "outcomes": outcomes,
        "deadlines": deadline_chart,
        "latency": latency,
    }


def _funnel_labels(_: Callable[..., str]) -> dict[str, str]:
    return {
        "created": _("Created"),
        "link_opened": _("Link opened"),
        "details_submitted": _("Details submitted"),
        "fully_active": _("Fully active now"),
    }


def _outcome_labels(_: Callable[..., str]) -> dict[str, str]:
    return {"verified": _("Verified"), "failed": _("Failed"), "pending": _("Pending")}


def _latency_buckets(
    _: Callable[..., str], number: Callable[[float], str], *, short: bool = False
) -> list[str]:
    """``< 50 ms`` ... ``≥ 2,500 ms`` (without the unit on the chart's narrow axis)."""
    bounds = insights.LATENCY_BOUNDS
    if short:
        return [f"< {number(bound)}" for bound in bounds] + [f"≥ {number(bounds[-1])}"]
    return [_("< %(ms)s ms", ms=number(bound)) for bound in bounds] + [
        _("≥ %(ms)s ms", ms=number(bounds[-1]))
    ]


def _deadline_rows(data: Overview) -> list[tuple[int, str, int]]:
    """``(day index, capability, accounts)`` for every day and capability with a deadline."""
    return sorted(
        ((day, key, n) for (day, key), n in data.deadlines.counts.items() if n),
        key=lambda row: (row[0], -row[2], row[1]),
    )
