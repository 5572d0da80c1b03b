"""The tables of a release: which release table each one shows, under which headers.

Every table is a dbt model of the release layer, published with the marts as
`marts.release_<name>` (models/release): one row per row of the table as the release shows
it, in `row_order`, with `row_level` ('total', 'subtotal', 'item'), the labels in each
language (`<column>_en`, `_ru`, `_kk`), the values and each protected count's status
(`<measure>_status`: F published, C or D withheld). The totals are computed there, in SQL.
The export reads a table by its name and shows its columns: nothing here computes or
orders a figure. The one step on top is the pivot of the origin–destination cells into a
matrix (`Matrix`), whose margins are the release table's total row and column.
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
    # a protected count: the release table's column with the cell's status (F published,
    # C or D withheld: the marts' small-number protection); a withheld cell shows SUPPRESSED
    status: str = ""
    # the release table's column, when it is not `key` (a label: `<source>_<lang>`)
    source: str = ""

    def header(self, lang: str) -> str:
        """The header in lang; KzmigError for an unknown language or an empty header."""
        return in_language({"en": self.header_en, "ru": self.header_ru, "kk": self.header_kk},
                           lang, f"header of column {self.key}")


@dataclass(frozen=True)
class Table:
    name: str  # file name of the CSV and key in release.json
    sheet_en: str  # Excel sheet names: at most 31 characters
    sheet_ru: str
    title_en: str  # the title row of the sheet; {period} is the release's period
    title_ru: str
    columns: tuple[Column, ...]
    matrix: "Matrix | None" = None  # shown in the workbook as a matrix
    # the column that names a total row (its item rows are indented beneath it)
    label: str = ""
    # a dynamic table (by year or by month) shows every year the marts hold for the
    # release: its rows name the release each year's figures come from (source_release_id)
    dynamic: bool = False
    sheet_kk: str = ""  # the sheet name and the title in Kazakh
    title_kk: str = ""

    def sheet(self, lang: str) -> str:
        """The sheet name in lang; KzmigError for an unknown language or an empty name."""
        return in_language({"en": self.sheet_en, "ru": self.sheet_ru, "kk": self.sheet_kk},
                           lang, f"sheet name of table {self.name}")

    def title(self, lang: str, period: str) -> str:
        """The title in lang with {period} filled in; KzmigError for an unknown language
        or an empty title."""
        return in_language({"en": self.title_en, "ru": self.title_ru, "kk": self.title_kk},
                           lang, f"title of table {self.name}").format(period=period)

    @property
    def relation(self) -> str:
        """The release table this table shows (published with the marts)."""
        return f"marts.release_{self.name}"


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
           header_kk="Есептеу негізі", source="population_basis_name"),
    Column("population_start_date", "Population on", "Численность на дату",
           "text", header_kk="Халық саны, күні"),
    Column("population_end_date", "and on (for the average)", "и на (для среднегодовой)",
           "text", header_kk="және (орташа жылдық үшін)"),
)
# The migration intensity rates, computed by the marts; a rate's header says what it counts
# and on which population (rate_names): every move on the table's basis in the intensity
# table, moves across the border on the average annual population in the table by year.
PER_THOUSAND = (
    Column("arrivals_per_1000_basis_population",
           "Arrivals (every move) per 1,000 population on the table's basis",
           "Прибыло (все перемещения) на 1000 человек населения на базе таблицы", "pct",
           header_kk="Келгендер (барлық көшулер), кесте негізіндегі халықтың 1000 адамына"),
    Column("departures_per_1000_basis_population",
           "Departures (every move) per 1,000 population on the table's basis",
           "Выбыло (все перемещения) на 1000 человек населения на базе таблицы", "pct",
           header_kk="Кеткендер (барлық көшулер), кесте негізіндегі халықтың 1000 адамына"),
    Column("net_migration_per_1000_basis_population",
           "Net migration (every move) per 1,000 population on the table's basis",
           "Сальдо миграции (все перемещения) на 1000 человек населения на базе таблицы", "pct",
           header_kk="Көші-қон сальдосы (барлық көшулер), кесте негізіндегі халықтың 1000 адамына"),
)
EXTERNAL_PER_THOUSAND = (
    Column("external_arrivals_per_1000_average_population",
           "Arrivals from abroad per 1,000 average annual population",
           "Прибыло из-за рубежа на 1000 человек среднегодового населения", "pct",
           header_kk="Шетелден келгендер, орташа жылдық халықтың 1000 адамына"),
    Column("external_departures_per_1000_average_population",
           "Departures abroad per 1,000 average annual population",
           "Выбыло за рубеж на 1000 человек среднегодового населения", "pct",
           header_kk="Шетелге кеткендер, орташа жылдық халықтың 1000 адамына"),
    Column("external_net_per_1000_average_population",
           "Net external migration per 1,000 average annual population",
           "Сальдо внешней миграции на 1000 человек среднегодового населения", "pct",
           header_kk="Сыртқы көші-қон сальдосы, орташа жылдық халықтың 1000 адамына"),
)

# --- the people's tables: by sex and age, by reason, by citizenship --------------------------
# The marts keep exact counts and flag the cells the release withholds (small-number
# protection, models/marts/_marts__docs.md: small_number_protection); a withheld cell shows
# SUPPRESSED, and the total rows (each region and flow, from the exact counts) are published;
# a group whose detail is withheld whole shows its total row only.
# The marts' margin rows (the republic KZ, both sexes _T, all ages _T) are not shown yet:
# the release tables leave them out.
SUPPRESSED = "x"

FLOW_CODE = Column("flow_code", "Flow code", "Код потока", "text", header_kk="Ағын коды")
FLOW_NAME = Column("flow_name", "Flow", "Поток", "text", header_kk="Ағын")
PROTECTED_FLOWS = (
    Column("arrivals", "Arrivals", "Прибыло", header_kk="Келгендер",
           status="arrivals_status"),
    Column("departures", "Departures", "Выбыло", header_kk="Кеткендер",
           status="departures_status"),
    Column("net_migration", "Net migration", "Сальдо миграции", header_kk="Көші-қон сальдосы",
           status="net_migration_status"),
)

def _sex_and_age_table(**names: str) -> Table:
    return Table(
        **names,
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
        name="migration_by_sex_and_age", label="sex_name",
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
        name="migration_by_sex_and_working_age", label="sex_name",
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
        name="migration_by_reason", label="reason_name",
        sheet_en="By reason", sheet_ru="По причинам", sheet_kk="Себептер бойынша",
        title_en=("Migration by region, flow and declared reason for moving, {period}, people "
                  "(x: withheld, small numbers)"),
        title_ru=("Миграция по регионам, потокам и причинам переселения, {period}, человек "
                  "(x: не публикуется, малые числа)"),
        title_kk=("Көші-қон өңірлер, ағындар және көшу себептері бойынша, {period}, адам "
                  "(x: жарияланбайды, шағын сандар)"),
        columns=(
            CODE, NAME, FLOW_CODE, FLOW_NAME,
            Column("reason_code", "Reason code", "Код причины", "text", header_kk="Себеп коды"),
            Column("reason_name", "Reason for moving", "Причина переселения", "text",
                   header_kk="Көшу себебі"),
            *PROTECTED_FLOWS,
        ),
    ),
    Table(
        name="external_migration_by_citizenship", label="citizenship_name",
        sheet_en="External by citizenship", sheet_ru="Внешняя по гражданству",
        sheet_kk="Сыртқы, азаматтығы бойынша",
        title_en=("External migration by region and citizenship, {period}, people "
                  "(x: withheld, small numbers)"),
        title_ru=("Внешняя миграция по регионам и гражданству, {period}, человек "
                  "(x: не публикуется, малые числа)"),
        title_kk=("Сыртқы көші-қон өңірлер және азаматтығы бойынша, {period}, адам "
                  "(x: жарияланбайды, шағын сандар)"),
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
        name="migration_by_region", label="region_name",
        sheet_en="By region", sheet_ru="По регионам",
        title_en="Migration of the population by region, {period}, people",
        title_ru="Миграция населения по регионам, {period}, человек",
        sheet_kk="Өңірлер бойынша",
        title_kk="Халықтың өңірлер бойынша көші-қоны, {period}, адам",
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
        name="external_migration_by_country", label="country_name",
        sheet_en="External by country", sheet_ru="Внешняя по странам",
        title_en="External migration by country, {period}, people (CIS countries first)",
        title_ru="Внешняя миграция по странам, {period}, человек (сначала страны СНГ)",
        sheet_kk="Сыртқы, елдер бойынша",
        title_kk="Сыртқы көші-қон елдер бойынша, {period}, адам (алдымен ТМД елдері)",
        columns=(
            Column("country_code", "ISO code", "Код ISO", "text", header_kk="ISO коды"),
            Column("country_name", "Country", "Страна", "text", header_kk="Ел"),
            Column("country_group", "Group", "Группа", "text", header_kk="Топ",
                   source="country_group_name"),
            *FLOWS,
        ),
    ),
    Table(
        name="external_migration_by_ethnic_group", label="ethnic_group_name",
        sheet_en="Ethnic structure %", sheet_ru="Этнический состав, %",
        title_en="Structure of external migration by ethnic group, {period}, % of the total",
        title_ru="Структура внешней миграции по этносам, {period}, в процентах к итогу",
        sheet_kk="Этникалық құрамы, %",
        title_kk="Сыртқы көші-қонның этностар бойынша құрылымы, {period}, жиынтыққа пайызбен",
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
        name="interregional_net_by_region", label="region_name",
        sheet_en="Interregional net", sheet_ru="Межрегиональное сальдо",
        title_en="Interregional migration by region, {period}, people",
        title_ru="Межрегиональная миграция по регионам, {period}, человек",
        sheet_kk="Өңіраралық сальдо",
        title_kk="Өңіраралық көші-қон өңірлер бойынша, {period}, адам",
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
            Column("change_base_release_id", "Change compared with the figures of release",
                   "Изменение к данным выпуска", "text",
                   header_kk="Өзгеріс мына шығарылым деректерімен салыстырғанда"),
            *EXTERNAL_PER_THOUSAND,
            *POPULATION_BASIS,
            SOURCE,
        ),
    ),
    Table(
        name="external_migration_by_country_annual", label="country_name",
        dynamic=True,
        sheet_en="Annual by country", sheet_ru="По странам по годам",
        title_en="External migration by country and year, people (CIS countries first)",
        title_ru="Внешняя миграция по странам и годам, человек (сначала страны СНГ)",
        sheet_kk="Елдер бойынша, жылдар",
        title_kk="Сыртқы көші-қон елдер және жылдар бойынша, адам (алдымен ТМД елдері)",
        columns=(
            Column("year", "Year", "Год", "text", header_kk="Жыл"),
            Column("country_code", "ISO code", "Код ISO", "text", header_kk="ISO коды"),
            Column("country_name", "Country", "Страна", "text", header_kk="Ел"),
            Column("country_group", "Group", "Группа", "text", header_kk="Топ",
                   source="country_group_name"),
            *FLOWS,
            SOURCE,
        ),
    ),
    Table(
        name="net_migration_by_region_annual", label="region_name",
        dynamic=True,
        sheet_en="Annual net by region", sheet_ru="Сальдо по регионам, годы",
        title_en="Net migration by region and year, people",
        title_ru="Сальдо миграции по регионам и годам, человек",
        sheet_kk="Өңірлер бойынша сальдо, жылдар",
        title_kk="Көші-қон сальдосы өңірлер және жылдар бойынша, адам",
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
        name="net_migration_by_region_monthly", label="region_name",
        dynamic=True,
        sheet_en="Monthly net by region", sheet_ru="Сальдо по регионам, месяцы",
        title_en="Net migration (migration growth of the population) by region and month, people",
        title_ru="Миграционный прирост (сальдо миграции) по регионам и месяцам, человек",
        sheet_kk="Өңірлер бойынша сальдо, айлар",
        title_kk="Көші-қон сальдосы (халықтың көші-қон өсімі) өңірлер және айлар бойынша, адам",
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
