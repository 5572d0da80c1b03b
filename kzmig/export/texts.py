"""The release's words for its readers, one home per language in templates/ (key points,
words, glossary). Nothing here computes a figure."""

from __future__ import annotations

import re
from dataclasses import make_dataclass

import jinja2

from kzmig.export import formatting
from kzmig.export.formatting import TEMPLATES, in_language, words
from kzmig.project import KzmigError

LANGUAGES = ("en", "ru", "kk")


# A row of marts.release_key_points, the regions with a positive interregional net, is_synthetic.
KeyPoints = make_dataclass("KeyPoints", [
    *(name for name in (
        "release_id period_year period_end_month vintage cutoff_at arrivals departures "
        "net_migration arrivals_change_pct departures_change_pct cis_arrivals_share_pct "
        "cis_departures_share_pct internal_migrants internal_migrants_change_pct "
        "regions_with_positive_interregional_net comparison_release_id comparison_period_year "
        "positive_regions").split()),
    ("is_synthetic", bool, False)], frozen=True)


SYNTHETIC_BANNERS = {lang: words(lang)["synthetic_banner"] for lang in LANGUAGES}
SYNTHETIC_NOTES = {lang: words(lang)["synthetic_note"] for lang in LANGUAGES}
GLOSSARY = {  # [[entry]] term, text; a heading has no text
    lang: [(entry["term"], entry.get("text")) for entry in words(lang, "glossary")["entry"]]
    for lang in LANGUAGES}


def synthetic_banner(lang: str) -> str:
    """The banner of a synthetic release; ValueError for a language without one."""
    if lang not in SYNTHETIC_BANNERS:
        raise ValueError(f"no synthetic-data banner in language {lang!r}")
    return SYNTHETIC_BANNERS[lang]


def synthetic_note(lang: str) -> str:
    """The sentence after the banner; ValueError for a language without one."""
    if lang not in SYNTHETIC_NOTES:
        raise ValueError(f"no synthetic-data note in language {lang!r}")
    return SYNTHETIC_NOTES[lang]


def vintage_name(vintage: str, lang: str) -> str:
    """A vintage's name in lang ('ru_plural': with «данные»); KzmigError when unknown."""
    base, _, form = lang.partition("_")
    names = words(base).get(f"vintages_{form}" if form else "vintages", {})
    if vintage not in names:
        raise KzmigError(f"no name for the vintage {vintage!r} in language {lang!r}")
    return names[vintage]


def release_label(release_id: str, lang: str) -> str:
    """A release by its period and vintage: '2022-12-r' -> 'January–December 2022, revised'."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-([pr])", str(release_id))
    if match is None:
        return str(release_id)
    vintage = vintage_name("preliminary" if match[3] == "p" else "revised", lang)
    return f"{formatting.period_label(int(match[1]), int(match[2]), lang)}, {vintage}"


def _environment(lang: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do"])
    not_available = words(lang)["not_available"]
    environment.filters.update(
        integer=lambda value: formatting.format_integer(value, lang),
        people=lambda value: formatting.people(value, lang),
        percent=lambda value: formatting.format_percent(value, lang) or not_available,
        signed=lambda value: formatting.format_percent(value, lang, signed=True) or not_available,
        unsigned=lambda value: formatting.format_percent(abs(value), lang),
        date=lambda value: formatting.format_date(value, lang),
        datetime=lambda value: formatting.format_datetime(value, lang),
        join_last=lambda items: (", ".join(items[:-1]) + words(lang)["last_join"] + items[-1]
                                 if len(items) > 1 else "".join(items)),
        capitalised=lambda text: text[:1].upper() + text[1:],
        plural=lambda count, *forms: formatting.russian_plural(count, forms))
    return environment


def _context(points: KeyPoints, lang: str, built: object) -> dict:
    year, month = points.period_year, points.period_end_month
    return {"p": points, "built": built, "vintage": vintage_name(points.vintage, lang),
            "period": formatting.period_label(year, month, lang),
            "in_period": formatting.period_label(year, month, lang, words(lang)["sentence_case"]),
            "ru_plural": (vintage_name(points.vintage, "ru_plural") if lang == "ru" else ""),
            "nbsp": formatting.NBSP}


def _template(lang: str) -> jinja2.Template:
    in_language({code: code for code in LANGUAGES}, lang, "key points")
    return _environment(lang).get_template(f"key_points_{lang}.md.j2")


def key_points_markdown(points: KeyPoints, lang: str, build_finished_at: object) -> str:
    """The key points as Markdown in lang (a synthetic release's first line: the banner)."""
    text = _template(lang).render(_context(points, lang, build_finished_at))
    if points.is_synthetic:
        text = f"**{synthetic_banner(lang)}** {synthetic_note(lang)}\n\n" + text
    return text


def key_point_sentences(points: KeyPoints, lang: str) -> list[str]:
    """The key points' sentences in lang, one plain string each: the page renders these."""
    module = _template(lang).make_module(_context(points, lang, None))
    return [line.strip() for line in str(module.sentences()).splitlines() if line.strip()]
