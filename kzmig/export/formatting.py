"""How figures are shown: rounding for display, numbers and percentages in text.

Formatting only. Every figure arrives computed by the marts; nothing here derives one
figure from another. Rounding is the one rule applied here, as the extract spec asks
("rounded to one decimal, halves away from zero, only when shown").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"  # the typographic minus sign of the release's text
NBSP = "\u00a0"  # keeps a number and its unit (or the groups of a Russian number) together

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    # nominative (titles: "январь–декабрь 2023 года") and prepositional ("в январе–декабре")
    "ru": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
           "сентябрь", "октябрь", "ноябрь", "декабрь"],
    "ru_prepositional": ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле",
                         "августе", "сентябре", "октябре", "ноябре", "декабре"],
}


def month_name(month: int, lang: str) -> str:
    """The name of a month (1-12) as a table shows it: 'January', 'январь'."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}: a month is 1 to 12")
    return MONTHS[lang][month - 1]


def round_half_away_from_zero(value: float | int | Decimal, decimals: int = 1) -> Decimal:
    """Round for display, halves away from zero.

    The value first becomes a decimal with 9 places, which removes the binary noise
    of a double (33.75 stored as 33.7499999…) before the rounding: the same two steps
    as the marts' macro round_half_away_from_zero.
    """
    exact = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
    cleaned = exact.quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return cleaned.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_integer(value: int, lang: str) -> str:
    """25399 -> '25,399' (en) or '25 399' with a no-break space (ru); minus sign for negatives."""
    digits = f"{abs(int(value)):,}"
    if lang == "ru":
        digits = digits.replace(",", NBSP)
    return f"{MINUS}{digits}" if value < 0 else digits


def format_decimal(value: Decimal, lang: str) -> str:
    """A rounded decimal without sign: '46.9' (en), '46,9' (ru)."""
    text = f"{abs(value):f}"
    return text.replace(".", ",") if lang == "ru" else text


def format_percent(value: float | None, lang: str, signed: bool = False) -> str | None:
    """'86.3%' / '86,3%'; with signed=True '+46.9%' / '−33.8%'. None stays None."""
    if value is None:
        return None
    rounded = round_half_away_from_zero(value, 1)
    sign = ""
    if signed and rounded > 0:
        sign = "+"
    elif rounded < 0:
        sign = MINUS
    return f"{sign}{format_decimal(rounded, lang)}%"


def period_label(year: int, end_month: int, lang: str, case: str = "nominative") -> str:
    """'January–December 2023', 'январь–декабрь 2023 года', 'январе–декабре 2023 года'."""
    if lang == "ru":
        months = MONTHS["ru_prepositional" if case == "prepositional" else "ru"]
        span = months[0] if end_month == 1 else f"{months[0]}–{months[end_month - 1]}"
        return f"{span} {year}{NBSP}года"
    months = MONTHS["en"]
    span = months[0] if end_month == 1 else f"{months[0]}–{months[end_month - 1]}"
    return f"{span} {year}"


def people(count: int, lang: str) -> str:
    """'9,344 people' / '9 344 человека': the number with the right word for it."""
    number = format_integer(count, lang)
    if lang == "ru":
        return f"{number}{NBSP}{russian_plural(count, ('человек', 'человека', 'человек'))}"
    return f"{number}{NBSP}{'person' if abs(count) == 1 else 'people'}"


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
