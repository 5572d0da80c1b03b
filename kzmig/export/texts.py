"""The words of the release: the key points (Markdown) and the glossary and notes sheet,
in English, Russian and Kazakh (kzmig.export.tables.LANGUAGES).

Every figure in the key points is a column of marts.release_key_points or a row of
marts.migration_by_region_annual (the release's own year); this module only puts them
into sentences, rounding percentages for display.
"""

from __future__ import annotations

from dataclasses import dataclass

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


# The glossary and methodological notes sheet, in our own words.
GLOSSARY = {
    "en": [
        ("Glossary", None),
        ("Population migration", "Moving of people from one place to another with a change of "
         "permanent residence, across the border of a region or of the country."),
        ("Arrivals", "People who registered at a new permanent residence in a territory during the "
         "period, coming from outside that territory."),
        ("Departures", "People who left a territory for a permanent residence outside it during the "
         "period."),
        ("Net migration", "Arrivals minus departures; positive when a territory gains population "
         "from migration (migration population growth)."),
        ("External migration", "Moves between Kazakhstan and other countries. The arrivals and "
         "departures of the country are external moves."),
        ("Internal migration", "Moves within Kazakhstan: interregional between two regions, "
         "intraregional within one region. An intraregional move is at once an arrival and a "
         "departure of its region."),
        ("CIS countries", "Azerbaijan, Armenia, Belarus, Kyrgyzstan, Moldova, Russia, Tajikistan, "
         "Turkmenistan, Uzbekistan and Ukraine, as in the statistical tables."),
        ("Methodological notes", None),
        ("Source", "Statistical arrival and departure coupons filled in by the migration service "
         "when a person registers at, or leaves for abroad from, a place of permanent residence. "
         "A departure coupon exists only for emigration; a move within the country is recorded "
         "on the arrival coupon, which names the previous residence."),
        ("Release period and cut-off", "A release covers January to the last month of its period "
         "and counts the coupon versions received up to its cut-off. A revised release repeats a "
         "period with a later cut-off."),
        ("Changes", "A change on the corresponding period of the previous year compares releases "
         "of the same vintage (preliminary with preliminary, revised with revised): "
         "(current / previous - 1) x 100. It is not available when the base is zero or missing."),
        ("Percentages", "Shares and changes are stored unrounded in the tables (numbers formatted "
         "with one decimal); the key points show them rounded to one decimal, halves away "
         "from zero."),
        ("Regions", "Regions are identified by the first two digits of the KATO code. Names are "
         "those in force at the end of the release's period (the capital was Nur-Sultan from "
         "23.03.2019 to 16.09.2022)."),
        ("Intensity", "General annual migration intensity rates per 1,000 population: the "
         "flow (arrivals, departures, net migration) divided by the population, times 1,000. "
         "For a period shorter than a year the rate relates the months covered to the year's "
         "population (it is not annualised)."),
        ("Population basis of intensity", "One basis per table, stated in its columns "
         "\"Population basis\" and the dates of the population figures. The table by year "
         "of the country uses the average annual population (the mean of the populations on "
         "1 January of the year and of the next year) for every year; a year for which one of "
         "the two is not known has no rate. The "
         "intensity table of the release (the republic, then the regions) uses one basis for "
         "the republic and all regions in force during the year: the average annual "
         "population when all of them have it, else the population on 1 January of the year "
         "when all of them have it; otherwise only the republic's rate is shown, on its "
         "average annual population when known, else on 1 January. The republic's rate can "
         "therefore differ between the two tables: each states its basis. In the intensity "
         "table the republic's rates are of the regions' arrivals and departures added up "
         "(moves within the country included) and of the country's net migration."),
        ("Sex, age, reason, citizenship", "The tables by sex and age, by reason and by "
         "citizenship count the same migrants as the region table, by region and flow, and "
         "each adds up to the region's flow. Age is in completed years on the registration "
         "date; a person born on 29 February completes a year on 1 March in a common year "
         "(the year of age ends with 28 February). Five-year groups 0-4 ... 75-79, 80 and over; "
         "working age as Kazakhstan defines it for the year of registration: 16 to 62 for men, "
         "16 to the last year below the women's pension age of the year for women (pension age "
         "58.5 in 2018, 60.5 in 2022, 61 from 2023 to 2027: working age to 58, 60 and 60), "
         "0-15 under it, above it the rest. Not stated: sex other than male or female, no valid "
         "birth date on or before the registration date, an empty or unknown reason or "
         "citizenship (XXX: stateless or not stated); such migrants are counted. The working-"
         "age group is also not stated (not determined) for a year of registration whose "
         "working-age bounds the reference data do not give."),
        ("Small-number protection", "No cell of the tables by sex and age, by reason and by "
         "citizenship that could identify a person is published: a count of 1 or 2 is shown as "
         "\"x\" (primary suppression). Each region and flow has its total published from the "
         "exact counts, so in a block holding such a cell the smallest count of 3 or more is "
         "shown as \"x\" too (secondary suppression): the withheld cells then sum to an amount "
         "that does not reveal any of them. A block with a count of 1 or 2 and none of 3 or "
         "more is shown by its total only. A net migration figure is withheld when its arrivals "
         "or departures are. Zero is published. The region table and the other tables of the "
         "release are not affected; the warehouse keeps the exact counts for the statistics "
         "office."),
        ("Dynamic tables", "The tables by year and by month are as of the release's cut-off. "
         "The release's own year holds the release's figures (January to the end of its "
         "period; in the tables by year only when the period is the whole year). Each earlier "
         "year holds the figures of the latest December release of that year published by "
         "the release's cut-off: the revised release once it is out, else the preliminary one. "
         "The column \"Figures of release\" names it; years without such a release are not "
         "shown. The months of a year add up to the year."),
    ],
    "ru": [
        ("Глоссарий", None),
        ("Миграция населения", "Перемещение людей с одного места на другое со сменой постоянного "
         "места жительства через границу региона или страны."),
        ("Прибывшие", "Лица, зарегистрированные за период по новому постоянному месту жительства "
         "на территории и прибывшие из-за её пределов."),
        ("Выбывшие", "Лица, выбывшие за период с территории на постоянное жительство за её "
         "пределы."),
        ("Сальдо миграции", "Разность числа прибывших и выбывших; положительное сальдо — "
         "миграционный прирост населения."),
        ("Внешняя миграция", "Переезды между Казахстаном и другими странами. Прибывшие в страну "
         "и выбывшие из неё — это внешняя миграция."),
        ("Внутренняя миграция", "Переезды внутри Казахстана: межрегиональные — между двумя "
         "регионами, внутрирегиональные — в пределах одного региона. Внутрирегиональный переезд "
         "одновременно и прибытие, и выбытие своего региона."),
        ("Страны СНГ", "Азербайджан, Армения, Беларусь, Кыргызстан, Молдова, Россия, Таджикистан, "
         "Туркменистан, Узбекистан и Украина, как в статистических таблицах."),
        ("Методологические пояснения", None),
        ("Источник", "Статистические талоны прибытия и выбытия, которые миграционная служба "
         "заполняет при регистрации по постоянному месту жительства или при выезде за рубеж. "
         "Талон выбытия заполняется только при эмиграции; переезд внутри страны учитывается по "
         "талону прибытия, в котором указано прежнее место жительства."),
        ("Период выпуска и дата среза", "Выпуск охватывает период с января по последний месяц "
         "периода и учитывает версии талонов, полученные до даты среза. Уточнённый выпуск "
         "повторяет период с более поздней датой среза."),
        ("Изменения", "Изменение к соответствующему периоду предыдущего года сравнивает выпуски "
         "одной редакции (предварительный с предварительным, уточнённый с уточнённым): "
         "(текущее / предыдущее - 1) x 100. При нулевой или отсутствующей базе не приводится."),
        ("Проценты", "Доли и изменения хранятся в таблицах без округления (числа показаны с одним "
         "знаком после запятой); в основных итогах они округлены до одного знака, половины — "
         "от нуля."),
        ("Регионы", "Регион определяется по первым двум цифрам кода КАТО. Названия — действовавшие "
         "на конец периода выпуска (столица называлась Нур-Султан с 23.03.2019 по 16.09.2022)."),
        ("Интенсивность", "Общие коэффициенты интенсивности миграции на 1000 человек "
         "населения: поток (прибывшие, выбывшие, сальдо миграции), делённый на численность "
         "населения, умноженный на 1000. За период короче года коэффициент относит месяцы "
         "периода к численности населения года (без пересчёта на год)."),
        ("База расчёта интенсивности", "Одна база на таблицу, указанная в её столбцах "
         "«База расчёта» и датах численности. Таблица по годам по стране рассчитана на "
         "среднегодовую численность населения (среднее численностей на 1 января года и "
         "следующего года) за каждый год; за год, для которого одна из них неизвестна, "
         "коэффициент не рассчитывается. "
         "Таблица интенсивности выпуска (республика, затем регионы) рассчитана на одну базу "
         "для республики и всех регионов, действовавших в году: на среднегодовую численность, "
         "если она известна для всех, иначе на численность на 1 января года, если она "
         "известна для всех; иначе приводится только коэффициент республики — на "
         "среднегодовую численность, если она известна, иначе на 1 января. Поэтому "
         "коэффициент республики в двух таблицах может различаться: каждая указывает свою "
         "базу. В таблице интенсивности прибывшие и выбывшие республики — суммы по регионам "
         "(с переездами внутри страны), сальдо — сальдо страны."),
        ("Пол, возраст, причина, гражданство", "Таблицы по полу и возрасту, по причинам и по "
         "гражданству учитывают тех же мигрантов, что и таблица по регионам, по регионам и "
         "потокам, и каждая в сумме равна потоку региона. Возраст — число полных лет на дату "
         "регистрации; родившийся 29 февраля в невисокосный год достигает нового возраста "
         "1 марта (год жизни истекает 28 февраля). Пятилетние группы 0-4 ... 75-79, 80 и "
         "старше; трудоспособный возраст — как он определён в Казахстане на год регистрации: "
         "мужчины 16-62 лет, женщины от 16 лет до последнего полного года ниже пенсионного "
         "возраста женщин этого года (58,5 в 2018, 60,5 в 2022, 61 в 2023-2027 годах: до 58, "
         "60 и 60 лет), моложе трудоспособного — 0-15 лет, старше — остальные. Не указано: пол "
         "не мужской и не женский, нет действительной даты рождения не позже даты регистрации, "
         "пустая или неизвестная причина или гражданство (XXX: лица без гражданства или не "
         "указано); такие мигранты учитываются. Группа трудоспособного возраста не указана (не "
         "определена) и для года регистрации, границы трудоспособного возраста которого не "
         "приведены в справочных данных."),
        ("Защита малых чисел", "В таблицах по полу и возрасту, по причинам и по гражданству не "
         "публикуется ни одна ячейка, по которой можно установить человека: число 1 или 2 "
         "показано знаком «x» (первичное подавление). Итог каждого региона и потока "
         "публикуется по точным данным, поэтому в блоке с такой ячейкой знаком «x» показано и "
         "наименьшее число от 3 и выше (вторичное подавление): сумма скрытых ячеек не "
         "раскрывает ни одну из них. Блок с числом 1 или 2 и без чисел от 3 приводится только "
         "итогом. Сальдо не публикуется, если скрыто число прибывших или выбывших. Нули "
         "публикуются. Таблица по регионам и другие таблицы выпуска не затронуты; хранилище "
         "сохраняет точные данные для органа статистики."),
        ("Динамические таблицы", "Таблицы по годам и по месяцам рассчитаны на дату среза "
         "выпуска. За год выпуска приводятся данные самого выпуска (с января по последний месяц "
         "периода; в таблицах по годам — только если период охватывает весь год). За каждый "
         "предыдущий год приводятся данные последнего выпуска за январь–декабрь этого года, "
         "вышедшего к дате среза выпуска: уточнённого, если он уже вышел, иначе "
         "предварительного. Его называет столбец «Данные выпуска»; годы без такого выпуска не "
         "приводятся. Сумма месяцев года равна году."),
    ],
    "kk": [
        ("Глоссарий", None),
        ("Халықтың көші-қоны", "Адамдардың (мигранттардың) тұрақты тұрғылықты жерін ауыстыра "
         "отырып, белгілі бір аумақтардың (өңірдің немесе елдің) шекаралары арқылы қоныс "
         "аударуы."),
        ("Келгендер саны", "Кезең ішінде аумақтың сыртынан келіп, осы аумақта жаңа тұрақты "
         "тұрғылықты жері бойынша тіркелген адамдар."),
        ("Кеткендер саны", "Кезең ішінде аумақтан оның шегінен тыс жерге тұрақты тұруға кеткен "
         "адамдар."),
        ("Көші-қон сальдосы", "Келгендер мен кеткендер санының айырмасы; оң сальдо — халықтың "
         "көші-қон өсімі."),
        ("Сыртқы көші-қон", "Қазақстан мен басқа елдер арасындағы қоныс аударулар. Елге "
         "келгендер мен елден кеткендер — сыртқы көші-қон."),
        ("Ішкі көші-қон", "Қазақстан ішіндегі қоныс аударулар: өңіраралық — екі өңір арасында, "
         "өңірішілік — бір өңірдің шегінде. Өңірішілік қоныс аудару өз өңірі үшін әрі келу, "
         "әрі кету болып табылады."),
        ("ТМД елдері", "Әзербайжан, Армения, Беларусь, Қырғызстан, Молдова, Ресей, Тәжікстан, "
         "Түрікменстан, Өзбекстан және Украина, статистикалық кестелердегідей."),
        ("Әдіснамалық түсініктемелер", None),
        ("Дереккөз", "Адам тұрақты тұрғылықты жері бойынша тіркелгенде немесе шетелге "
         "кеткенде көші-қон қызметі толтыратын келу және кету статистикалық талондары. Кету "
         "талоны тек эмиграция кезінде толтырылады; ел ішіндегі қоныс аудару бұрынғы "
         "тұрғылықты жері көрсетілген келу талоны бойынша есепке алынады."),
        ("Шығарылым кезеңі және деректерді қабылдау аяқталған күн", "Шығарылым қаңтардан "
         "кезеңнің соңғы айына дейінгі уақытты қамтиды және деректерді қабылдау аяқталған "
         "күнге дейін алынған талон нұсқаларын есепке алады. Нақтыланған шығарылым сол "
         "кезеңді кейінірек күнмен қайталайды."),
        ("Өзгерістер", "Өткен жылдың сәйкес кезеңімен салыстырғандағы өзгеріс бір "
         "редакциядағы шығарылымдарды салыстырады (алдын ала шығарылымды алдын ала "
         "шығарылыммен, нақтыланғанды нақтыланғанмен): (ағымдағы / алдыңғы - 1) x 100. "
         "Салыстыру базасы нөлге тең болса немесе жоқ болса, келтірілмейді."),
        ("Пайыздар", "Үлестер мен өзгерістер кестелерде дөңгелектенбей сақталады (сандар "
         "үтірден кейін бір таңбамен көрсетіледі); негізгі қорытындыларда олар бір таңбаға "
         "дейін дөңгелектенеді, жартылары — нөлден алыс жаққа қарай."),
        ("Өңірлер", "Өңір ҚАТО кодының алғашқы екі цифры бойынша анықталады. Атаулары — "
         "шығарылым кезеңінің соңында қолданыста болған атаулар (елорда 23.03.2019 бастап "
         "16.09.2022 дейін Нұр-Сұлтан деп аталды)."),
        ("Қарқындылық", "Халықтың 1000 адамына шаққандағы көші-қонның жалпы жылдық "
         "қарқындылық коэффициенттері: ағын (келгендер, кеткендер, көші-қон сальдосы) халық "
         "санына бөлініп, 1000-ға көбейтіледі. Бір жылдан қысқа кезең үшін коэффициент "
         "кезеңнің айларын жылдың халық санына қатыстырады (жылдық мәнге қайта "
         "есептелмейді)."),
        ("Қарқындылықты есептеу негізі", "Әр кестеге бір негіз, ол кестенің «Есептеу негізі» "
         "бағанында және халық санының күндерінде көрсетіледі. Ел бойынша жылдар кестесі әр "
         "жыл үшін халықтың орташа жылдық санын (жылдың және келесі жылдың 1 қаңтарындағы "
         "халық сандарының орташасы) пайдаланады; екеуінің бірі белгісіз жыл үшін коэффициент "
         "есептелмейді. Шығарылымның қарқындылық кестесі (республика, содан кейін өңірлер) "
         "республика мен жыл ішінде қолданыста болған барлық өңірлер үшін бір негізді "
         "пайдаланады: барлығы үшін белгілі болса — халықтың орташа жылдық санын, әйтпесе, "
         "барлығы үшін белгілі болса — жылдың 1 қаңтарындағы халық санын; олай болмаса, тек "
         "республиканың коэффициенті келтіріледі — белгілі болса, орташа жылдық халық санына, "
         "әйтпесе 1 қаңтардағы халық санына шаққанда. Сондықтан республиканың коэффициенті "
         "екі кестеде әртүрлі болуы мүмкін: әр кесте өз негізін көрсетеді. Қарқындылық "
         "кестесінде республиканың келгендері мен кеткендері — өңірлер бойынша қосындылар "
         "(ел ішіндегі қоныс аударуларды қоса алғанда), сальдосы — елдің көші-қон сальдосы."),
        ("Жынысы, жасы, себебі, азаматтығы", "Жынысы мен жасы, себептері және азаматтығы "
         "бойынша кестелер өңірлер кестесіндегі мигранттарды өңірлер мен ағындар бойынша "
         "есепке алады, әрқайсысының қосындысы өңір ағынына тең. Жас — тіркелген күнгі толық "
         "жылдар саны; 29 ақпанда туған адам кібісе емес жылы жаңа жасқа 1 наурызда толады "
         "(өмір жылы 28 ақпанмен аяқталады). Бесжылдық топтар 0-4 ... 75-79, 80 және одан "
         "жоғары; еңбекке қабілетті жас — тіркелген жылға Қазақстанда белгіленгендей: ерлер "
         "16-62 жас, әйелдер 16 жастан сол жылғы әйелдердің зейнет жасынан төмен соңғы толық "
         "жылға дейін (2018 жылы 58,5, 2022 жылы 60,5, 2023-2027 жылдары 61: 58, 60 және 60 "
         "жасқа дейін), еңбекке қабілетті жастан кіші — 0-15 жас, үлкені — қалғандары. "
         "Көрсетілмеген: жынысы ер де, әйел де емес, тіркелген күннен кешіктірмей жарамды туған "
         "күні жоқ, себебі немесе азаматтығы бос не белгісіз (XXX: азаматтығы жоқ адамдар "
         "немесе көрсетілмеген); мұндай мигранттар есепке алынады. Еңбекке қабілетті жас "
         "шекаралары анықтамалық деректерде берілмеген тіркелу жылы үшін еңбекке қабілетті жас "
         "тобы да көрсетілмеген (анықталмаған)."),
        ("Шағын сандарды қорғау", "Жынысы мен жасы, себептері және азаматтығы бойынша "
         "кестелерде адамды анықтауға болатын бірде-бір ұяшық жарияланбайды: 1 немесе 2 саны "
         "«x» белгісімен көрсетіледі (бастапқы жасыру). Әр өңір мен ағынның жиынтығы нақты "
         "деректер бойынша жарияланады, сондықтан мұндай ұяшығы бар блокта 3-тен бастап ең "
         "кіші сан да «x» белгісімен көрсетіледі (қайталама жасыру): жасырылған ұяшықтардың "
         "қосындысы олардың ешқайсысын ашпайды. 1 немесе 2 саны бар, 3-тен басталатын саны жоқ "
         "блок тек жиынтығымен көрсетіледі. Келгендер немесе кеткендер жасырылса, сальдо "
         "жарияланбайды. Нөлдер жарияланады. Өңірлер кестесі мен шығарылымның басқа кестелері "
         "өзгермейді; қойма статистика органы үшін нақты деректерді сақтайды."),
        ("Динамикалық кестелер", "Жылдар және айлар бойынша кестелер шығарылымның деректерді "
         "қабылдау аяқталған күніндегі жағдай бойынша берілген. Шығарылым жылы бойынша "
         "шығарылымның өз деректері келтіріледі (қаңтардан кезеңнің соңғы айына дейін; "
         "жылдар бойынша кестелерде — кезең бүкіл жылды қамтыған жағдайда ғана). Әрбір "
         "алдыңғы жыл бойынша сол жылдың қаңтар–желтоқсанына арналған, шығарылымның "
         "деректерді қабылдау аяқталған күніне дейін жарияланған соңғы шығарылымның "
         "деректері келтіріледі: нақтыланған шығарылым шықса — соның, әйтпесе алдын ала "
         "шығарылымның деректері. Оны «Шығарылым деректері» бағаны көрсетеді; мұндай "
         "шығарылымы жоқ жылдар келтірілмейді. Жыл айларының қосындысы жылға тең."),
    ],
}
