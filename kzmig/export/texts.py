"""The words of the release: the key points (Markdown) and the glossary and notes sheet,
in English, Russian and Kazakh (kzmig.export.tables.LANGUAGES).

Every figure in the key points is a column of marts.release_key_points or a row of
marts.migration_by_region_annual (the release's own year); this module only puts them
into sentences, rounding percentages for display.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kzmig.export.formatting import (
    MINUS,
    NBSP,
    format_integer,
    format_percent,
    in_language,
    people,
    period_label,
    russian_plural,
)
from kzmig.project import KzmigError

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class KeyPoints:
    """One row of marts.release_key_points, the comparison release's period, the
    regions with a positive interregional net (name, net), largest first, and whether the
    figures are synthetic (is_synthetic)."""

    release_id: str
    period_year: int
    period_end_month: int
    vintage: str
    cutoff_at: object
    arrivals: int
    departures: int
    net_migration: int
    arrivals_change_pct: float | None
    departures_change_pct: float | None
    cis_arrivals_share_pct: float | None
    cis_departures_share_pct: float | None
    internal_migrants: int
    internal_migrants_change_pct: float | None
    regions_with_positive_interregional_net: int
    comparison_release_id: str | None
    comparison_period_year: int | None
    positive_regions: tuple[tuple[str, int], ...]
    # marts.dim_release.has_synthetic_data of the release: the figures come from the
    # synthetic world (kzmig generate); every output then says so (synthetic_banner)
    is_synthetic: bool = False


def _change_en(subject: str, change: float | None) -> str:
    """'the number of arrivals increased by 46.9%'; subject in lower case."""
    if change is None:
        return f"the change in {subject} is not available (the base is zero)"
    shown = format_percent(change, "en")
    if shown == "0.0%":
        return f"{subject} did not change (0.0%)"
    verb = "increased" if change > 0 else "decreased"
    return f"{subject} {verb} by {shown.lstrip(MINUS)}"


def _change_ru(subject: str, change: float | None) -> str:
    """'число прибывших увеличилось на 46,9%'; the subject starts with 'число'."""
    if change is None:
        genitive = "числа" + subject.removeprefix("число")
        return f"изменение {genitive} — нет данных (база сравнения равна нулю)"
    shown = format_percent(change, "ru")
    if shown == "0,0%":
        return f"{subject} не изменилось (0,0%)"
    verb = "увеличилось" if change > 0 else "уменьшилось"
    return f"{subject} {verb} на{NBSP}{shown.lstrip(MINUS)}"


def _change_kk(subject: str, change: float | None) -> str:
    """'Қазақстанға келгендер саны 46,9%-ға артты'; the subject ends with 'саны'.

    The case ending after a percentage follows the word 'пайыз' it is read as: -ға."""
    if not subject.endswith("саны"):
        raise ValueError(f"a Kazakh subject of a change ends with 'саны': {subject!r}")
    if change is None:
        return f"{subject}ның өзгерісі келтірілмейді (салыстыру базасы нөлге тең)"
    shown = format_percent(change, "kk")
    if shown == "0,0%":
        return f"{subject} өзгерген жоқ (0,0%)"
    verb = "артты" if change > 0 else "азайды"
    return f"{subject} {shown.lstrip(MINUS)}-ға {verb}"


def _share(value: float | None, lang: str) -> str:
    shown = format_percent(value, lang)
    if shown is None:
        return in_language(NOT_AVAILABLE, lang, "words for not available")
    return shown


def _signed(value: float | None, lang: str) -> str:
    shown = format_percent(value, lang, signed=True)
    if shown is None:
        return in_language(NOT_AVAILABLE, lang, "words for not available")
    return shown


NOT_AVAILABLE = {"en": "not available", "ru": "нет данных", "kk": "деректер жоқ"}

# The vintages' names by language ('ru_plural': with 'данные'; a Kazakh adjective does not
# change with its noun: 'алдын ала деректер', 'алдын ала шығарылым').
VINTAGE_NAMES = {
    "en": {"preliminary": "preliminary", "revised": "revised", "latest": "latest"},
    "ru": {"preliminary": "предварительный", "revised": "уточнённый", "latest": "последний"},
    "ru_plural": {"preliminary": "предварительные", "revised": "уточнённые", "latest": "последние"},
    "kk": {"preliminary": "алдын ала", "revised": "нақтыланған", "latest": "соңғы"},
}


def vintage_name(vintage: str, lang: str) -> str:
    """The name of a vintage ('preliminary', 'revised') in lang (or 'ru_plural').
    Raises KzmigError for an unknown language or vintage."""
    names = in_language(VINTAGE_NAMES, lang, "vintage names")
    if vintage not in names:
        raise KzmigError(f"no name for the vintage {vintage!r} in language {lang!r} "
                         f"(known vintages: {', '.join(names)})")
    return names[vintage]


# The word before the last item of a list: "A, B and C".
LAST_JOIN = {"en": " and ", "ru": " и ", "kk": " және "}


def _join(items: list[str], lang: str) -> str:
    last = in_language(LAST_JOIN, lang, "word joining the last item of a list")
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


# The synthetic mark of a release (KeyPoints.is_synthetic): the banner every output shows
# first, in the release's language, and the sentence that explains it. Real releases show
# neither.
SYNTHETIC_BANNERS = {
    "en": "Synthetic data — not official statistics.",
    "ru": "Синтетические данные — не официальная статистика.",
    "kk": "Синтетикалық деректер — ресми статистика емес.",
}
SYNTHETIC_NOTES = {
    "en": "These figures were computed from made-up coupons of a synthetic world (kzmig generate), "
          "not from the Migration Service's deliveries: never publish or quote them.",
    "ru": "Эти показатели рассчитаны по вымышленным талонам синтетического мира (kzmig generate), "
          "а не по данным Миграционной службы: не публикуйте и не цитируйте их.",
    "kk": "Бұл көрсеткіштер Көші-қон қызметінің деректерінен емес, синтетикалық әлемнің ойдан "
          "шығарылған талондарынан (kzmig generate) есептелген: оларды жарияламаңыз және "
          "дәйексөз ретінде келтірмеңіз.",
}


def _synthetic_text(texts: dict[str, str], lang: str) -> str:
    try:
        return texts[lang]
    except KeyError:
        raise ValueError(f"no synthetic-data banner in language {lang!r}; "
                         f"languages: {', '.join(texts)}") from None


def synthetic_banner(lang: str) -> str:
    """The banner of a synthetic release in `lang` (en, ru or kk), e.g. 'Synthetic data —
    not official statistics.'. Raises ValueError for another language."""
    return _synthetic_text(SYNTHETIC_BANNERS, lang)


def synthetic_note(lang: str) -> str:
    """The sentence after the banner: where the figures come from and that they must never
    be published. Raises ValueError for a language other than en, ru or kk."""
    return _synthetic_text(SYNTHETIC_NOTES, lang)


def key_points_markdown(points: KeyPoints, lang: str, build_finished_at: str,
                        with_banner: bool = True) -> str:
    """The key points of the release as Markdown in lang ('en', 'ru', 'kk'): sentences,
    then the figures as a table, the regions with a positive interregional net, notes. A
    synthetic release's first line is the banner in bold and its note (unless
    with_banner=False: the page, which shows its own). Raises KzmigError for a language
    without key points."""
    write = in_language({"en": _key_points_en, "ru": _key_points_ru, "kk": _key_points_kk},
                        lang, "key points")
    text = write(points, build_finished_at)
    if points.is_synthetic and with_banner:
        text = f"**{synthetic_banner(lang)}** {synthetic_note(lang)}\n\n" + text
    return text


def _key_points_en(p: KeyPoints, built: str) -> str:
    period = period_label(p.period_year, p.period_end_month, "en")
    compared = (f"the same period of {p.comparison_period_year}" if p.comparison_period_year
                else "the same period of the previous year")
    moved = f"{people(p.internal_migrants, 'en')} moved within the country in {period}"
    if p.comparison_release_id is None:
        changes = (f"Changes on {compared} are not available: the warehouse holds no "
                   f"{p.vintage} release for that period.")
        internal = _capitalised(moved) + "."
    else:
        changes = (
            f"Compared with {compared}, "
            f"{_change_en('the number of arrivals in Kazakhstan', p.arrivals_change_pct)} and "
            f"{_change_en('the number of departures from Kazakhstan', p.departures_change_pct)}.")
        internal = (
            f"Compared with {compared}, "
            f"{_change_en('the number of people moving within the country', p.internal_migrants_change_pct)}"
            f": {moved}.")
    cis = _capitalised(
        (f"arrivals from the CIS countries made up {_share(p.cis_arrivals_share_pct, 'en')} "
         "of all arrivals" if p.cis_arrivals_share_pct is not None
         else "there were no arrivals from abroad")
        + ", and "
        + (f"departures to the CIS countries {_share(p.cis_departures_share_pct, 'en')} "
           "of all departures" if p.cis_departures_share_pct is not None
           else "there were no departures abroad")
        + ".")
    count = p.regions_with_positive_interregional_net
    regions = [f"{name} ({people(net, 'en')})" for name, net in p.positive_regions]
    if count == 0:
        interregional = "No region gained population from moves between regions."
    else:
        interregional = (f"Moves between regions left a positive net migration in {count} "
                         f"region{'s' if count != 1 else ''} of the country: "
                         f"{_join(regions, 'en')}.")
    comparison_note = (f": this release with release {p.comparison_release_id}."
                       if p.comparison_release_id else
                       "; no comparison release is held for this period, so changes are not "
                       "available.")
    lines = [
        f"# Migration of the population of the Republic of Kazakhstan, {period}",
        "",
        f"Release {p.release_id} ({p.vintage} figures), data as of {p.cutoff_at}; "
        f"built {built} UTC.",
        "",
        "## Key points",
        "",
        f"- In {period}, {people(p.arrivals, 'en')} arrived in Kazakhstan from abroad and "
        f"{people(p.departures, 'en')} left the country for abroad: a net migration of "
        f"{people(p.net_migration, 'en')}.",
        f"- {changes}",
        f"- {cis}",
        f"- {internal}",
        f"- {interregional}",
        "",
        "## Figures",
        "",
        "| Indicator | Value |",
        "|---|---:|",
        f"| Arrivals in the country, people | {format_integer(p.arrivals, 'en')} |",
        f"| Departures from the country, people | {format_integer(p.departures, 'en')} |",
        f"| Net migration, people | {format_integer(p.net_migration, 'en')} |",
        f"| Arrivals, change on {compared} | {_signed(p.arrivals_change_pct, 'en')} |",
        f"| Departures, change on {compared} | {_signed(p.departures_change_pct, 'en')} |",
        f"| Share of the CIS countries in arrivals | {_share(p.cis_arrivals_share_pct, 'en')} |",
        f"| Share of the CIS countries in departures | {_share(p.cis_departures_share_pct, 'en')} |",
        f"| People moving within the country | {format_integer(p.internal_migrants, 'en')} |",
        f"| People moving within the country, change on {compared} | "
        f"{_signed(p.internal_migrants_change_pct, 'en')} |",
        f"| Regions with a positive interregional net migration | {count} |",
        "",
        "### Regions with a positive interregional net migration",
        "",
        "| Region | Interregional net, people |",
        "|---|---:|",
        *[f"| {name} | {format_integer(net, 'en')} |" for name, net in p.positive_regions],
        "",
        "## Notes",
        "",
        "- Arrivals and departures are those of the country: moves across the border of "
        "Kazakhstan. Moves within the country are counted separately.",
        "- Percentages are rounded to one decimal, halves away from zero. A change compares "
        "figures of the same vintage" + comparison_note,
        "- Region names are those in force at the end of the period.",
        "- The tables of the release are in release.xlsx and in the CSV files; "
        "release.json describes them.",
        "",
    ]
    return "\n".join(lines)


def _key_points_ru(p: KeyPoints, built: str) -> str:
    title_period = period_label(p.period_year, p.period_end_month, "ru")
    in_period = period_label(p.period_year, p.period_end_month, "ru", case="prepositional")
    compared = (f"соответствующим периодом {p.comparison_period_year}{NBSP}года"
                if p.comparison_period_year else "соответствующим периодом предыдущего года")
    vintage = vintage_name(p.vintage, "ru_plural")
    moved = (f"в {in_period} число переехавших внутри страны составило "
             f"{people(p.internal_migrants, 'ru')}")
    if p.comparison_release_id is None:
        changes = (f"Изменения по сравнению с {compared} не приводятся: в хранилище нет "
                   "выпуска той же редакции за этот период.")
        internal = _capitalised(moved) + "."
    else:
        changes = (
            f"По сравнению с {compared} "
            f"{_change_ru('число прибывших в Казахстан', p.arrivals_change_pct)}, "
            f"{_change_ru('число выбывших из Казахстана', p.departures_change_pct)}.")
        internal = (
            f"По сравнению с {compared} "
            f"{_change_ru('число переехавших внутри страны', p.internal_migrants_change_pct)}: "
            f"{moved}.")
    cis = (
        (f"Доля стран СНГ среди всех прибывших в страну составила "
         f"{_share(p.cis_arrivals_share_pct, 'ru')}" if p.cis_arrivals_share_pct is not None
         else "Прибывших из-за рубежа не было")
        + ", "
        + (f"среди всех выбывших из страны — {_share(p.cis_departures_share_pct, 'ru')}"
           if p.cis_departures_share_pct is not None else "выбывших за рубеж не было")
        + ".")
    count = p.regions_with_positive_interregional_net
    regions = [f"{name} ({people(net, 'ru')})" for name, net in p.positive_regions]
    if count == 0:
        interregional = "Ни в одном регионе межрегиональные переезды не дали положительного сальдо."
    else:
        word = russian_plural(count, ("регионе", "регионах", "регионах"))
        interregional = (f"По межрегиональным переездам положительное сальдо миграции сложилось "
                         f"в {count}{NBSP}{word} страны: {_join(regions, 'ru')}.")
    comparison_note = (f": этот выпуск с выпуском {p.comparison_release_id}."
                       if p.comparison_release_id else
                       "; выпуска для сравнения за этот период нет, поэтому изменения не "
                       "приводятся.")
    lines = [
        f"# Миграция населения Республики Казахстан за {title_period}",
        "",
        f"Выпуск {p.release_id} ({vintage} данные), данные на {p.cutoff_at}; "
        f"сборка {built} UTC.",
        "",
        "## Основные итоги",
        "",
        f"- В {in_period} число прибывших в Казахстан из-за рубежа составило "
        f"{people(p.arrivals, 'ru')}, число выбывших из страны за рубеж — "
        f"{people(p.departures, 'ru')}; сальдо миграции — {people(p.net_migration, 'ru')}.",
        f"- {changes}",
        f"- {cis}",
        f"- {internal}",
        f"- {interregional}",
        "",
        "## Показатели",
        "",
        "| Показатель | Значение |",
        "|---|---:|",
        f"| Прибыло в страну, человек | {format_integer(p.arrivals, 'ru')} |",
        f"| Выбыло из страны, человек | {format_integer(p.departures, 'ru')} |",
        f"| Сальдо миграции, человек | {format_integer(p.net_migration, 'ru')} |",
        f"| Прибывшие, изменение по сравнению с {compared} | {_signed(p.arrivals_change_pct, 'ru')} |",
        f"| Выбывшие, изменение по сравнению с {compared} | {_signed(p.departures_change_pct, 'ru')} |",
        f"| Доля стран СНГ среди прибывших | {_share(p.cis_arrivals_share_pct, 'ru')} |",
        f"| Доля стран СНГ среди выбывших | {_share(p.cis_departures_share_pct, 'ru')} |",
        f"| Переехало внутри страны, человек | {format_integer(p.internal_migrants, 'ru')} |",
        f"| Переехавшие внутри страны, изменение по сравнению с {compared} | "
        f"{_signed(p.internal_migrants_change_pct, 'ru')} |",
        f"| Регионов с положительным сальдо межрегиональной миграции | {count} |",
        "",
        "### Регионы с положительным сальдо межрегиональной миграции",
        "",
        "| Регион | Межрегиональное сальдо, человек |",
        "|---|---:|",
        *[f"| {name} | {format_integer(net, 'ru')} |" for name, net in p.positive_regions],
        "",
        "## Примечания",
        "",
        "- Прибывшие и выбывшие — это миграция страны: переезды через границу Казахстана. "
        "Переезды внутри страны учитываются отдельно.",
        "- Проценты округлены до одного знака после запятой, половины — от нуля. Изменение "
        "сравнивает данные одной редакции" + comparison_note,
        "- Названия регионов — действовавшие на конец периода.",
        "- Таблицы выпуска — в файле release.xlsx и в файлах CSV; их описание — в release.json.",
        "",
    ]
    return "\n".join(lines)


def _key_points_kk(p: KeyPoints, built: str) -> str:
    """The key points in Kazakh, the same sections and figures as _key_points_en: the
    period as BNS writes it («2023 жылғы қаңтар–желтоқсан», «…желтоқсанда» for "in the
    period"), numbers with no-break spaces and decimal commas, «9 344 адам»."""
    title_period = period_label(p.period_year, p.period_end_month, "kk")
    in_period = period_label(p.period_year, p.period_end_month, "kk", case="locative")
    # "compared with the same period of 2022": "2022 жылғы сәйкес кезеңмен салыстырғанда"
    compared = (f"{p.comparison_period_year}{NBSP}жылғы сәйкес кезеңмен"
                if p.comparison_period_year else "өткен жылдың сәйкес кезеңімен")
    vintage = vintage_name(p.vintage, "kk")
    moved = f"{in_period} ел ішінде {people(p.internal_migrants, 'kk')} көшті"
    if p.comparison_release_id is None:
        changes = _capitalised(f"{compared} салыстырғандағы өзгерістер келтірілмейді: деректер "
                               "қоймасында осы кезеңге сол редакциядағы шығарылым жоқ.")
        internal = _capitalised(moved) + "."
    else:
        changes = _capitalised(
            f"{compared} салыстырғанда "
            f"{_change_kk('Қазақстанға келгендер саны', p.arrivals_change_pct)}, "
            f"{_change_kk('Қазақстаннан кеткендер саны', p.departures_change_pct)}.")
        internal = _capitalised(
            f"{compared} салыстырғанда "
            f"{_change_kk('ел ішінде көшкендер саны', p.internal_migrants_change_pct)}: "
            f"{moved}.")
    if p.cis_arrivals_share_pct is not None:
        cis = (f"Елге келгендердің жалпы санындағы ТМД елдерінің үлесі "
               f"{_share(p.cis_arrivals_share_pct, 'kk')} болды, ")
        departures_share = "елден кеткендердің жалпы санындағы үлесі"
    else:
        cis = "Шетелден келгендер болған жоқ, "
        departures_share = "елден кеткендердің жалпы санындағы ТМД елдерінің үлесі"
    cis += (f"{departures_share} — {_share(p.cis_departures_share_pct, 'kk')}."
            if p.cis_departures_share_pct is not None else "шетелге кеткендер болған жоқ.")
    count = p.regions_with_positive_interregional_net
    regions = [f"{name} ({people(net, 'kk')})" for name, net in p.positive_regions]
    if count == 0:
        interregional = ("Өңіраралық көші-қон бойынша бірде-бір өңірде оң көші-қон сальдосы "
                         "қалыптаспады.")
    else:
        interregional = (f"Өңіраралық көші-қон бойынша елдің {count}{NBSP}өңірінде оң көші-қон "
                         f"сальдосы қалыптасты: {_join(regions, 'kk')}.")
    comparison_note = (f": осы шығарылым {p.comparison_release_id} шығарылымымен салыстырылады."
                       if p.comparison_release_id else
                       "; осы кезең үшін салыстыратын шығарылым жоқ, сондықтан өзгерістер "
                       "келтірілмейді.")
    lines = [
        f"# Қазақстан Республикасы халқының көші-қоны, {title_period}",
        "",
        f"Шығарылым {p.release_id} ({vintage} деректер), деректер {p.cutoff_at} жағдай "
        f"бойынша; құрастырылды {built} UTC.",
        "",
        "## Негізгі қорытындылар",
        "",
        f"- {in_period} Қазақстанға шетелден {people(p.arrivals, 'kk')} келді, елден шетелге "
        f"{people(p.departures, 'kk')} кетті; көші-қон сальдосы — "
        f"{people(p.net_migration, 'kk')}.",
        f"- {changes}",
        f"- {cis}",
        f"- {internal}",
        f"- {interregional}",
        "",
        "## Көрсеткіштер",
        "",
        "| Көрсеткіш | Мәні |",
        "|---|---:|",
        f"| Елге келгендер, адам | {format_integer(p.arrivals, 'kk')} |",
        f"| Елден кеткендер, адам | {format_integer(p.departures, 'kk')} |",
        f"| Көші-қон сальдосы, адам | {format_integer(p.net_migration, 'kk')} |",
        f"| Келгендер, {compared} салыстырғанда өзгерісі | "
        f"{_signed(p.arrivals_change_pct, 'kk')} |",
        f"| Кеткендер, {compared} салыстырғанда өзгерісі | "
        f"{_signed(p.departures_change_pct, 'kk')} |",
        f"| Келгендер ішіндегі ТМД елдерінің үлесі | {_share(p.cis_arrivals_share_pct, 'kk')} |",
        f"| Кеткендер ішіндегі ТМД елдерінің үлесі | {_share(p.cis_departures_share_pct, 'kk')} |",
        f"| Ел ішінде көшкендер, адам | {format_integer(p.internal_migrants, 'kk')} |",
        f"| Ел ішінде көшкендер, {compared} салыстырғанда өзгерісі | "
        f"{_signed(p.internal_migrants_change_pct, 'kk')} |",
        f"| Оң өңіраралық көші-қон сальдосы бар өңірлер саны | {count} |",
        "",
        "### Оң өңіраралық көші-қон сальдосы бар өңірлер",
        "",
        "| Өңір | Өңіраралық сальдо, адам |",
        "|---|---:|",
        *[f"| {name} | {format_integer(net, 'kk')} |" for name, net in p.positive_regions],
        "",
        "## Ескертпелер",
        "",
        "- Келгендер мен кеткендер — елдің көші-қоны: Қазақстан шекарасы арқылы қоныс "
        "аударулар. Ел ішіндегі қоныс аударулар бөлек есепке алынады.",
        "- Пайыздар үтірден кейін бір таңбаға дейін дөңгелектенген, жартылары нөлден алыс "
        "жаққа қарай. Өзгеріс бір редакциядағы деректерді салыстырады" + comparison_note,
        "- Өңірлердің атаулары — кезең соңында қолданыста болған атаулар.",
        "- Шығарылымның кестелері release.xlsx файлында және CSV файлдарында; олардың "
        "сипаттамасы — release.json файлында.",
        "",
    ]
    return "\n".join(lines)


# The glossary and methodological notes sheet, in our own words: one file per language,
# templates/glossary_<lang>.toml ([[entry]] term, text; a heading has no text).
GLOSSARY = {
    lang: [(entry["term"], entry.get("text")) for entry in tomllib.loads(
        (TEMPLATES / f"glossary_{lang}.toml").read_text(encoding="utf-8"))["entry"]]
    for lang in ("en", "ru", "kk")
}
