"""The charts of the release page, drawn at export time into inline SVG.

Each chart is a Vega-Lite specification (built with Vega-Altair) rendered by vl-convert,
which embeds the Vega engine and needs no network, browser or font download: the page
that holds the SVG opens from disk. The data are the rows of the release's tables as the
export read them from the marts (writers.TableData); the one thing computed here is what
drawing needs: rows turned into records, the top countries picked by sorting, and the
sums by country group, which Vega-Lite itself adds up (an aggregate in the specification).
Total and subtotal rows (TableData.levels) are left out: a chart shows items only.

Every chart comes back as a Chart: its SVG root carries role="img", a <title> and a
<desc> (the text alternative), which the page also shows as the figure's caption and a
sentence under it.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

import altair as alt
import vl_convert

from kzmig.export.formatting import format_decimal, format_integer
from kzmig.export.writers import TableData

# The Vega-Lite version of the specifications Altair writes (e.g. "6.4"), for vl-convert.
VEGA_LITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
WIDTH = 560
ARRIVALS_COLOUR = "#1f77b4"
DEPARTURES_COLOUR = "#d62728"
NET_COLOUR = "#2ca02c"
INTERREGIONAL_COLOUR = "#9467bd"
GROUP_COLOURS = ("#1f77b4", "#aec7e8")
TOP_COUNTRIES = 10


@dataclass(frozen=True)
class Chart:
    key: str  # HTML id of the figure
    title: str  # the figure's caption and the SVG's <title>
    description: str  # the text alternative: the SVG's <desc> and a sentence under the chart
    svg: str  # the SVG document, with role="img" and aria-labelledby on its root


def records(data: TableData) -> list[dict]:
    """The item rows of a table as dicts keyed by column key (totals and subtotals left out;
    decimals as floats, which is all a chart needs)."""
    keys = [column.key for column in data.table.columns]
    levels = data.levels or ["item"] * len(data.rows)
    return [
        {key: float(value) if isinstance(value, Decimal) else value
         for key, value in zip(keys, row)}
        for row, level in zip(data.rows, levels) if level == "item"
    ]


def locale(lang: str) -> dict:
    """The number format of the chart axes: the separators kzmig.export.formatting uses for
    the language (en 25,399 and 0.5; ru 25 399 and 0,5 with a no-break space)."""
    return {"decimal": format_decimal(Decimal("0.5"), lang)[1],
            "thousands": format_integer(1000, lang)[1],
            "grouping": [3], "currency": ["", ""], "minus": "\u2212"}


def render_svg(chart: alt.TopLevelMixin, lang: str, key: str, title: str, description: str) -> str:
    """Render an Altair chart to SVG (no network) and make its root an accessible image:
    role="img", aria-labelledby pointing at a <title> and a <desc> inserted first."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VEGA_LITE_VERSION,
                                     format_locale=locale(lang))
    match = re.match(r"\s*(<svg\b[^>]*?)(/?)>", svg)
    if match is None or match.group(2):
        raise ValueError(f"chart {key}: vl-convert returned no <svg> element")
    head = (f'{match.group(1)} role="img" aria-labelledby="{key}-title {key}-desc" '
            'focusable="false">'
            f'<title id="{key}-title">{html.escape(title)}</title>'
            f'<desc id="{key}-desc">{html.escape(description)}</desc>')
    return head + svg[match.end():]


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.configure_view(stroke=None)
            .configure_axis(labelFontSize=12, titleFontSize=12, labelLimit=260)
            .configure_legend(orient="top", title=None, labelFontSize=12, labelLimit=400))


def monthly_flows(data: TableData, labels: dict, lang: str, title: str, description: str,
                  key: str = "chart-monthly") -> Chart:
    """Arrivals and departures of the country by month (external_migration_monthly): two
    lines over the months of the dynamic table."""
    values = []
    for row in records(data):
        month = f"{row['year']:04d}-{row['month']:02d}-01"
        values.append({"month": month, "series": labels["arrivals"], "people": row["arrivals"]})
        values.append({"month": month, "series": labels["departures"], "people": row["departures"]})
    chart = alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
        x=alt.X("month:T", title=None,
                axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 1})),
        y=alt.Y("people:Q", title=labels["people"], axis=alt.Axis(format=",d")),
        color=alt.Color("series:N", sort=[labels["arrivals"], labels["departures"]],
                        scale=alt.Scale(range=[ARRIVALS_COLOUR, DEPARTURES_COLOUR])),
    ).properties(width=WIDTH, height=260)
    return Chart(key, title, description, render_svg(_config(chart), lang, key, title, description))


def ticks(values: list[float], most: int = 6) -> list[float]:
    """At most `most` round tick values (1, 2 or 5 times a power of ten apart) covering
    the values and zero, zero among them: labels that cannot collide, zero labelled."""
    low, high = min([0, *values]), max([0, *values])
    step = 1.0
    while (high - low) / step > most - 1:
        step *= 2.5 if str(step).lstrip("0.")[:1] == "2" else 2
    return [step * index for index in range(math.floor(low / step), math.ceil(high / step) + 1)]


def _paired_bars(rows: list[dict], category: str, series: tuple[tuple[str, str], ...],
                 colours: tuple[str, str], people: str, height_step: int) -> alt.Chart:
    """Horizontal bars of two series (key in the row, label) per category, the categories
    in the rows' order; a withheld or missing value draws no bar."""
    values = [{"category": row[category], "series": label, "people": row[key]}
              for row in rows for key, label in series if isinstance(row[key], (int, float))]
    order = [label for _, label in series]
    axis_values = ticks([value["people"] for value in values])
    return alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("category:N", title=None, sort=[row[category] for row in rows]),
        yOffset=alt.YOffset("series:N", sort=order),
        x=alt.X("people:Q", title=people, axis=alt.Axis(format=",d", values=axis_values),
                scale=alt.Scale(domain=[axis_values[0], axis_values[-1]], nice=False)),
        color=alt.Color("series:N", sort=order, scale=alt.Scale(range=list(colours))),
    ).properties(width=WIDTH - 160, height=alt.Step(height_step))


def net_by_region(data: TableData, labels: dict, lang: str, title: str, description: str,
                  key: str = "chart-regions") -> Chart:
    """Net migration and interregional net of each region (migration_by_region), as
    horizontal bars in the table's order of regions."""
    chart = _paired_bars(records(data), "region_name",
                         (("net_migration", labels["net_migration"]),
                          ("interregional_net", labels["interregional_net"])),
                         (NET_COLOUR, INTERREGIONAL_COLOUR), labels["people"], 9)
    return Chart(key, title, description, render_svg(_config(chart), lang, key, title, description))


def country_groups(data: TableData, labels: dict, lang: str, title: str, description: str,
                   key: str = "chart-cis") -> Chart:
    """Arrivals and departures by country group, CIS and other countries
    (external_migration_by_country): one bar each, split into the groups' shares. Vega-Lite
    sums the countries of a group and normalises the stack."""
    values = []
    for row in records(data):
        values.append({"flow": labels["arrivals"], "group": row["country_group"],
                       "people": row["arrivals"]})
        values.append({"flow": labels["departures"], "group": row["country_group"],
                       "people": row["departures"]})
    groups = list(dict.fromkeys(value["group"] for value in values))  # CIS first, as the table
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("flow:N", title=None, sort=[labels["arrivals"], labels["departures"]]),
        x=alt.X("sum(people):Q", stack="normalize", title=labels["share"],
                axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1])),
        color=alt.Color("group:N", sort=groups, scale=alt.Scale(range=list(GROUP_COLOURS))),
        order=alt.Order("group_order:Q"),
    ).transform_calculate(
        group_order=f"indexof({json.dumps(groups)}, datum.group)",
    ).properties(width=WIDTH - 120, height=alt.Step(36))
    return Chart(key, title, description, render_svg(_config(chart), lang, key, title, description))


def top_countries(data: TableData, labels: dict, lang: str, title: str, description: str,
                  key: str = "chart-countries") -> Chart:
    """Arrivals and departures of the TOP_COUNTRIES countries with the most arrivals
    (external_migration_by_country), most arrivals first."""
    chart = _paired_bars(top_country_rows(data), "country_name",
                         (("arrivals", labels["arrivals"]), ("departures", labels["departures"])),
                         (ARRIVALS_COLOUR, DEPARTURES_COLOUR), labels["people"], 10)
    return Chart(key, title, description, render_svg(_config(chart), lang, key, title, description))


def top_country_rows(data: TableData) -> list[dict]:
    """The TOP_COUNTRIES item rows with the most arrivals (ties: more departures, then code)."""
    return sorted(records(data), key=lambda row: (-row["arrivals"], -row["departures"],
                                                  row["country_code"]))[:TOP_COUNTRIES]


def ethnic_structure(data: TableData, labels: dict, lang: str, title: str, description: str,
                     key: str = "chart-ethnic") -> Chart:
    """The shares of the ethnic groups in arrivals and in departures, % of the total
    (external_migration_by_ethnic_group), in the table's order of groups."""
    rows = records(data)
    values = []
    for row in rows:
        values.append({"group": row["ethnic_group_name"], "series": labels["arrivals"],
                       "share": row["arrivals_share_pct"]})
        values.append({"group": row["ethnic_group_name"], "series": labels["departures"],
                       "share": row["departures_share_pct"]})
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("group:N", title=None, sort=[row["ethnic_group_name"] for row in rows]),
        yOffset=alt.YOffset("series:N", sort=[labels["arrivals"], labels["departures"]]),
        x=alt.X("share:Q", title=labels["percent_of_total"]),
        color=alt.Color("series:N", sort=[labels["arrivals"], labels["departures"]],
                        scale=alt.Scale(range=[ARRIVALS_COLOUR, DEPARTURES_COLOUR])),
    ).properties(width=WIDTH - 160, height=alt.Step(10))
    return Chart(key, title, description, render_svg(_config(chart), lang, key, title, description))
