"""`kzmig export --format sdmx`: SDMX-CSV 2.0 and its structure, built with sdmx1 from
release_sdmx_observations and release_sdmx_codes, and read back."""

from __future__ import annotations

from pathlib import Path

from kzmig.export.tables import relation

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

CONF_STATUS = "CONF_STATUS"  # the observation attribute (SDMX's CL_CONF_STATUS)


def build(connection, release_id: str) -> tuple[object, object]:
    """A release's structure message (the structure, the dataflow) and data set."""
    from sdmx import message
    from sdmx.model import common, v21

    maintainable = dict(maintainer=common.Agency(id=AGENCY), version=VERSION)
    concepts = common.ConceptScheme(id="CS_MIGRATION", name="Migration concepts", **maintainable)
    structure = v21.DataStructureDefinition(
        id="DSD_MIGRATION", name="Migration of the population of Kazakhstan", **maintainable)
    codes = connection.table("marts.release_sdmx_codes").order("dimension_code, code_position")
    codelists = {dimension: common.Codelist(id=f"CL_{dimension}", name=name, **maintainable)
                 for dimension, name in (*DIMENSIONS, (CONF_STATUS, "Confidentiality status"))}
    for dimension, code, code_name in codes.select("dimension_code, code, code_name").fetchall():
        codelists[dimension].setdefault(id=code, name=code_name)
    for dimension, name in DIMENSIONS:
        structure.dimensions.getdefault(
            id=dimension, concept_identity=concepts.setdefault(id=dimension, name=name),
            local_representation=common.Representation(enumerated=codelists[dimension]))
    structure.dimensions.getdefault(
        id="TIME_PERIOD", cls=common.TimeDimension,
        concept_identity=concepts.setdefault(id="TIME_PERIOD", name="Reference period"))
    structure.measures.getdefault(
        id="OBS_VALUE", concept_identity=concepts.setdefault(id="OBS_VALUE", name="People"))
    confidentiality = codelists[CONF_STATUS]
    attribute = structure.attributes.getdefault(
        id=CONF_STATUS,
        concept_identity=concepts.setdefault(id=CONF_STATUS, name="Confidentiality status"),
        local_representation=common.Representation(enumerated=confidentiality),
        related_to=v21.PrimaryMeasureRelationship(), usage_status=common.UsageStatus.mandatory)
    dataflow = v21.DataflowDefinition(
        id=DATAFLOW_ID, name="Migration of the population of Kazakhstan", structure=structure,
        **maintainable)

    rows = relation(connection, "release_sdmx_observations", release_id=release_id).order(
        ", ".join(KEY_COLUMNS)).select(", ".join((*KEY_COLUMNS, "time_period", "obs_value",
                                                 "conf_status"))).fetchall()
    measure = structure.measures[0]
    observations = [
        v21.Observation(
            dimension=structure.make_key(
                common.Key, {**dict(zip((d for d, _ in DIMENSIONS), row[:-3])),
                             "TIME_PERIOD": row[-3]}),
            value=None if row[-2] is None else int(row[-2]), value_for=measure,
            attached_attribute={CONF_STATUS: common.AttributeValue(
                value=confidentiality[row[-1]], value_for=attribute)})
        for row in rows
    ]
    dataset = v21.DataSet(described_by=dataflow, structured_by=structure)
    dataset.add_obs(observations)

    structure_message = message.StructureMessage()
    for artefact in (concepts, *codelists.values(), structure, dataflow):
        structure_message.add(artefact)
    return structure_message, dataset


def write(folder: Path, structure_message, dataset) -> None:
    """SDMX-CSV 2.0 and the SDMX-ML structure into `folder`, read back (KzmigError if unequal)."""
    import pandas as pd
    import sdmx

    from kzmig.project import KzmigError

    (folder / STRUCTURE_FILE).write_bytes(sdmx.to_xml(structure_message, pretty_print=True))
    # A withheld cell's OBS_VALUE is NaN, SDMX's mark of a value missing on purpose (an empty
    # field reads as "not given"); pandas writes it for the missing counts of the Int64 column.
    table = sdmx.to_csv(dataset, rtype=pd.DataFrame, dtype="Int64", attributes="o")
    table.to_csv(folder / DATA_FILE, index=False, na_rep="NaN")
    _, read = read_back(folder)
    if len(read.obs) != len(dataset.obs):
        raise KzmigError(f"SDMX: {DATA_FILE} reads back {len(read.obs)} observations, "
                         f"{len(dataset.obs)} written")


def read_back(folder: Path) -> tuple[object, object]:
    """The dataflow and the data set of `folder`, read with sdmx1."""
    import sdmx

    structures = sdmx.read_sdmx(folder / STRUCTURE_FILE)
    dataflow = structures.dataflow[DATAFLOW_ID]
    data = sdmx.read_sdmx(folder / DATA_FILE, structure=dataflow)
    return dataflow, data.data[0]
