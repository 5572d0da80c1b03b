"""The page's charts: Vega-Altair rendered to accessible inline SVG by vl-convert."""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

import altair as alt
import vl_convert

from kzmig.export.formatting import MINUS, format_decimal, format_integer, format_percent
from kzmig.export.formatting import month_name
from kzmig.export.writers import TableData

VEGA_LITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])  # e.g. "6.4"
WIDTH = 560
BLUE, RED, GREEN, PURPLE, LIGHT = "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#aec7e8"
TOP_COUNTRIES = 10


@dataclass(frozen=True)
class Chart:
    key: str  # HTML id of the figure
    title: str  # the figure's caption and the SVG's <title>
    description: str  # the text alternative: the SVG's <desc> and a sentence under the chart
    svg: str  # the SVG document, with role="img" and aria-labelledby on its root


def records(data: TableData) -> list[dict]:
    """The item rows of a table as dicts keyed by column key (decimals as floats)."""
    keys = [column.key for column in data.table.columns]
    return [{key: float(value) if isinstance(value, Decimal) else value
             for key, value in zip(keys, row)}
            for index, row in enumerate(data.rows) if data.level(index) == "item"]


def top_country_rows(data: TableData) -> list[dict]:
    """The TOP_COUNTRIES item rows with the most arrivals (ties: more departures, then code)."""
    return sorted(records(data), key=lambda row: (-row["arrivals"], -row["departures"],
                                                  row["country_code"]))[:TOP_COUNTRIES]


def ticks(values: list[float], most: int = 6) -> list[float]:
    """At most `most` round ticks (1, 2 or 5 times a power of ten apart) covering values and 0."""
    low, high = min([0, *values]), max([0, *values])
    step = 1.0
    while (high - low) / step > most - 1:
        step *= 2.5 if str(step).lstrip("0.")[:1] == "2" else 2
    return [step * index for index in range(math.floor(low / step), math.ceil(high / step) + 1)]


def render(chart: alt.TopLevelMixin, lang: str, key: str, title: str, description: str) -> Chart:
    """The chart as an accessible inline SVG, its numbers in the language's format."""
    chart = (chart.configure_view(stroke=None)
             .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=260)
             .configure_legend(orient="top", title=None, labelFontSize=12, labelLimit=400))
    locale = {"decimal": format_decimal(Decimal("0.5"), lang)[1], "minus": MINUS,
              "thousands": format_integer(1000, lang)[1], "grouping": [3], "currency": ["", ""]}
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), VEGA_LITE_VERSION, format_locale=locale)
    match = re.match(r"\s*(<svg\b[^>]*?)(/?)>", svg)
    if match is None or match.group(2):
        raise ValueError(f"chart {key}: vl-convert returned no <svg> element")
    return Chart(key, title, description, (
        f'{match.group(1)} role="img" aria-labelledby="{key}-title {key}-desc" focusable="false">'
        f'<title id="{key}-title">{html.escape(title)}</title>'
        f'<desc id="{key}-desc">{html.escape(description)}</desc>' + svg[match.end():]))


def bars(rows: list[dict], category: str, series: tuple[tuple[str, str], ...],
         colours: list[str], title: str, step: int, share: bool = False) -> alt.Chart:
    """Horizontal bars of two series (key, label) per category; a withheld value draws none."""
    values = [{"category": row[category], "series": label, "value": row[key]}
              for row in rows for key, label in series if isinstance(row[key], (int, float))]
    order, marks = [label for _, label in series], ticks([value["value"] for value in values])
    axis = alt.Axis(format=",d" if not share else ",.0f", values=marks)
    return alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("category:N", title=None, sort=[row[category] for row in rows]),
        yOffset=alt.YOffset("series:N", sort=order),
        x=alt.X("value:Q", title=title, axis=axis,
                scale=alt.Scale(domain=[marks[0], marks[-1]], nice=False)),
        color=alt.Color("series:N", sort=order, scale=alt.Scale(range=colours)),
    ).properties(width=WIDTH - 160, height=alt.Step(step))


def release_charts(points, by_name: dict[str, TableData], lang: str, words: dict,
                   period: str) -> list[Chart]:
    """The five charts of the page from the release's tables (by name) and key points."""
    def title(name: str) -> str:
        return by_name[name].table.title(lang, period)

    flows = (("arrivals", words["arrivals"]), ("departures", words["departures"]))
    months = records(by_name["external_migration_monthly"])
    monthly = [{"month": f"{row['year']:04d}-{row['month']:02d}-01", "series": label,
                "people": row[key]} for row in months for key, label in flows]
    span = [f"{month_name(row['month'], lang)} {row['year']}" for row in months[:1] + months[-1:]]
    countries = by_name["external_migration_by_country"]
    groups = [{"flow": label, "group": row["country_group"], "people": row[key]}
              for row in records(countries) for key, label in flows]
    names = list(dict.fromkeys(value["group"] for value in groups))  # CIS first, as the table
    top = top_country_rows(countries)
    shares = {key: format_percent(value, lang) or words["not_available"] for key, value in
              (("arrivals", points.cis_arrivals_share_pct),
               ("departures", points.cis_departures_share_pct))}
    regions = ", ".join(f"{name} ({format_integer(net, lang)})"
                        for name, net in points.positive_regions) or words["none"]
    ethnic = records(by_name["external_migration_by_ethnic_group"])
    charts = [
        ("chart-monthly", alt.Chart(alt.Data(values=monthly)).mark_line(point=True).encode(
            x=alt.X("month:T", title=None,
                    axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})),
            y=alt.Y("people:Q", title=words["people"], axis=alt.Axis(format=",d")),
            color=alt.Color("series:N", sort=[label for _, label in flows],
                            scale=alt.Scale(range=[BLUE, RED])),
        ).properties(width=WIDTH, height=260), {"first": (span or [""])[0], "last": (
            span or [""])[-1], "table": title("external_migration_monthly")}),
        ("chart-regions", bars(records(by_name["migration_by_region"]), "region_name",
                               (("net_migration", words["net_migration"]),
                                ("interregional_net", words["interregional_net"])),
                               [GREEN, PURPLE], words["people"], 9),
         {"regions": regions, "table": title("migration_by_region")}),
        ("chart-cis", alt.Chart(alt.Data(values=groups)).mark_bar().encode(
            y=alt.Y("flow:N", title=None, sort=[label for _, label in flows]),
            x=alt.X("sum(people):Q", stack="normalize", title=words["share"],
                    axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1])),
            color=alt.Color("group:N", sort=names, scale=alt.Scale(range=[BLUE, LIGHT])),
            order=alt.Order("group_order:Q"),
        ).transform_calculate(group_order=f"indexof({json.dumps(names)}, datum.group)")
         .properties(width=WIDTH - 120, height=alt.Step(36)), shares),
        ("chart-countries", bars(top, "country_name", flows, [BLUE, RED], words["people"], 10),
         {"n": len(top), "countries": ", ".join(row["country_name"] for row in top),
          "table": title("external_migration_by_country")}),
        ("chart-ethnic", bars(ethnic, "ethnic_group_name",
                              (("arrivals_share_pct", words["arrivals"]),
                               ("departures_share_pct", words["departures"])),
                              [BLUE, RED], words["percent_of_total"], 10, share=True),
         {"table": title("external_migration_by_ethnic_group")}),
    ]
    return [render(chart, lang, key,
                   words[key.replace("-", "_")].format(period=period, **values),
                   words[key.replace("chart-", "alt_")].format(**values))
            for key, chart, values in charts]
