"""`kzmig export --format sdmx`: the main tables of a release as SDMX-CSV 2.0, with their
data structure, written and read back with the SDMX library sdmx1 (`sdmx.model`).

DIR/RELEASE_ID-sdmx/ holds
  - KZ_MIGRATION.csv: SDMX-CSV 2.0.0
    (`STRUCTURE,STRUCTURE_ID,ACTION,<dimensions>,OBS_VALUE,CONF_STATUS`), one observation
    per cell of the release's own period;
  - structure.xml: the SDMX-ML 2.1 structure message (the data structure DSD_MIGRATION,
    the dataflow DF_MIGRATION, the concept scheme and the code lists), so that a reader can
    check the file without this project.

The data structure (agency KZ_MIG, version 1.0): dimensions REF_AREA (KATO region code, or
KZ for the republic), FLOW (external, interregional, intraregional), DIRECTION (ARR
arrivals, DEP departures, NET net migration), COUNTERPART_AREA (ISO 3166-1 alpha-3 of the
country moved from or to; `_T` all), CITIZENSHIP (ISO 3166-1 alpha-3; XXX stateless or not
stated; `_T` all), REASON (the reasons seed's codes; `_T` all), SEX (SDMX CL_SEX style: M,
F, `_U` not stated, `_T` total), AGE (SDMX CL_AGE style: Y0T4 … Y_GE80, `_U`; UWA, WA, OWA,
WA_U for the working-age groups; `_T` total) and TIME_PERIOD (the release's period: `2023`
for a whole year, `2023-01-01/P9M` for January–September); measure OBS_VALUE (people); the
observation attribute CONF_STATUS (SDMX's cross-domain code list CL_CONF_STATUS: F free, C
confidential, D secondary confidentiality).

The observations are SQL on the marts (SDMX_SQL): the region table (region × flow ×
direction), the table by country (the republic × counterpart country), and the people's
tables (by sex and age, by reason, by citizenship), with the small-number protection of the
release: a withheld cell (the marts' `*_withheld_reason_code`) is in the file
with OBS_VALUE NaN (SDMX's missing value) and CONF_STATUS C when the marts say `primary` (a
count of 1 or 2), D for `secondary` (secondary: withheld so that the 1s and 2s cannot be
worked out from the totals, and every net migration of a withheld arrivals or departures
count); every published cell has CONF_STATUS F. Python only builds the SDMX objects from those rows and the code lists
from the marts' dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AGENCY = "KZ_MIG"
VERSION = "1.0"
DATAFLOW_ID = "DF_MIGRATION"
DATA_FILE = "KZ_MIGRATION.csv"
STRUCTURE_FILE = "structure.xml"

# The dimensions in key order, with their names; TIME_PERIOD last.
DIMENSIONS = (
    ("REF_AREA", "Reference area (KATO region code; KZ the republic)"),
    ("FLOW", "Migration flow"),
    ("DIRECTION", "Direction of the move"),
    ("COUNTERPART_AREA", "Counterpart country (ISO 3166-1 alpha-3)"),
    ("CITIZENSHIP", "Citizenship (ISO 3166-1 alpha-3)"),
    ("REASON", "Declared reason for moving"),
    ("SEX", "Sex"),
    ("AGE", "Age group (completed years on the registration date)"),
)
KEY_COLUMNS = tuple(dimension.lower() for dimension, _ in DIMENSIONS)

# The observations of a release: one row per cell, as the release shows them (a withheld
# cell without its value, with its confidentiality status). $release_id and $period_year
# are parameters.
_DIRECTIONS = """
    directions as (
        select 'ARR' as direction union all select 'DEP' union all select 'NET'
    )"""

SDMX_SQL = f"""
with {_DIRECTIONS.strip()},
region_table as (
    select region_code as ref_area, flow_code as flow, direction,
        case direction when 'ARR' then arrivals when 'DEP' then departures
            else arrivals - departures end as obs_value
    from (
        select region_code, 'external' as flow_code,
            external_arrivals as arrivals, external_departures as departures
        from marts.migration_by_region_annual
        where release_id = $release_id and source_release_id = release_id and year = $period_year
        union all
        select region_code, 'interregional', interregional_arrivals, interregional_departures
        from marts.migration_by_region_annual
        where release_id = $release_id and source_release_id = release_id and year = $period_year
        union all
        select region_code, 'intraregional', intraregional_moves, intraregional_moves
        from marts.migration_by_region_annual
        where release_id = $release_id and source_release_id = release_id and year = $period_year
    ) as flows
    cross join directions
),
country_table as (
    select 'KZ' as ref_area, 'external' as flow, direction, country_code as counterpart_area,
        case direction when 'ARR' then arrivals when 'DEP' then departures
            else net_migration end as obs_value
    from marts.external_migration_by_country_annual
    cross join directions
    where release_id = $release_id and source_release_id = release_id and year = $period_year
),
people_cells as (
    select region_code, flow_code, sex_code, age_group_code, '_T' as reason_code,
        '_T' as citizenship_code, arrivals, departures, net_migration,
        arrivals_is_suppressed, departures_is_suppressed, net_migration_is_suppressed,
        is_detail_withheld, arrivals_withheld_reason_code, departures_withheld_reason_code,
        net_migration_withheld_reason_code
    from marts.migration_by_sex_and_age_annual
    where release_id = $release_id and year = $period_year
        and age_grouping_code <> '_T' and region_code <> 'KZ' and sex_code <> '_T'
    union all
    select region_code, flow_code, '_T', '_T', reason_code, '_T', arrivals, departures,
        net_migration, arrivals_is_suppressed, departures_is_suppressed,
        net_migration_is_suppressed, is_detail_withheld, arrivals_withheld_reason_code,
        departures_withheld_reason_code, net_migration_withheld_reason_code
    from marts.migration_by_reason_annual
    where release_id = $release_id and year = $period_year and region_code <> 'KZ' and reason_code <> '_T'
    union all
    select region_code, 'external', '_T', '_T', '_T', citizenship_code, arrivals, departures,
        net_migration, arrivals_is_suppressed, departures_is_suppressed,
        net_migration_is_suppressed, is_detail_withheld, arrivals_withheld_reason_code,
        departures_withheld_reason_code, net_migration_withheld_reason_code
    from marts.external_migration_by_citizenship_annual
    where release_id = $release_id and year = $period_year and region_code <> 'KZ'
        and citizenship_code <> '_T'
),
people_table as (
    select region_code as ref_area, flow_code as flow, direction,
        citizenship_code as citizenship, reason_code as reason,
        case sex_code when 'U' then '_U' else sex_code end as sex,
        age_group_code as age,
        case direction when 'ARR' then arrivals when 'DEP' then departures
            else net_migration end as exact_value,
        case direction when 'ARR' then arrivals_withheld_reason_code
            when 'DEP' then departures_withheld_reason_code
            else net_migration_withheld_reason_code end as withheld_reason_code
    from people_cells
    cross join directions
),
people_table_protected as (
    select ref_area, flow, direction, citizenship, reason, sex, age,
        case when withheld_reason_code is null then exact_value end as obs_value,
        case withheld_reason_code when 'primary' then 'C' when 'secondary' then 'D' else 'F' end
            as conf_status
    from people_table
),
observations as (
    select ref_area, flow, direction, '_T' as counterpart_area, '_T' as citizenship,
        '_T' as reason, '_T' as sex, '_T' as age, obs_value, 'F' as conf_status
    from region_table
    union all
    select ref_area, flow, direction, counterpart_area, '_T', '_T', '_T', '_T', obs_value, 'F'
    from country_table
    union all
    select ref_area, flow, direction, '_T', citizenship, reason, sex, age, obs_value,
        conf_status
    from people_table_protected
)
select {', '.join(KEY_COLUMNS)}, obs_value, conf_status
from observations
order by {', '.join(KEY_COLUMNS)}"""

# The code lists: (dimension, SQL of code and English name). `_T` etc. are added below.
CODELIST_SQL = {
    "REF_AREA": "select region_code, region_name_en from marts.dim_region "
                "union all select 'KZ', 'Republic of Kazakhstan'",
    "COUNTERPART_AREA": "select country_code, country_name_en from marts.dim_country",
    "CITIZENSHIP": "select country_code, country_name_en from marts.dim_country",
    "REASON": "select distinct reason_code, reason_name_en from marts.migration_by_reason_annual",
    "AGE": "select distinct age_group_code, age_group_name_en "
           "from marts.migration_by_sex_and_age_annual",
}
FIXED_CODES = {
    "FLOW": (("external", "External migration"), ("interregional", "Interregional migration"),
             ("intraregional", "Intraregional migration")),
    "DIRECTION": (("ARR", "Arrivals"), ("DEP", "Departures"), ("NET", "Net migration")),
    "SEX": (("M", "Male"), ("F", "Female"), ("_U", "Not stated"), ("_T", "Total")),
}
TOTAL_CODE = ("_T", "Total")
# The observation attribute of confidentiality: the codes of SDMX's cross-domain code list
# CL_CONF_STATUS that the release uses.
CONF_STATUS = "CONF_STATUS"
CONF_STATUS_CODES = (
    ("F", "Free"),
    ("C", "Confidential statistical information"),
    ("D", "Secondary confidentiality set by the sender, not for publication"),
)


@dataclass
class SdmxRelease:
    structure_message: object  # sdmx.message.StructureMessage
    dataflow: object  # sdmx.model.v21.DataflowDefinition
    dataset: object  # sdmx.model.v21.DataSet


def time_period(period_year: int, period_end_month: int) -> str:
    """The release's period as an SDMX time period: the year, or a range from January."""
    if period_end_month == 12:
        return str(period_year)
    return f"{period_year}-01-01/P{period_end_month}M"


def build(connection, release_id: str, period_year: int, period_end_month: int) -> SdmxRelease:
    """The data structure, the dataflow and the data set of a release, from the marts."""
    from sdmx import message
    from sdmx.model import common, v21

    maintainable = dict(maintainer=common.Agency(id=AGENCY), version=VERSION)
    concepts = common.ConceptScheme(id="CS_MIGRATION", name="Migration concepts", **maintainable)
    structure = v21.DataStructureDefinition(
        id="DSD_MIGRATION", name="Migration of the population of Kazakhstan", **maintainable)
    codelists = []
    for dimension, name in DIMENSIONS:
        if dimension in FIXED_CODES:
            codes = list(FIXED_CODES[dimension])
        else:
            codes = [tuple(row) for row in connection.execute(CODELIST_SQL[dimension]).fetchall()]
            codes.append(TOTAL_CODE)
        codelist = common.Codelist(id=f"CL_{dimension}", name=name, **maintainable)
        for code, code_name in codes:
            codelist.setdefault(id=code, name=code_name)
        codelists.append(codelist)
        structure.dimensions.getdefault(
            id=dimension, concept_identity=concepts.setdefault(id=dimension, name=name),
            local_representation=common.Representation(enumerated=codelist))
    structure.dimensions.getdefault(
        id="TIME_PERIOD", cls=common.TimeDimension,
        concept_identity=concepts.setdefault(id="TIME_PERIOD", name="Reference period"))
    structure.measures.getdefault(
        id="OBS_VALUE", concept_identity=concepts.setdefault(id="OBS_VALUE", name="People"))
    confidentiality = common.Codelist(id=f"CL_{CONF_STATUS}", name="Confidentiality status",
                                      **maintainable)
    for code, code_name in CONF_STATUS_CODES:
        confidentiality.setdefault(id=code, name=code_name)
    codelists.append(confidentiality)
    attribute = structure.attributes.getdefault(
        id=CONF_STATUS,
        concept_identity=concepts.setdefault(id=CONF_STATUS, name="Confidentiality status"),
        local_representation=common.Representation(enumerated=confidentiality),
        related_to=v21.PrimaryMeasureRelationship(), usage_status=common.UsageStatus.mandatory)
    dataflow = v21.DataflowDefinition(
        id=DATAFLOW_ID, name="Migration of the population of Kazakhstan", structure=structure,
        **maintainable)

    period = time_period(period_year, period_end_month)
    rows = connection.execute(SDMX_SQL, {"release_id": release_id,
                                         "period_year": period_year}).fetchall()
    measure = structure.measures[0]
    observations = [
        v21.Observation(
            dimension=structure.make_key(
                common.Key, {**dict(zip((d for d, _ in DIMENSIONS), row[:-2])),
                             "TIME_PERIOD": period}),
            value=None if row[-2] is None else int(row[-2]), value_for=measure,
            attached_attribute={CONF_STATUS: common.AttributeValue(
                value=confidentiality[row[-1]], value_for=attribute)})
        for row in rows
    ]
    dataset = v21.DataSet(described_by=dataflow, structured_by=structure)
    dataset.add_obs(observations)

    structure_message = message.StructureMessage()
    for artefact in (concepts, *codelists, structure, dataflow):
        structure_message.add(artefact)
    return SdmxRelease(structure_message=structure_message, dataflow=dataflow, dataset=dataset)


def invalid_codes(release: SdmxRelease) -> list[str]:
    """Key values of the data set that are not in their dimension's code list."""
    structure = release.dataflow.structure
    problems = []
    for observation in release.dataset.obs:
        for key_value in observation.dimension.values.values():
            dimension = structure.dimensions.get(key_value.id)
            representation = dimension.local_representation
            if representation is not None and representation.enumerated is not None \
                    and key_value.value not in representation.enumerated:
                problems.append(f"{key_value.id}={key_value.value}")
    return sorted(set(problems))


def write(folder: Path, release: SdmxRelease) -> None:
    """SDMX-CSV 2.0 and the SDMX-ML structure message into `folder`; then read both back
    with sdmx1 and check them (KzmigError otherwise)."""
    import pandas as pd
    import sdmx

    from kzmig.project import KzmigError

    problems = invalid_codes(release)
    if problems:
        raise KzmigError("SDMX: key values outside their code lists: " + ", ".join(problems[:10]))
    (folder / STRUCTURE_FILE).write_bytes(sdmx.to_xml(release.structure_message, pretty_print=True))
    # A withheld cell's OBS_VALUE is NaN, SDMX's mark of a value missing on purpose (an empty
    # field reads as "not given"); pandas writes it for the missing counts of the Int64 column.
    table = sdmx.to_csv(release.dataset, rtype=pd.DataFrame, dtype="Int64", attributes="o")
    table.to_csv(folder / DATA_FILE, index=False, na_rep="NaN")
    read = read_back(folder)
    if len(read.dataset.obs) != len(release.dataset.obs):
        raise KzmigError(f"SDMX: {DATA_FILE} reads back {len(read.dataset.obs)} observations, "
                         f"{len(release.dataset.obs)} written")


@dataclass
class ReadBack:
    dataflow: object
    dataset: object


def read_back(folder: Path) -> ReadBack:
    """The structure message and the SDMX-CSV of `folder`, read with sdmx1."""
    import sdmx

    structures = sdmx.read_sdmx(folder / STRUCTURE_FILE)
    dataflow = structures.dataflow[DATAFLOW_ID]
    data = sdmx.read_sdmx(folder / DATA_FILE, structure=dataflow)
    return ReadBack(dataflow=dataflow, dataset=data.data[0])
