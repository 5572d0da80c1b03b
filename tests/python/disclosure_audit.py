"""The disclosure audit of a release: what an intruder can work out of its withheld cells.

An intruder reads every cell the release publishes and every relation that holds among them
(each total is the sum of each partition of it, in every table that shows it; the same
people counted as arrivals and departures within a region are one number), and solves
linear programmes: for each withheld count, its smallest and largest value consistent with
everything published (scipy's HiGHS). The release protects a withheld count when that
interval neither pins it (at least two whole numbers fit) nor confines it to 1–2 (a withheld
count is known to be at least 1, because zeros are published; so it is confined when no whole
number of 3 or more fits). A row of a group whose detail is withheld whole is not listed: the
intruder knows it only as at least 0.

The published cells are described, not hard-coded: PEOPLE_TABLES names each people's mart
and its dimensions (the region, whose total is the republic `KZ`; the attributes, whose total
is `_T`, one of them with groupings), and REGION_TABLE the region and flow totals the release
publishes in its region table. Every row of a people's mart is taken as published (its
margins too: the release of issue 26 shows the republic and both sexes), unless flagged
withheld — the strongest intruder the marts allow. Of a region and flow whose detail is
withheld whole the release lists no row, so the intruder knows neither its cells nor which
of them hold anyone: only the lines across regions hold its cells. A cell is keyed as SDMX keys it: the
measure, flow and region, and the attributes that are not a total, so a margin shared by two
tables (the region's flow) is one cell.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import highspy
import numpy as np

MEASURES = ("arrivals", "departures")
REPUBLIC = "KZ"
TOTAL = "_T"


@dataclass(frozen=True)
class PeopleTable:
    mart: str
    attributes: tuple[str, ...]  # the code columns of the attributes (their total is _T)
    groupings: dict[str, str] = field(default_factory=dict)  # attribute -> its grouping column
    flow: str | None = "flow_code"  # None: the table is of the external flow only


PEOPLE_TABLES = (
    PeopleTable("migration_by_sex_and_age_annual", ("sex_code", "age_group_code"),
                {"age_group_code": "age_grouping_code"}),
    PeopleTable("migration_by_reason_annual", ("reason_code",)),
    PeopleTable("external_migration_by_citizenship_annual", ("citizenship_code",), flow=None),
)
# The region table: each region's flows (the republic's row is their sum).
REGION_TABLE = "migration_by_region_annual"
REGION_FLOWS = {
    ("external", "arrivals"): "external_arrivals",
    ("external", "departures"): "external_departures",
    ("interregional", "arrivals"): "interregional_arrivals",
    ("interregional", "departures"): "interregional_departures",
    ("intraregional", "arrivals"): "intraregional_moves",
    ("intraregional", "departures"): "intraregional_moves",
}


@dataclass
class Cell:
    value: int
    withheld: bool
    lower: int  # what the intruder knows of a withheld count: at least this


@dataclass
class Finding:
    key: tuple
    value: int
    low: float
    high: float
    why: str  # 'pinned' or 'confined to 1-2'


@dataclass
class Audit:
    release_id: str
    withheld: int  # withheld counts (arrivals and departures)
    findings: list[Finding]
    inconsistent: list[tuple]  # relations among published cells that do not hold
    programmes: int  # linear programmes solved


def _key(measure: str, flow: str, region: str, attributes: dict[str, str]) -> tuple:
    return (measure, flow, region,
            tuple(sorted((name, code) for name, code in attributes.items() if code != TOTAL)))


def published_cells(connection, release_id: str, year: int, schema: str = "marts",
                    margins: bool = True):
    """The cells of a release: {key: Cell}, and the relations [(total key, [item keys])].
    margins=False: the release publishes the people's items and the region table only, not
    the margin rows of the people's marts (the republic KZ, the totals _T)."""
    cells: dict[tuple, Cell] = {}
    relations: list[tuple[tuple, list[tuple]]] = []

    def add(key: tuple, cell: Cell) -> None:
        known = cells.get(key)
        if known is None or (known.withheld and not cell.withheld):
            cells[key] = cell

    # the region table: every region's flows, and the republic as their sum
    columns = sorted(set(REGION_FLOWS.values()))
    rows = connection.execute(
        f"select region_code, {', '.join(columns)} from {schema}.{REGION_TABLE} "
        "where release_id = ? and source_release_id = release_id and year = ?",
        [release_id, year]).fetchall()
    republic: dict[tuple, int] = defaultdict(int)
    for region, *values in rows:
        by_column = dict(zip(columns, values))
        for (flow, measure), column in REGION_FLOWS.items():
            add(_key(measure, flow, region, {}), Cell(by_column[column], False, 0))
            republic[(flow, measure)] += by_column[column]
    for (flow, measure), value in republic.items():
        add(_key(measure, flow, REPUBLIC, {}), Cell(value, False, 0))

    for table in PEOPLE_TABLES:
        groupings = list(table.groupings.values())
        flow = table.flow or "'external'"
        rows = connection.execute(
            f"select region_code, {flow} as flow_code, "
            f"{', '.join([*table.attributes, *groupings] or ['null'])}, "
            "arrivals, departures, arrivals_is_suppressed, departures_is_suppressed, "
            f"is_detail_withheld from {schema}.{table.mart} where release_id = ? and year = ?",
            [release_id, year]).fetchall()
        width = len(table.attributes) + len(groupings)
        detail_units: set[tuple[str, str]] = set()  # (flow, region) whose detail is withheld
        grouping_of: dict[tuple[str, str], str] = {}  # (attribute, code) -> its grouping
        cube: list[tuple[str, str, str, dict]] = []  # (measure, flow, region, codes)
        for row in rows:
            region, flow_code = row[0], row[1]
            codes = dict(zip(table.attributes, row[2:2 + len(table.attributes)]))
            for attribute, column in table.groupings.items():
                grouping_of[(attribute, codes[attribute])] = row[2 + len(table.attributes)
                                                                 + groupings.index(column)]
            arrivals, departures, arrivals_withheld, departures_withheld, detail = row[2 + width:]
            if detail:
                detail_units.add((flow_code, region))
            is_margin = region == REPUBLIC or TOTAL in codes.values()
            for measure, value, withheld in (("arrivals", arrivals, arrivals_withheld),
                                             ("departures", departures, departures_withheld)):
                cube.append((measure, flow_code, region, codes))
                if margins or not is_margin:
                    add(_key(measure, flow_code, region, codes),
                        Cell(value, bool(withheld or detail), 0 if detail else 1))
        # every cell of the cube, the margins it implies included (a total is a cell too, an
        # item of the lines of its other dimensions), is an item of one line per dimension
        # (and grouping) it is not the total of
        lines: dict[tuple, set[tuple]] = defaultdict(set)
        seen = {_key(*cell) for cell in cube}
        while cube:
            measure, flow_code, region, codes = cube.pop()
            key = _key(measure, flow_code, region, codes)
            totals = []
            if region != REPUBLIC:
                lines[("region", measure, flow_code, tuple(sorted(codes.items())))].add(key)
                totals.append((measure, flow_code, REPUBLIC, codes))
            for attribute in table.attributes:
                if codes[attribute] == TOTAL:
                    continue
                others = tuple(sorted((name, code) for name, code in codes.items()
                                      if name != attribute))
                lines[(attribute, grouping_of.get((attribute, codes[attribute])), measure,
                       flow_code, region, others)].add(key)
                totals.append((measure, flow_code, region, {**codes, attribute: TOTAL}))
            for total in totals:
                if _key(*total) not in seen:
                    seen.add(_key(*total))
                    cube.append(total)
        for line, items in lines.items():
            if line[0] == "region":
                _, measure, flow_code, codes = line
                total = _key(measure, flow_code, REPUBLIC, dict(codes))
            else:
                attribute, _, measure, flow_code, region, others = line
                if (flow_code, region) in detail_units:
                    # the release lists no row of this region and flow: the intruder does not
                    # know which of its cells hold anyone, so its lines pin none of them
                    continue
                total = _key(measure, flow_code, region, {**dict(others), attribute: TOTAL})
            relations.append((total, sorted(items)))
    # the same people: a region's intraregional arrivals and departures
    for key in list(cells):
        measure, flow_code, region, attributes = key
        if flow_code == "intraregional" and measure == "arrivals":
            twin = ("departures", flow_code, region, attributes)
            if twin in cells:
                relations.append((key, [twin]))
    return cells, relations


def audit_release(connection, release_id: str, year: int, schema: str = "marts",
                  margins: bool = True) -> Audit:
    """Solve the intruder's linear programmes for one release (its own year)."""
    cells, relations = published_cells(connection, release_id, year, schema, margins)
    # a withheld zero is a row of a withheld detail (zeros are published): not audited
    withheld = [key for key, cell in cells.items() if cell.withheld and cell.value > 0]
    unaudited = [key for key, cell in cells.items() if cell.withheld and cell.value == 0]
    # a total the release does not publish is still one number, the sum of each of its
    # partitions (e.g. a region's men: the five-year groups and the working-age groups)
    hidden = sorted({key for total, items in relations for key in (total, *items)
                     if key not in cells})
    for key in hidden:
        cells[key] = Cell(0, True, 0)
    variables = {key: index for index, key in enumerate([*withheld, *unaudited, *hidden])}
    audited = len(withheld)
    equations = []  # (indices, coefficients, right-hand side)
    inconsistent = []
    for total, items in relations:
        terms = [(total, 1)] + [(item, -1) for item in items]
        indices, coefficients, constant = [], [], 0
        for key, sign in terms:
            if key in variables:
                indices.append(variables[key])
                coefficients.append(sign)
            else:
                constant += sign * cells[key].value
        if indices:
            equations.append((indices, coefficients, -constant))
        elif constant != 0:
            inconsistent.append((total, constant))

    # an equation holding an unaudited unknown that no other equation holds says nothing
    # of the others (that unknown takes up any difference): drop it, and so on
    unknowns_free = set(range(audited, len(variables)))
    while True:
        holding: dict[int, int] = defaultdict(int)
        for indices, _, _ in equations:
            for index in set(indices):
                holding[index] += 1
        loose = {index for index in unknowns_free if holding.get(index) == 1}
        if not loose:
            break
        equations = [equation for equation in equations if not loose & set(equation[0])]
        unknowns_free -= loose

    # independent blocks: the withheld cells linked by some equation
    parent = list(range(len(variables)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for indices, _, _ in equations:
        for index in indices[1:]:
            parent[find(index)] = find(indices[0])
    blocks: dict[int, list[int]] = defaultdict(list)
    for index in range(len(variables)):
        blocks[find(index)].append(index)
    block_equations: dict[int, list] = defaultdict(list)
    for equation in equations:
        block_equations[find(equation[0][0])].append(equation)

    keys = list(variables)
    findings, programmes = [], 0
    for root, members in blocks.items():
        rows = block_equations[root]
        if not rows or not any(index < audited for index in members):
            continue  # in no relation: anything from its lower bound up
        solver = _block_solver(members, rows, [cells[keys[index]].lower for index in members])
        # a cell is protected when some solution gives it at least one more than its value
        # and at least 3 (its value is a solution too): every solution found is checked
        # against every cell of the block, so most cells need no programme of their own
        targets = np.array([max(cells[keys[index]].value + 1, 3) - 1e-6 for index in members])
        protected = np.array([index >= audited for index in members])
        for column, index in enumerate(members):
            if protected[column]:
                continue
            cell = cells[keys[index]]
            low, high, solved, solution = _interval(solver, column, cell.value)
            programmes += solved
            if solution is not None:
                protected |= solution >= targets
            lowest = math.ceil(low - 1e-6)
            highest = math.floor(high + 1e-6) if high != math.inf else math.inf
            if highest - lowest < 1:
                findings.append(Finding(keys[index], cell.value, low, high, "pinned"))
            elif lowest >= 1 and highest <= 2:
                findings.append(Finding(keys[index], cell.value, low, high, "confined to 1-2"))
    return Audit(release_id, audited, findings, inconsistent, programmes)


def audit_releases(database, schema: str = "marts", margins: bool = True,
                   latest: bool = False) -> list[Audit]:
    """The audit of every release of the calendar in a published marts file, each on its own
    period's year; with `latest`, of the evaluation `latest` too (its period: January to its
    last month counted, `kzmig export --release latest`)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        releases = connection.execute(
            f"select release_id, period_year from {schema}.dim_release "
            "where period_year is not null and (release_id != 'latest' or ?) order by release_id",
            [latest]).fetchall()
        return [audit_release(connection, release_id, year, schema, margins)
                for release_id, year in releases]


def _block_solver(members: list[int], rows: list, lowers: list[int]) -> highspy.Highs:
    """HiGHS holding one block's equations over its variables (columns in `members` order),
    each at least its lower bound; the objective is set per solve."""
    position = {index: column for column, index in enumerate(members)}
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    # each variable's minimum and maximum in turn: the simplex starts from the last basis
    solver.setOptionValue("presolve", "off")
    solver.addVars(len(members), np.array(lowers, dtype=float),
                   np.full(len(members), highspy.kHighsInf))
    for indices, coefficients, value in rows:
        columns: dict[int, float] = defaultdict(float)
        for index, coefficient in zip(indices, coefficients):
            columns[position[index]] += coefficient
        solver.addRow(value, value, len(columns), np.array(list(columns), dtype=np.int32),
                      np.array(list(columns.values()), dtype=float))
    return solver


def _interval(solver: highspy.Highs, column: int, value: int):
    """The smallest and the largest value of one variable (inf: unbounded above), the
    number of programmes solved and the solution that maximises it (None if unbounded). The true value is feasible, so when the largest is at
    least one more than it and at least 3, the cell is neither pinned nor confined to 1-2
    whatever the smallest: the smallest is then not solved for (given as the true value)."""
    solver.changeColCost(column, 1.0)
    high = _optimum(solver, highspy.ObjSense.kMaximize)
    solution = (np.array(solver.getSolution().col_value) if high != math.inf else None)
    if high >= max(value + 1, 3) - 1e-6:
        low, solved = float(value), 1
    else:
        low, solved = _optimum(solver, highspy.ObjSense.kMinimize), 2
    solver.changeColCost(column, 0.0)
    return low, high, solved, solution


def _optimum(solver: highspy.Highs, sense) -> float:
    solver.changeObjectiveSense(sense)
    solver.run()
    status = solver.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kUnbounded):
        solver.clearSolver()  # the basis of the last solve did not help: start afresh
        solver.run()
        status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kUnbounded:
        return math.inf
    if status != highspy.HighsModelStatus.kOptimal:
        raise AssertionError(f"the published cells admit no solution: "
                             f"{solver.modelStatusToString(status)}")
    return solver.getInfo().objective_function_value
