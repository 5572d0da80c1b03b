"""How figures are shown per locale (Babel: en, ru, kk); in_language() refuses a missing text."""

from __future__ import annotations

import datetime
import functools
import tomllib
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from kzmig.project import KzmigError

MINUS = "\u2212"  # CLDR's minus for these locales is the hyphen, which a line break may cut off
NBSP = "\u00a0"  # keeps a number and its unit (or a Russian or Kazakh number's groups) together
LOCALES = {"en": "en", "ru": "ru", "kk": "kk"}
TEMPLATES = Path(__file__).parent / "templates"

T = TypeVar("T")


def in_language(texts: Mapping[str, T], lang: str, what: str) -> T:
    """texts[lang]; KzmigError when texts has no entry for lang or its entry is empty."""
    if lang not in texts:
        raise KzmigError(f"no {what} in language {lang!r} (there is: {', '.join(texts)})")
    value = texts[lang]
    if value is None or (isinstance(value, (str, tuple, list, dict)) and not value):
        raise KzmigError(f"the {what} in language {lang!r} is empty")
    return value


def _locale(lang: str) -> str:
    return in_language(LOCALES, lang, "number format")


# CLDR's stand-alone month names; the case forms it lacks: templates/words_<lang>.toml
MONTHS = {lang: [name.lower() if lang == "kk" else name for name in babel_dates.get_month_names(
    "wide", context="stand-alone", locale=locale).values()] for lang, locale in LOCALES.items()}


@functools.cache
def words(lang: str, kind: str = "words") -> dict:
    """templates/<kind>_<lang>.toml (words, page, glossary); KzmigError for another language."""
    in_language(LOCALES, lang, "words of the export")
    return tomllib.loads((TEMPLATES / f"{kind}_{lang}.toml").read_text(encoding="utf-8"))


def month_name(month: int, lang: str) -> str:
    """The name of a month (1-12) as a table shows it; ValueError outside 1-12."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}: a month is 1 to 12")
    return in_language(MONTHS, lang, "month names")[month - 1]


def format_date(value, lang: str) -> str:
    """A date (or a timestamp's day) in the locale's long format; a text stays as it is."""
    if not isinstance(value, datetime.date):
        return str(value)
    return babel_dates.format_date(value, "long", locale=_locale(lang))


def format_datetime(value, lang: str) -> str:
    """A timestamp: its day as format_date, its time in the locale's medium format."""
    if not isinstance(value, datetime.date):
        return str(value)
    return (f"{format_date(value, lang)}, "
            f"{babel_dates.format_time(value, 'medium', locale=_locale(lang))}")


def round_half_away_from_zero(value: float | int | Decimal, decimals: int = 1) -> Decimal:
    """Round for display as the marts' macro round_half_away_from_zero (9 places first)."""
    exact = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
    cleaned = exact.quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return cleaned.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _signed(value, digits: str, signed: bool = False) -> str:
    if value < 0:
        return f"{MINUS}{digits}"
    return f"+{digits}" if signed and value > 0 else digits


def format_integer(value: int | float | Decimal, lang: str) -> str:
    """25399 -> '25,399' (en), '25 399' (ru, kk); an average keeps its decimal."""
    return _signed(value, babel_numbers.format_decimal(
        abs(Decimal(str(value))), format="#,##0.#", locale=_locale(lang)))


def format_decimal(value: Decimal, lang: str) -> str:
    """A rounded decimal without sign, its digits as they are: '46.9' (en), '46,9' (ru, kk)."""
    return babel_numbers.format_decimal(abs(value), format="#,##0.0", locale=_locale(lang),
                                        decimal_quantization=False)


def format_percent(value: float | None, lang: str, signed: bool = False) -> str | None:
    """The locale's percent with one decimal: '86,3 %' (ru); signed: '+46.9%'. None stays."""
    if value is None:
        return None
    locale = _locale(lang)
    rounded = round_half_away_from_zero(value, 1)
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    shown = babel_numbers.format_percent(abs(rounded) / 100, format=pattern, locale=locale)
    return _signed(rounded, shown, signed)


def period_label(year: int, end_month: int, lang: str, case: str = "nominative") -> str:
    """January to end_month of year in a case of words_<lang>.toml: 'January–December 2023'."""
    forms = words(lang)["period"]
    if case not in forms:
        raise KzmigError(f"no {case!r} period label in language {lang!r} (there is: "
                         f"{', '.join(forms)})")
    firsts = forms[case].get("months", MONTHS[lang])
    lasts = forms[case].get("last_months", firsts)  # the month that takes the case ending
    span = lasts[0] if end_month == 1 else f"{firsts[0]}–{lasts[end_month - 1]}"
    return forms[case]["pattern"].format(span=span, year=year)


def people(count: int, lang: str) -> str:
    """'9,344 people' / '9 344 человека' / '9 344 адам': the word in the CLDR plural form."""
    word = words(lang)["people"][Locale.parse(_locale(lang)).plural_form(abs(count))]
    return f"{format_integer(count, lang)}{NBSP}{word}"


def russian_plural(count: int, forms: tuple[str, str, str]) -> str:
    """Russian plural (CLDR): forms for one (1, 21…), few (2–4, 22–24…), many (0, 5–20…)."""
    return forms[("one", "few", "many").index(Locale.parse("ru").plural_form(abs(int(count))))]
