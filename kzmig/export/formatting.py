"""How figures are shown: rounding for display, numbers and percentages in text.

Formatting only. Every figure arrives computed by the marts; nothing here derives one
figure from another. Rounding is the one rule applied here, as the extract spec asks
("rounded to one decimal, halves away from zero, only when shown").

Every language-keyed text of the export is looked up with in_language(), which refuses
(KzmigError) a language it has no text for, or an empty text, rather than falling back
to another language.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from kzmig.project import KzmigError

MINUS = "\u2212"  # the typographic minus sign of the release's text
NBSP = "\u00a0"  # keeps a number and its unit (or the groups of a Russian or Kazakh number) together

T = TypeVar("T")


def in_language(texts: Mapping[str, T], lang: str, what: str) -> T:
    """texts[lang]: the text (or texts) of one thing in the language `lang`.

    texts: language code ('en', 'ru', 'kk') -> the thing in that language; what: what
    it is, for the error. Raises KzmigError when texts has no entry for lang or its entry
    is empty ('' or an empty sequence): never another language's text instead.
    """
    if lang not in texts:
        raise KzmigError(f"no {what} in language {lang!r} (there is: {', '.join(texts)})")
    value = texts[lang]
    if value is None or (isinstance(value, (str, tuple, list, dict)) and not value):
        raise KzmigError(f"the {what} in language {lang!r} is empty")
    return value


MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    # nominative (titles: "январь–декабрь 2023 года") and prepositional ("в январе–декабре")
    "ru": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
           "сентябрь", "октябрь", "ноябрь", "декабрь"],
    "ru_prepositional": ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле",
                         "августе", "сентябре", "октябре", "ноябре", "декабре"],
    # nominative (titles: "2023 жылғы қаңтар–желтоқсан") and locative ("2023 жылғы
    # қаңтар–желтоқсанда", in the period): the suffix -да/-де/-та/-те follows the last
    # sound of the month (қыркүйек: -те; шілде, сәуір: -де)
    "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
           "қыркүйек", "қазан", "қараша", "желтоқсан"],
    "kk_locative": ["қаңтарда", "ақпанда", "наурызда", "сәуірде", "мамырда", "маусымда",
                    "шілдеде", "тамызда", "қыркүйекте", "қазанда", "қарашада", "желтоқсанда"],
}

# The Babel (CLDR) locale of each language: digits grouped and separated as the locale
# writes them (en 25,399 and 46.9%; ru 25 399 and 46,9 %; kk 25 399 and 46,9%, with
# no-break spaces). The sign stays the release's typographic minus (MINUS): CLDR's minus for
# these locales is the hyphen-minus, which a line break may separate from its number.
LOCALES = {"en": "en", "ru": "ru", "kk": "kk"}


def month_name(month: int, lang: str) -> str:
    """The name of a month (1-12) as a table shows it: 'January', 'январь', 'қаңтар'.
    Raises ValueError for a month outside 1-12, KzmigError for an unknown language."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}: a month is 1 to 12")
    return in_language(MONTHS, lang, "month names")[month - 1]


def format_date(value, lang: str) -> str:
    """A date (or the day of a timestamp) in the locale's long format by Babel: 'January
    31, 2024', '31 января 2024 г.', '2024 ж. 31 қаңтар'."""
    return babel_dates.format_date(value, "long", locale=in_language(LOCALES, lang, "date format"))


def format_datetime(value, lang: str) -> str:
    """A timestamp in the locale's medium format by Babel (no time zone conversion)."""
    return babel_dates.format_datetime(value, "medium", tzinfo=None,
                                       locale=in_language(LOCALES, lang, "date format"))


def round_half_away_from_zero(value: float | int | Decimal, decimals: int = 1) -> Decimal:
    """Round for display, halves away from zero.

    The value first becomes a decimal with 9 places, which removes the binary noise
    of a double (33.75 stored as 33.7499999…) before the rounding: the same two steps
    as the marts' macro round_half_away_from_zero.
    """
    exact = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
    cleaned = exact.quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return cleaned.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _signed(value, digits: str, signed: bool = False) -> str:
    if value < 0:
        return f"{MINUS}{digits}"
    return f"+{digits}" if signed and value > 0 else digits


def format_integer(value: int, lang: str) -> str:
    """25399 -> '25,399' (en) or '25 399' with a no-break space (ru, kk), by Babel; the
    minus sign for negatives. Raises KzmigError for an unknown language."""
    locale = in_language(LOCALES, lang, "number format")
    return _signed(value, babel_numbers.format_decimal(abs(int(value)), locale=locale))


def format_decimal(value: Decimal, lang: str) -> str:
    """A rounded decimal without sign, its digits as they are: '46.9' (en), '46,9' (ru,
    kk), by Babel. Raises KzmigError for an unknown language."""
    locale = in_language(LOCALES, lang, "number format")
    return babel_numbers.format_decimal(abs(value), format="#,##0.0", locale=locale,
                                        decimal_quantization=False)


def format_percent(value: float | None, lang: str, signed: bool = False) -> str | None:
    """The locale's percent format with one decimal (rounded here, halves away from zero):
    '86.3%' (en), '86,3 %' (ru), '86,3%' (kk); with signed=True '+46.9%' / '−33.8%'.
    None stays None."""
    if value is None:
        return None
    locale = in_language(LOCALES, lang, "number format")
    rounded = round_half_away_from_zero(value, 1)
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
    shown = babel_numbers.format_percent(abs(rounded) / 100, format=pattern, locale=locale)
    return _signed(rounded, shown, signed)


# Per language and grammatical case: the names of the first month of a span, of its last
# month (the one that takes the case ending in Kazakh: "қаңтар–желтоқсанда"), and the
# pattern of the label ({span}, {year}; the year and its word joined by a no-break space).
PERIOD_FORMS = {
    "en": {"nominative": (MONTHS["en"], MONTHS["en"], "{span} {year}")},
    "ru": {"nominative": (MONTHS["ru"], MONTHS["ru"], "{span} {year}\u00a0года"),
           "prepositional": (MONTHS["ru_prepositional"], MONTHS["ru_prepositional"],
                             "{span} {year}\u00a0года")},
    "kk": {"nominative": (MONTHS["kk"], MONTHS["kk"], "{year}\u00a0жылғы {span}"),
           "locative": (MONTHS["kk"], MONTHS["kk_locative"], "{year}\u00a0жылғы {span}")},
}


def period_label(year: int, end_month: int, lang: str, case: str = "nominative") -> str:
    """The period January to end_month (1–12) of year, as text.

    en: 'January–December 2023'; ru: 'январь–декабрь 2023 года' (nominative) or
    'январе–декабре 2023 года' (prepositional, after 'в'); kk: '2023 жылғы
    қаңтар–желтоқсан' (nominative: titles) or '2023 жылғы қаңтар–желтоқсанда' (locative:
    "in the period"). A period of January alone names January only. The year and the
    word after it are joined by a no-break space. Raises KzmigError for an unknown
    language or a case the language does not have.
    """
    forms = in_language(PERIOD_FORMS, lang, "period label")
    if case not in forms:
        raise KzmigError(f"no {case!r} period label in language {lang!r} (there is: "
                         f"{', '.join(forms)})")
    firsts, lasts, pattern = forms[case]
    last = lasts[end_month - 1]
    span = last if end_month == 1 else f"{firsts[0]}–{last}"
    return pattern.format(span=span, year=year)


def people(count: int, lang: str) -> str:
    """'9,344 people' / '9 344 человека' / '9 344 адам': the number with the right word
    for it (Kazakh does not inflect a noun after a numeral). Raises KzmigError for an
    unknown language."""
    number = format_integer(count, lang)
    word = in_language({
        "en": "person" if abs(count) == 1 else "people",
        "ru": russian_plural(count, ("человек", "человека", "человек")),
        "kk": "адам",
    }, lang, "word for people")
    return f"{number}{NBSP}{word}"


def russian_plural(count: int, forms: tuple[str, str, str]) -> str:
    """Russian plural: forms for 1 (21, 31…), for 2–4 (22–24…), and for 5–20 and 0."""
    tail = abs(int(count)) % 100
    if 11 <= tail <= 14:
        return forms[2]
    if tail % 10 == 1:
        return forms[0]
    if 2 <= tail % 10 <= 4:
        return forms[1]
    return forms[2]
