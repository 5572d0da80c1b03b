"""The tables of a release: which mart rows each one shows, in which order, under which headers.

Every query selects from the marts schema only, filtered to one evaluation (release_id)
and ordered. The marts hold every evaluation's dynamic tables by year and by month, as
of the release's cut-off: its own year from the release, each earlier year from the
latest December release of that year out by the release's cut-off (source_release_id
names it). The release's own tables are the rows of its own period: in the tables by
year, the row whose source_release_id is the release itself (its own year, January to
the end of its period); in the cumulative tables, the row of its (period_year,
period_end_month). No figure is computed here: the columns are the marts' columns, and
the only Python step on top is the pivot of the origin–destination flows into a matrix.
Region names are the release's own (the names in force at the end of its period, carried
by marts.migration_by_region_annual for the release's own year).

Tables are laid out as BNS lays them out: the total row above the rows it sums (the
Republic of Kazakhstan above the regions; the total, then each group's subtotal above
the group's rows in the table by country; the 100 % row above the ethnic structure).
A total or subtotal row is the sum of the mart rows beneath it, summed by SQL in the same
statement (`layout_query`): counts are summed, shares are summed (the ethnic structure's
groups cover every migrant, so its total row is 100 %), and no other figure is shown on
it. Every row of a table says what it is in `row_level` ('total', 'subtotal', 'item'),
the first column of the CSV. The tests check each total against the marts that hold the
same figure for the country (release_key_points, migration_annual, migration_monthly).
"""

from __future__ import annotations

from dataclasses import dataclass

from kzmig.export.formatting import in_language

LANGUAGES = ("en", "ru", "kk")


@dataclass(frozen=True)
class Column:
    key: str  # column of the query result (and of the CSV)
    header_en: str
    header_ru: str
    kind: str = "int"  # 'text', 'int' (a count of people) or 'pct' (a percentage, unrounded)
    header_kk: str = ""  # the header in Kazakh
    # a protected count: the item query's boolean column saying the release withholds the
    # value (the marts' small-number protection); a withheld item shows SUPPRESSED, and a
    # total row still sums the exact counts
    suppressed_by: str = ""

    def header(self, lang: str) -> str:
        """The header in lang; KzmigError for an unknown language or an empty header."""
        return in_language({"en": self.header_en, "ru": self.header_ru, "kk": self.header_kk},
                           lang, f"header of column {self.key}")


@dataclass(frozen=True)
class Total:
    """A total or subtotal row of a table: the sum of the item rows that satisfy `where`
    (all of them when None), shown above them with `labels[lang]` in the table's label
    column. A subtotal opens a block: its item rows follow it, ordered by the table's
    item_order."""

    level: str  # 'total' or 'subtotal'
    labels: dict[str, str]
    where: str | None = None  # an SQL condition on the item columns; {cis}/{other} allowed


@dataclass(frozen=True)
class Table:
    name: str  # file name of the CSV and key in release.json
    sheet_en: str  # Excel sheet names: at most 31 characters
    sheet_ru: str
    title_en: str  # the title row of the sheet; {period} is the release's period
    title_ru: str
    # the item rows, without ORDER BY: {lang} is replaced by the language code; $release_id,
    # $period_year and $period_end_month are parameters
    sql: str
    columns: tuple[Column, ...]
    item_order: str  # ORDER BY of the item rows, on the columns of `sql`
    matrix: "Matrix | None" = None  # shown in the workbook as a matrix
    # a dynamic table (by year or by month) shows every year the marts hold for the
    # release: its rows name the release each year's figures come from (source_release_id)
    dynamic: bool = False
    sheet_kk: str = ""  # the sheet name and the title in Kazakh
    title_kk: str = ""
    # the total rows, in the order shown (at most one 'total', then the 'subtotal' blocks)
    totals: tuple[Total, ...] = ()
    total_keys: tuple[str, ...] = ()  # the columns a total is computed within (year, month)
    total_label: str = ""  # the column showing a total row's label
    sum_shares: bool = False  # a total row sums the 'pct' columns too (a structure: 100 %)
    # the row_level of an item row, when a mart row is itself a total (an SQL expression)
    level_sql: str = "'item'"
    # an SQL boolean column of the item query: the item row is not listed (its group's
    # detail is withheld by the small-number protection), its counts still in the totals
    withheld_by: str = ""

    def sheet(self, lang: str) -> str:
        """The sheet name in lang; KzmigError for an unknown language or an empty name."""
        return in_language({"en": self.sheet_en, "ru": self.sheet_ru, "kk": self.sheet_kk},
                           lang, f"sheet name of table {self.name}")

    def title(self, lang: str, period: str) -> str:
        """The title in lang with {period} filled in; KzmigError for an unknown language
        or an empty title."""
        return in_language({"en": self.title_en, "ru": self.title_ru, "kk": self.title_kk},
                           lang, f"title of table {self.name}").format(period=period)

    def query(self, lang: str) -> str:
        return self.sql.replace("{lang}", lang)


@dataclass(frozen=True)
class Matrix:
    """Pivot of a long table: one row per row_key, one column per column_key."""

    row_key: str
    row_label: str
    column_key: str
    column_label: str
    value: str
    corner_en: str
    corner_ru: str
    corner_kk: str = ""

    def corner(self, lang: str) -> str:
        """The label of the top left corner (rows \\ columns) in lang; KzmigError for an
        unknown language or an empty label."""
        return in_language({"en": self.corner_en, "ru": self.corner_ru, "kk": self.corner_kk},
                           lang, "corner label of the matrix")


NAME = Column("region_name", "Region", "Регион", "text", header_kk="Өңір")
CODE = Column("region_code", "KATO code", "Код КАТО", "text", header_kk="ҚАТО коды")

# The dynamic tables show the years the marts hold for the release: the release's own
# year and each earlier year with a December release out by the release's cut-off. The
# tables by year show the release's own year only when its period is the whole year;
# the tables by month show every month of those years up to the end of the period.
SOURCE = Column("source_release_id", "Figures of release", "Данные выпуска", "text",
                header_kk="Шығарылым деректері")
# Arrivals, departures and net migration: the three columns most tables show.
FLOWS = (
    Column("arrivals", "Arrivals", "Прибыло", header_kk="Келгендер"),
    Column("departures", "Departures", "Выбыло", header_kk="Кеткендер"),
    Column("net_migration", "Net migration", "Сальдо миграции", header_kk="Көші-қон сальдосы"),
)

# Intensity per 1,000 population: the population it is computed on and its basis, as the
# marts state them (population_basis_rule: one basis per table); the basis shown by name.
POPULATION_BASIS = (
    Column("population", "Population", "Численность населения",
           header_kk="Халық саны"),
    Column("population_basis", "Population basis", "База расчёта", "text",
           header_kk="Есептеу негізі"),
    Column("population_start_date", "Population on", "Численность на дату",
           "text", header_kk="Халық саны, күні"),
    Column("population_end_date", "and on (for the average)", "и на (для среднегодовой)",
           "text", header_kk="және (орташа жылдық үшін)"),
)
# The name of a population_basis_code, by language: {population_basis} in a query.
POPULATION_BASIS_NAMES = {
    "en": {"average_annual": "average annual population (mean of 1 January of the year and "
                             "of the next year)",
           "mid_year": "population on 1 July of the year (mid-year estimate of the average annual "
                       "population)",
           "start_of_year": "population on 1 January of the year",
           "not_available": "no population figure on the table's basis: no rate"},
    "ru": {"average_annual": "среднегодовая численность населения (среднее на 1 января года "
                             "и следующего года)",
           "mid_year": "численность населения на 1 июля года (оценка среднегодовой численности)",
           "start_of_year": "численность населения на 1 января года",
           "not_available": "нет численности населения на базе таблицы: показатель не "
                            "рассчитывается"},
    "kk": {"average_annual": "халықтың орташа жылдық саны (жылдың және келесі жылдың "
                             "1 қаңтарындағы сандарының орташасы)",
           "mid_year": "жылдың 1 шілдесіндегі халық саны (орташа жылдық санның бағасы)",
           "start_of_year": "жылдың 1 қаңтарындағы халық саны",
           "not_available": "кесте негізінде халық саны жоқ: көрсеткіш есептелмейді"},
}
# The name of the republic's row (territory_code KZ) of the intensity table: {republic}.
REPUBLIC_NAMES = {"en": "Republic of Kazakhstan", "ru": "Республика Казахстан",
                  "kk": "Қазақстан Республикасы"}

# The migration intensity rates, computed by the marts (on the basis the table states).
PER_THOUSAND = (
    Column("arrivals_per_1000", "Arrivals per 1,000 population",
           "Прибыло на 1000 человек населения", "pct",
           header_kk="Халықтың 1000 адамына шаққанда келгендер"),
    Column("departures_per_1000", "Departures per 1,000 population",
           "Выбыло на 1000 человек населения", "pct",
           header_kk="Халықтың 1000 адамына шаққанда кеткендер"),
    Column("net_migration_per_1000", "Net migration per 1,000 population",
           "Сальдо миграции на 1000 человек населения", "pct",
           header_kk="Халықтың 1000 адамына шаққанда көші-қон сальдосы"),
)

# The release's region names, for the dynamic tables that carry only region codes: those
# of the release's own year (source_release_id = release_id) of the annual regions mart.
RELEASE_REGION_NAMES = """
    release_region_names as (
        select region_code, region_name_{lang} as region_name
        from marts.migration_by_region_annual
        where release_id = $release_id
            and source_release_id = release_id
    )"""

# The labels of the total rows. The CIS and other countries' subtotals are GROUP_LABELS.
REPUBLIC = Total("total", REPUBLIC_NAMES)
TOTAL = Total("total", {"en": "Total", "ru": "Всего", "kk": "Барлығы"})
COUNTRY_TOTALS = (
    TOTAL,
    Total("subtotal", {}, where="country_group = '{cis}'"),  # labels: GROUP_LABELS
    Total("subtotal", {}, where="country_group = '{other}'"),
)

# --- the people's tables: by sex and age, by reason, by citizenship --------------------------
# The marts keep exact counts and flag the cells the release withholds (small-number
# protection, models/marts/_marts__docs.md: small_number_protection); a withheld cell shows
# SUPPRESSED, and the total rows (each region and flow, from the exact counts) are published.
# The marts' margin rows (the republic KZ, both sexes _T, all ages _T) are not shown yet.
SUPPRESSED = "x"

FLOW_NAMES = {
    "en": {"external": "External", "interregional": "Interregional",
           "intraregional": "Intraregional"},
    "ru": {"external": "Внешняя", "interregional": "Межрегиональная",
           "intraregional": "Внутрирегиональная"},
    "kk": {"external": "Сыртқы", "interregional": "Өңіраралық", "intraregional": "Өңірішілік"},
}
SEX_NAMES = {
    "en": {"M": "Men", "F": "Women", "U": "Not stated"},
    "ru": {"M": "Мужчины", "F": "Женщины", "U": "Не указано"},
    "kk": {"M": "Ерлер", "F": "Әйелдер", "U": "Көрсетілмеген"},
}
FLOW_CODE = Column("flow_code", "Flow code", "Код потока", "text", header_kk="Ағын коды")
FLOW_NAME = Column("flow_name", "Flow", "Поток", "text", header_kk="Ағын")
PROTECTED_FLOWS = (
    Column("arrivals", "Arrivals", "Прибыло", header_kk="Келгендер",
           suppressed_by="arrivals_is_suppressed"),
    Column("departures", "Departures", "Выбыло", header_kk="Кеткендер",
           suppressed_by="departures_is_suppressed"),
    Column("net_migration", "Net migration", "Сальдо миграции", header_kk="Көші-қон сальдосы",
           suppressed_by="net_migration_is_suppressed"),
)
# the total of each region and flow (its region's flow: migration_by_region_annual); a
# group whose detail is withheld whole shows its total row only
REGION_FLOW_TOTAL = Total("total", {"en": "Total", "ru": "Всего", "kk": "Барлығы"})


def _sex_and_age_table(grouping: str, **names: str) -> Table:
    return Table(
        **names,
        sql=f"""
            with {{release_region_names}}
            select
                people.region_code, release_region_names.region_name,
                people.flow_code, {{flow_name}} as flow_name,
                people.sex_code, {{sex_name}} as sex_name,
                people.age_group_code, people.age_group_name_{{lang}} as age_group_name,
                people.age_group_sort_order,
                people.arrivals, people.departures, people.net_migration,
                people.arrivals_is_suppressed, people.departures_is_suppressed,
                people.net_migration_is_suppressed, people.is_detail_withheld
            from marts.migration_by_sex_and_age_annual as people
            left join release_region_names
                on people.region_code = release_region_names.region_code
            where people.release_id = $release_id
                and people.year = $period_year
                and people.age_grouping_code = '{grouping}'
                and people.region_code <> 'KZ' and people.sex_code <> '_T'""",
        item_order="case sex_code when 'M' then 1 when 'F' then 2 else 3 end, "
                   "age_group_sort_order",
        totals=(REGION_FLOW_TOTAL,),
        withheld_by="is_detail_withheld",
        total_keys=("region_code", "region_name", "flow_code", "flow_name"),
        total_label="sex_name",
        columns=(
            CODE, NAME, FLOW_CODE, FLOW_NAME,
            Column("sex_name", "Sex", "Пол", "text", header_kk="Жынысы"),
            Column("age_group_code", "Age group code", "Код возрастной группы", "text",
                   header_kk="Жас тобының коды"),
            Column("age_group_name", "Age group", "Возрастная группа", "text",
                   header_kk="Жас тобы"),
            *PROTECTED_FLOWS,
        ),
    )


PEOPLE_TABLES: tuple[Table, ...] = (
    _sex_and_age_table(
        "five_year",
        name="migration_by_sex_and_age",
        sheet_en="By sex and age", sheet_ru="По полу и возрасту",
        sheet_kk="Жынысы және жасы бойынша",
        title_en=("Migration by region, flow, sex and five-year age group, {period}, people "
                  "(x: withheld, small numbers)"),
        title_ru=("Миграция по регионам, потокам, полу и пятилетним возрастным группам, "
                  "{period}, человек (x: не публикуется, малые числа)"),
        title_kk=("Көші-қон өңірлер, ағындар, жынысы және бесжылдық жас топтары бойынша, "
                  "{period}, адам (x: жарияланбайды, шағын сандар)"),
    ),
    _sex_and_age_table(
        "working_age",
        name="migration_by_sex_and_working_age",
        sheet_en="By sex and working age", sheet_ru="По полу, трудосп. возраст",
        sheet_kk="Жынысы, еңбекке қабілетті жас",
        title_en=("Migration by region, flow, sex and age group (under, of and above working "
                  "age), {period}, people (x: withheld, small numbers)"),
        title_ru=("Миграция по регионам, потокам, полу и группам моложе, в и старше "
                  "трудоспособного возраста, {period}, человек (x: не публикуется, малые числа)"),
        title_kk=("Көші-қон өңірлер, ағындар, жынысы және еңбекке қабілетті жастан кіші, "
                  "еңбекке қабілетті, одан үлкен жас топтары бойынша, {period}, адам "
                  "(x: жарияланбайды, шағын сандар)"),
    ),
    Table(
        name="migration_by_reason",
        sheet_en="By reason", sheet_ru="По причинам", sheet_kk="Себептер бойынша",
        title_en=("Migration by region, flow and declared reason for moving, {period}, people "
                  "(x: withheld, small numbers)"),
        title_ru=("Миграция по регионам, потокам и причинам переселения, {period}, человек "
                  "(x: не публикуется, малые числа)"),
        title_kk=("Көші-қон өңірлер, ағындар және көшу себептері бойынша, {period}, адам "
                  "(x: жарияланбайды, шағын сандар)"),
        sql="""
            with {release_region_names}
            select
                by_reason.region_code, release_region_names.region_name,
                by_reason.flow_code, {flow_name} as flow_name,
                by_reason.reason_code, by_reason.reason_name_{lang} as reason_name,
                by_reason.arrivals, by_reason.departures, by_reason.net_migration,
                by_reason.arrivals_is_suppressed, by_reason.departures_is_suppressed,
                by_reason.net_migration_is_suppressed, by_reason.is_detail_withheld
            from marts.migration_by_reason_annual as by_reason
            left join release_region_names
                on by_reason.region_code = release_region_names.region_code
            where by_reason.release_id = $release_id
                and by_reason.year = $period_year and by_reason.region_code <> 'KZ'""",
        item_order="reason_code",
        totals=(REGION_FLOW_TOTAL,),
        withheld_by="is_detail_withheld",
        total_keys=("region_code", "region_name", "flow_code", "flow_name"),
        total_label="reason_name",
        columns=(
            CODE, NAME, FLOW_CODE, FLOW_NAME,
            Column("reason_code", "Reason code", "Код причины", "text", header_kk="Себеп коды"),
            Column("reason_name", "Reason for moving", "Причина переселения", "text",
                   header_kk="Көшу себебі"),
            *PROTECTED_FLOWS,
        ),
    ),
    Table(
        name="external_migration_by_citizenship",
        sheet_en="External by citizenship", sheet_ru="Внешняя по гражданству",
        sheet_kk="Сыртқы, азаматтығы бойынша",
        title_en=("External migration by region and citizenship, {period}, people "
                  "(x: withheld, small numbers)"),
        title_ru=("Внешняя миграция по регионам и гражданству, {period}, человек "
                  "(x: не публикуется, малые числа)"),
        title_kk=("Сыртқы көші-қон өңірлер және азаматтығы бойынша, {period}, адам "
                  "(x: жарияланбайды, шағын сандар)"),
        sql="""
            with {release_region_names}
            select
                by_citizenship.region_code, release_region_names.region_name,
                by_citizenship.citizenship_code,
                dim_country.country_short_name_{lang} as citizenship_name,
                by_citizenship.arrivals, by_citizenship.departures, by_citizenship.net_migration,
                by_citizenship.arrivals_is_suppressed, by_citizenship.departures_is_suppressed,
                by_citizenship.net_migration_is_suppressed, by_citizenship.is_detail_withheld
            from marts.external_migration_by_citizenship_annual as by_citizenship
            inner join marts.dim_country as dim_country
                on by_citizenship.citizenship_code = dim_country.country_code
            left join release_region_names
                on by_citizenship.region_code = release_region_names.region_code
            where by_citizenship.release_id = $release_id
                and by_citizenship.year = $period_year
                and by_citizenship.region_code <> 'KZ'""",
        item_order="citizenship_code = 'XXX', citizenship_code",
        totals=(REGION_FLOW_TOTAL,),
        withheld_by="is_detail_withheld",
        total_keys=("region_code", "region_name"),
        total_label="citizenship_name",
        columns=(
            CODE, NAME,
            Column("citizenship_code", "Citizenship (ISO code)", "Гражданство (код ISO)", "text",
                   header_kk="Азаматтығы (ISO коды)"),
            Column("citizenship_name", "Citizenship", "Гражданство", "text",
                   header_kk="Азаматтығы"),
            *PROTECTED_FLOWS,
        ),
    ),
)


TABLES: tuple[Table, ...] = (
    Table(
        name="migration_by_region",
        sheet_en="By region", sheet_ru="По регионам",
        title_en="Migration of the population by region, {period}, people",
        title_ru="Миграция населения по регионам, {period}, человек",
        sheet_kk="Өңірлер бойынша",
        title_kk="Халықтың өңірлер бойынша көші-қоны, {period}, адам",
        sql="""
            select region_code, region_name_{lang} as region_name,
                arrivals, departures, net_migration,
                external_arrivals, external_departures, external_net,
                interregional_arrivals, interregional_departures, interregional_net,
                intraregional_moves
            from marts.migration_by_region_annual
            where release_id = $release_id
                and source_release_id = release_id""",
        item_order="region_code",
        totals=(REPUBLIC,),
        total_label="region_name",
        columns=(
            CODE, NAME,
            *FLOWS,
            Column("external_arrivals", "External: arrivals", "Внешняя: прибыло",
                   header_kk="Сыртқы: келгендер"),
            Column("external_departures", "External: departures", "Внешняя: выбыло",
                   header_kk="Сыртқы: кеткендер"),
            Column("external_net", "External: net", "Внешняя: сальдо", header_kk="Сыртқы: сальдо"),
            Column("interregional_arrivals", "Interregional: arrivals", "Межрегиональная: прибыло",
                   header_kk="Өңіраралық: келгендер"),
            Column("interregional_departures", "Interregional: departures", "Межрегиональная: выбыло",
                   header_kk="Өңіраралық: кеткендер"),
            Column("interregional_net", "Interregional: net", "Межрегиональная: сальдо",
                   header_kk="Өңіраралық: сальдо"),
            Column("intraregional_moves", "Intraregional moves", "Внутрирегиональная: переехало",
                   header_kk="Өңірішілік: көшкендер"),
        ),
    ),
    Table(
        name="external_migration_by_country",
        sheet_en="External by country", sheet_ru="Внешняя по странам",
        title_en="External migration by country, {period}, people (CIS countries first)",
        title_ru="Внешняя миграция по странам, {period}, человек (сначала страны СНГ)",
        sheet_kk="Сыртқы, елдер бойынша",
        title_kk="Сыртқы көші-қон елдер бойынша, {period}, адам (алдымен ТМД елдері)",
        sql="""
            select
                by_country.country_code,
                dim_country.country_short_name_{lang} as country_name,
                case when by_country.is_cis then '{cis}' else '{other}' end as country_group,
                by_country.arrivals, by_country.departures, by_country.net_migration
            from marts.external_migration_by_country_annual as by_country
            inner join marts.dim_country as dim_country
                on by_country.country_code = dim_country.country_code
            where by_country.release_id = $release_id
                and by_country.source_release_id = by_country.release_id""",
        item_order="arrivals desc, departures desc, country_code",
        totals=COUNTRY_TOTALS,
        total_label="country_name",
        columns=(
            Column("country_code", "ISO code", "Код ISO", "text", header_kk="ISO коды"),
            Column("country_name", "Country", "Страна", "text", header_kk="Ел"),
            Column("country_group", "Group", "Группа", "text", header_kk="Топ"),
            *FLOWS,
        ),
    ),
    Table(
        name="external_migration_by_ethnic_group",
        sheet_en="Ethnic structure %", sheet_ru="Этнический состав, %",
        title_en="Structure of external migration by ethnic group, {period}, % of the total",
        title_ru="Структура внешней миграции по этносам, {period}, в процентах к итогу",
        sheet_kk="Этникалық құрамы, %",
        title_kk="Сыртқы көші-қонның этностар бойынша құрылымы, {period}, жиынтыққа пайызбен",
        sql="""
            select
                by_group.ethnic_group_code,
                dim_ethnic_group.ethnic_group_name_{lang} as ethnic_group_name,
                by_group.arrivals_share_pct, by_group.departures_share_pct,
                by_group.arrivals, by_group.departures
            from marts.external_migration_by_ethnic_group_cumulative as by_group
            inner join marts.dim_ethnic_group as dim_ethnic_group
                on by_group.ethnic_group_code = dim_ethnic_group.ethnic_group_code
            where by_group.release_id = $release_id
                and by_group.period_year = $period_year
                and by_group.period_end_month = $period_end_month""",
        item_order="ethnic_group_code",
        totals=(TOTAL,),
        total_label="ethnic_group_name",
        sum_shares=True,
        columns=(
            Column("ethnic_group_code", "Code", "Код", "text", header_kk="Код"),
            Column("ethnic_group_name", "Ethnic group", "Этнос", "text", header_kk="Этнос"),
            Column("arrivals_share_pct", "Arrivals, %", "Прибыло, %", "pct",
                   header_kk="Келгендер, %"),
            Column("departures_share_pct", "Departures, %", "Выбыло, %", "pct",
                   header_kk="Кеткендер, %"),
            Column("arrivals", "Arrivals, people", "Прибыло, человек", header_kk="Келгендер, адам"),
            Column("departures", "Departures, people", "Выбыло, человек",
                   header_kk="Кеткендер, адам"),
        ),
    ),
    Table(
        name="interregional_net_by_region",
        sheet_en="Interregional net", sheet_ru="Межрегиональное сальдо",
        title_en="Interregional migration by region, {period}, people",
        title_ru="Межрегиональная миграция по регионам, {period}, человек",
        sheet_kk="Өңіраралық сальдо",
        title_kk="Өңіраралық көші-қон өңірлер бойынша, {period}, адам",
        sql="""
            select region_code, region_name_{lang} as region_name,
                interregional_arrivals, interregional_departures, interregional_net
            from marts.migration_by_region_annual
            where release_id = $release_id
                and source_release_id = release_id""",
        item_order="region_code",
        totals=(REPUBLIC,),
        total_label="region_name",
        columns=(
            CODE, NAME,
            Column("interregional_arrivals", "Arrived from other regions", "Прибыло из других регионов",
                   header_kk="Басқа өңірлерден келгендер"),
            Column("interregional_departures", "Left for other regions", "Выбыло в другие регионы",
                   header_kk="Басқа өңірлерге кеткендер"),
            Column("interregional_net", "Interregional net", "Межрегиональное сальдо",
                   header_kk="Өңіраралық сальдо"),
        ),
    ),
    Table(
        name="interregional_flows",
        sheet_en="Interregional flows", sheet_ru="Межрегиональные потоки",
        title_en="Interregional moves by region of origin (rows) and destination (columns), {period}, people",
        title_ru="Межрегиональные переезды по региону выбытия (строки) и прибытия (столбцы), {period}, человек",
        sheet_kk="Өңіраралық ағындар",
        title_kk=("Өңіраралық көшулер шыққан өңір (жолдар) және келген өңір (бағандар) бойынша, "
                  "{period}, адам"),
        sql="""
            with {release_region_names}
            select
                flows.origin_region_code,
                origins.region_name as origin_region_name,
                flows.destination_region_code,
                destinations.region_name as destination_region_name,
                flows.migrants
            from marts.interregional_flows_annual as flows
            left join release_region_names as origins
                on flows.origin_region_code = origins.region_code
            left join release_region_names as destinations
                on flows.destination_region_code = destinations.region_code
            where flows.release_id = $release_id
                and flows.year = $period_year""",
        item_order="origin_region_code, destination_region_code",
        columns=(
            Column("origin_region_code", "From: KATO code", "Откуда: код КАТО", "text",
                   header_kk="Қайдан: ҚАТО коды"),
            Column("origin_region_name", "From: region", "Откуда: регион", "text",
                   header_kk="Қайдан: өңір"),
            Column("destination_region_code", "To: KATO code", "Куда: код КАТО", "text",
                   header_kk="Қайда: ҚАТО коды"),
            Column("destination_region_name", "To: region", "Куда: регион", "text",
                   header_kk="Қайда: өңір"),
            Column("migrants", "People", "Человек", header_kk="Адам"),
        ),
        matrix=Matrix(
            row_key="origin_region_code", row_label="origin_region_name",
            column_key="destination_region_code", column_label="destination_region_name",
            value="migrants",
            corner_en="From \\ to", corner_ru="Откуда \\ куда", corner_kk="Қайдан \\ қайда",
        ),
    ),
    Table(
        name="migration_intensity",
        sheet_en="Intensity per 1,000", sheet_ru="Интенсивность на 1000",
        sheet_kk="Қарқындылық, 1000 тұрғынға",
        title_en="Migration intensity per 1,000 population, {period}",
        title_ru="Интенсивность миграции на 1000 человек населения, {period}",
        title_kk="Көші-қон қарқындылығы, халықтың 1000 адамына шаққанда, {period}",
        sql="""
            with {release_region_names}
            select
                intensity.territory_code,
                coalesce(release_region_names.region_name, '{republic}') as territory_name,
                intensity.arrivals_per_1000, intensity.departures_per_1000,
                intensity.net_migration_per_1000,
                intensity.population,
                {population_basis} as population_basis,
                cast(intensity.population_start_date as varchar) as population_start_date,
                cast(intensity.population_end_date as varchar) as population_end_date
            from marts.migration_intensity_annual as intensity
            left join release_region_names
                on intensity.territory_code = release_region_names.region_code
            where intensity.release_id = $release_id
                and intensity.source_release_id = intensity.release_id""",
        item_order="territory_code <> 'KZ', territory_code",
        # the Republic's row is the mart's (its rates are not a sum of the regions' rates)
        level_sql="case when territory_code = 'KZ' then 'total' else 'item' end",
        columns=(
            Column("territory_code", "KATO code", "Код КАТО", "text", header_kk="ҚАТО коды"),
            Column("territory_name", "Territory", "Территория", "text", header_kk="Аумақ"),
            *PER_THOUSAND,
            *POPULATION_BASIS,
        ),
    ),
    Table(
        name="external_migration_annual",
        dynamic=True,
        sheet_en="Annual external", sheet_ru="Внешняя по годам",
        title_en="External migration of the population by year, people",
        title_ru="Внешняя миграция населения по годам, человек",
        sheet_kk="Сыртқы, жылдар бойынша",
        title_kk="Халықтың сыртқы көші-қоны жылдар бойынша, адам",
        sql="""
            select year, arrivals, departures, net_migration,
                cis_arrivals_share_pct, cis_departures_share_pct,
                arrivals_change_pct, departures_change_pct,
                arrivals_per_1000, departures_per_1000, net_migration_per_1000,
                population, {population_basis} as population_basis,
                cast(population_start_date as varchar) as population_start_date,
                cast(population_end_date as varchar) as population_end_date,
                source_release_id
            from marts.migration_annual
            where release_id = $release_id
                and (year < $period_year or $period_end_month = 12)""",
        item_order="year",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            *FLOWS,
            Column("cis_arrivals_share_pct", "Arrivals from CIS, %", "Прибыло из СНГ, %", "pct",
                   header_kk="ТМД елдерінен келгендер, %"),
            Column("cis_departures_share_pct", "Departures to CIS, %", "Выбыло в СНГ, %", "pct",
                   header_kk="ТМД елдеріне кеткендер, %"),
            Column("arrivals_change_pct", "Arrivals, change on previous year, %",
                   "Прибыло, изменение к предыдущему году, %", "pct",
                   header_kk="Келгендер, алдыңғы жылмен салыстырғанда өзгерісі, %"),
            Column("departures_change_pct", "Departures, change on previous year, %",
                   "Выбыло, изменение к предыдущему году, %", "pct",
                   header_kk="Кеткендер, алдыңғы жылмен салыстырғанда өзгерісі, %"),
            *PER_THOUSAND,
            *POPULATION_BASIS,
            SOURCE,
        ),
    ),
    Table(
        name="external_migration_by_country_annual",
        dynamic=True,
        sheet_en="Annual by country", sheet_ru="По странам по годам",
        title_en="External migration by country and year, people (CIS countries first)",
        title_ru="Внешняя миграция по странам и годам, человек (сначала страны СНГ)",
        sheet_kk="Елдер бойынша, жылдар",
        title_kk="Сыртқы көші-қон елдер және жылдар бойынша, адам (алдымен ТМД елдері)",
        sql="""
            select
                by_country.year,
                by_country.country_code,
                dim_country.country_short_name_{lang} as country_name,
                case when by_country.is_cis then '{cis}' else '{other}' end as country_group,
                by_country.arrivals, by_country.departures, by_country.net_migration,
                by_country.source_release_id
            from marts.external_migration_by_country_annual as by_country
            inner join marts.dim_country as dim_country
                on by_country.country_code = dim_country.country_code
            where by_country.release_id = $release_id
                and (by_country.year < $period_year or $period_end_month = 12)""",
        item_order="arrivals desc, departures desc, country_code",
        totals=COUNTRY_TOTALS,
        total_keys=("year", "source_release_id"),
        total_label="country_name",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            Column("country_code", "ISO code", "Код ISO", "text", header_kk="ISO коды"),
            Column("country_name", "Country", "Страна", "text", header_kk="Ел"),
            Column("country_group", "Group", "Группа", "text", header_kk="Топ"),
            *FLOWS,
            SOURCE,
        ),
    ),
    Table(
        name="net_migration_by_region_annual",
        dynamic=True,
        sheet_en="Annual net by region", sheet_ru="Сальдо по регионам, годы",
        title_en="Net migration by region and year, people",
        title_ru="Сальдо миграции по регионам и годам, человек",
        sheet_kk="Өңірлер бойынша сальдо, жылдар",
        title_kk="Көші-қон сальдосы өңірлер және жылдар бойынша, адам",
        sql="""
            with {release_region_names},
            dim_region_names as (
                select region_code, region_name_{lang} as region_name from marts.dim_region
            )
            select
                annual.year, annual.region_code,
                coalesce(release_region_names.region_name, dim_region_names.region_name)
                    as region_name,
                annual.arrivals, annual.departures, annual.net_migration,
                annual.external_net, annual.interregional_net, annual.intraregional_moves,
                annual.source_release_id
            from marts.migration_by_region_annual as annual
            left join release_region_names
                on annual.region_code = release_region_names.region_code
            left join dim_region_names
                on annual.region_code = dim_region_names.region_code
            where annual.release_id = $release_id
                and (annual.year < $period_year or $period_end_month = 12)""",
        item_order="region_code",
        totals=(REPUBLIC,),
        total_keys=("year", "source_release_id"),
        total_label="region_name",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            CODE, NAME,
            *FLOWS,
            Column("external_net", "External net", "Сальдо внешней миграции",
                   header_kk="Сыртқы көші-қон сальдосы"),
            Column("interregional_net", "Interregional net", "Межрегиональное сальдо",
                   header_kk="Өңіраралық сальдо"),
            Column("intraregional_moves", "Intraregional moves", "Внутрирегиональные переезды",
                   header_kk="Өңірішілік көшулер"),
            SOURCE,
        ),
    ),
    Table(
        name="net_migration_by_region_monthly",
        dynamic=True,
        sheet_en="Monthly net by region", sheet_ru="Сальдо по регионам, месяцы",
        title_en="Net migration (migration growth of the population) by region and month, people",
        title_ru="Миграционный прирост (сальдо миграции) по регионам и месяцам, человек",
        sheet_kk="Өңірлер бойынша сальдо, айлар",
        title_kk="Көші-қон сальдосы (халықтың көші-қон өсімі) өңірлер және айлар бойынша, адам",
        sql="""
            with {release_region_names},
            dim_region_names as (
                select region_code, region_name_{lang} as region_name from marts.dim_region
            )
            select
                monthly.year, monthly.month, monthly.region_code,
                coalesce(release_region_names.region_name, dim_region_names.region_name)
                    as region_name,
                monthly.arrivals, monthly.departures, monthly.net_migration,
                monthly.external_net, monthly.interregional_net, monthly.intraregional_moves,
                monthly.source_release_id
            from marts.migration_by_region_monthly as monthly
            left join release_region_names
                on monthly.region_code = release_region_names.region_code
            left join dim_region_names
                on monthly.region_code = dim_region_names.region_code
            where monthly.release_id = $release_id""",
        item_order="region_code",
        totals=(REPUBLIC,),
        total_keys=("year", "month", "source_release_id"),
        total_label="region_name",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            Column("month", "Month", "Месяц", "month", header_kk="Ай"),
            CODE, NAME,
            *FLOWS,
            Column("external_net", "External net", "Сальдо внешней миграции",
                   header_kk="Сыртқы көші-қон сальдосы"),
            Column("interregional_net", "Interregional net", "Межрегиональное сальдо",
                   header_kk="Өңіраралық сальдо"),
            Column("intraregional_moves", "Intraregional moves", "Внутрирегиональные переезды",
                   header_kk="Өңірішілік көшулер"),
            SOURCE,
        ),
    ),
    Table(
        name="external_migration_monthly",
        dynamic=True,
        sheet_en="Monthly external", sheet_ru="Внешняя по месяцам",
        title_en="External migration of the population by month, people",
        title_ru="Внешняя миграция населения по месяцам, человек",
        sheet_kk="Сыртқы, айлар бойынша",
        title_kk="Халықтың сыртқы көші-қоны айлар бойынша, адам",
        sql="""
            select year, month, arrivals, departures, net_migration,
                cis_arrivals, cis_departures, cis_arrivals_share_pct, cis_departures_share_pct,
                source_release_id
            from marts.migration_monthly
            where release_id = $release_id""",
        item_order="year, month",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            Column("month", "Month", "Месяц", "month", header_kk="Ай"),
            *FLOWS,
            Column("cis_arrivals", "Arrivals from CIS", "Прибыло из СНГ",
                   header_kk="ТМД елдерінен келгендер"),
            Column("cis_departures", "Departures to CIS", "Выбыло в СНГ",
                   header_kk="ТМД елдеріне кеткендер"),
            Column("cis_arrivals_share_pct", "Arrivals from CIS, %", "Прибыло из СНГ, %", "pct",
                   header_kk="ТМД елдерінен келгендер, %"),
            Column("cis_departures_share_pct", "Departures to CIS, %", "Выбыло в СНГ, %", "pct",
                   header_kk="ТМД елдеріне кеткендер, %"),
            SOURCE,
        ),
    ),
    Table(
        name="internal_migration_monthly",
        dynamic=True,
        sheet_en="Monthly internal", sheet_ru="Внутренняя по месяцам",
        title_en="Internal migration of the population by month, people",
        title_ru="Внутренняя миграция населения по месяцам, человек",
        sheet_kk="Ішкі, айлар бойынша",
        title_kk="Халықтың ішкі көші-қоны айлар бойынша, адам",
        sql="""
            select year, month, internal_migrants, interregional_migrants, intraregional_migrants,
                source_release_id
            from marts.migration_monthly
            where release_id = $release_id""",
        item_order="year, month",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            Column("month", "Month", "Месяц", "month", header_kk="Ай"),
            Column("internal_migrants", "People moving within the country",
                   "Переехало внутри страны", header_kk="Ел ішінде көшкендер"),
            Column("interregional_migrants", "Of which between regions", "в том числе между регионами",
                   header_kk="оның ішінде өңірлер арасында"),
            Column("intraregional_migrants", "Of which within a region", "в том числе внутри региона",
                   header_kk="оның ішінде өңір ішінде"),
            SOURCE,
        ),
    ),
    *PEOPLE_TABLES,
)

GROUP_LABELS = {"en": ("CIS countries", "Other countries"), "ru": ("Страны СНГ", "Другие страны"),
                "kk": ("ТМД елдері", "Басқа елдер")}


def table_query(table: Table, lang: str) -> str:
    """The item rows of `table` in `lang` (no total rows, no order): names in lang,
    the country groups' labels in lang. Raises KzmigError for a language without
    labels."""
    cis, other = in_language(GROUP_LABELS, lang, "country group labels")
    return (table.query(lang)
            .replace("{release_region_names}", RELEASE_REGION_NAMES.strip().replace("{lang}", lang))
            .replace("{cis}", cis)
            .replace("{other}", other)
            .replace("{population_basis}", population_basis_name(lang))
            .replace("{flow_name}", code_name_sql("flow_code", FLOW_NAMES, lang, "flow names"))
            .replace("{sex_name}", code_name_sql("sex_code", SEX_NAMES, lang, "sex names"))
            .replace("{republic}", in_language(REPUBLIC_NAMES, lang, "name of the republic")))


def code_name_sql(column: str, names: dict[str, dict[str, str]], lang: str, what: str) -> str:
    """SQL naming the code in `column` in `lang` (a label, no figure)."""
    labels = in_language(names, lang, what)
    cases = " ".join(f"when '{code}' then {_literal(name)}" for code, name in labels.items())
    return f"case {column} {cases} end"


def population_basis_name(lang: str) -> str:
    """SQL naming the population_basis_code of the row in `lang` (a label, no figure).
    Raises KzmigError for a language without the names."""
    names = in_language(POPULATION_BASIS_NAMES, lang, "names of the population bases")
    cases = " ".join(f"when '{code}' then '{name.replace(chr(39), chr(39) * 2)}'"
                     for code, name in names.items())
    return f"case population_basis_code {cases} end"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def total_label(table: Table, total: Total, lang: str) -> str:
    """The label of a total row: its own, or for a group's subtotal the group's name."""
    if total.labels:
        return in_language(total.labels, lang, f"label of the {total.level} row")
    cis, other = in_language(GROUP_LABELS, lang, "country group labels")
    return {"country_group = '{cis}'": cis, "country_group = '{other}'": other}[total.where]


def layout_query(table: Table, lang: str) -> str:
    """The table as the release shows it: `row_level` and the table's columns, the total
    rows above the item rows they sum, ordered. One SQL statement on the marts.

    Within each combination of `total_keys` (e.g. a year): the total row, then each
    subtotal followed by its items (or all items when the table has no subtotal), items
    in `item_order`. A total row sums the 'int' columns (and the 'pct' columns when
    `sum_shares`), shows its label in `total_label`, keeps the key columns and leaves every
    other column empty. A total of no rows is not shown. Raises KzmigError for a language
    without labels."""
    cis, other = in_language(GROUP_LABELS, lang, "country group labels")
    keys = list(table.total_keys)
    names = [column.key for column in table.columns]
    subtotals = [total for total in table.totals if total.level == "subtotal"]

    def where(total: Total | None) -> str:
        if total is None or total.where is None:
            return ""
        return " where " + total.where.replace("{cis}", cis).replace("{other}", other)

    def listed(total: Total | None) -> str:
        """The filter of the item rows shown: the block's, and not withheld."""
        if not table.withheld_by:
            return where(total)
        return (where(total) + " and " if where(total) else " where ") + f"not {table.withheld_by}"

    def total_select(total: Total, block: int) -> str:
        expressions = []
        for column in table.columns:
            if column.key in keys:
                expression = column.key
            elif column.key == table.total_label:
                expression = _literal(total_label(table, total, lang))
            elif column.kind == "int":
                expression = f"sum({column.key})"
            elif column.kind == "pct" and table.sum_shares:
                # rounded to 10 decimals: the binary noise of a sum of shares (100.00000000000001)
                expression = f"round(sum({column.key}), 10)"
            else:
                expression = "null"
            expressions.append(f"{expression} as {column.key}")
        group_by = f" group by {', '.join(keys)}" if keys else ""
        return (f"select {_literal(total.level)} as row_level, {block} as block_order, "
                f"0 as row_order, {', '.join(expressions)} from items{where(total)}{group_by} "
                "having count(*) > 0")

    shown_items = ", ".join(
        f"case when {column.suppressed_by} then null else {column.key} end as {column.key}"
        if column.suppressed_by else column.key for column in table.columns)
    selects = [total_select(total, 0) for total in table.totals if total.level == "total"]
    partition = f"partition by {', '.join(keys)} " if keys else ""
    for block, subtotal in enumerate(subtotals or [None], start=1):
        if subtotal is not None:
            selects.append(total_select(subtotal, block))
        selects.append(
            f"select {table.level_sql} as row_level, {block} as block_order, "
            f"row_number() over ({partition}order by {table.item_order}) as row_order, "
            f"{shown_items} from items{listed(subtotal)}")
    order = ", ".join([*keys, "block_order", "row_order"])
    return (f"with items as ({table_query(table, lang)}\n), shown as ("
            + "\nunion all\n".join(selects)
            + f")\nselect row_level, {', '.join(names)} from shown order by {order}")
