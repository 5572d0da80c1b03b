"""The synthetic mark: a warehouse built on the synthetic world knows it, and every output
of it says so; real deliveries never carry the mark.

- `kzmig generate` lists each delivery with its size and SHA-256 in manifest.json;
- built (tiny synthetic world, `--years 1 --scale 0.01`), every delivery is synthetic in
  intermediate.int_coupon_deliveries_marked, every evaluation of marts.dim_release has
  synthetic data, and so does the publication record meta.publication;
- exported (English and Russian), the first line of key_points.md is the banner, the
  first row of every sheet of release.xlsx is the banner (the table one row lower, the
  frozen panes too), index.html shows its banner, release.json says `"synthetic": true` with a notice, SYNTHETIC-DATA.txt
  lies beside the CSVs (which keep their header first), the console says so;
- the hand-written fixtures (real deliveries, no manifest) carry no mark anywhere;
- a synthetic world with one delivery edited by hand and a real delivery added: those
  two are not synthetic, and the warehouse still says it holds synthetic data;
- a synthetic manifest with a malformed SHA-256 is one clear error.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from kzmig import export as release_export
from kzmig.export import tables as release_tables
from kzmig.export import texts, writers
from kzmig.landing import SYNTHETIC_MANIFEST, ManifestEntry, synthetic_manifest_entries
from kzmig.project import KzmigError
from kzmig.publish import published_path

from conftest import RELEASE_TABLES, FIXTURES_DIR, build_warehouse, query

EDITED = "coupons_2021_02.csv"
ADDED = "coupons_2023_05.csv"  # a hand-written (real) fixture delivery
RED = "00C00000"


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory) -> Path:
    """A small synthetic world (about 10,000 rows, 15 deliveries)."""
    from kzmig.generate import generate_world

    landing = tmp_path_factory.mktemp("tiny") / "landing"
    generate_world(out_dir=landing, file_format="csv", seed=2024, years=1, scale=0.01, progress=False)
    return landing


@pytest.fixture(scope="module")
def synthetic_warehouse(tmp_path_factory, tiny_world) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("synthetic_build"), tiny_world)


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("real_build"), FIXTURES_DIR / "landing_csv")


@pytest.fixture(scope="module")
def mixed_warehouse(tmp_path_factory, tiny_world) -> Path:
    """The tiny world with one delivery edited by hand (an empty line appended: still a
    well-formed delivery, other bytes) and a real delivery added, built from scratch."""
    landing = tmp_path_factory.mktemp("mixed") / "landing"
    shutil.copytree(tiny_world, landing)
    with open(landing / EDITED, "ab") as handle:
        handle.write(b"\n")
    shutil.copyfile(FIXTURES_DIR / "landing_csv" / ADDED, landing / ADDED)
    return build_warehouse(tmp_path_factory.mktemp("mixed_build"), landing)


def marked_deliveries(warehouse: Path) -> dict[str, bool]:
    return dict(query(warehouse, "select source_file, is_synthetic "
                                 "from intermediate.int_coupon_deliveries_marked order by source_file"))


def evaluation_marks(database: Path) -> set[bool]:
    return {row[0] for row in query(database, "select has_synthetic_data from marts.dim_release")}


def publication_mark(warehouse: Path) -> bool:
    return query(published_path(warehouse), "select has_synthetic_data from meta.publication")[0][0]


# --- the generator and the build ---------------------------------------------------------

def test_the_manifest_lists_each_delivery_with_its_size_and_sha256(tiny_world):
    manifest = json.loads((tiny_world / SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))
    deliveries = sorted(path.name for path in tiny_world.glob("coupons_*.csv"))
    assert manifest["synthetic"] is True and sorted(manifest["files"]) == deliveries
    assert len(deliveries) == 15
    for name in deliveries:
        data = (tiny_world / name).read_bytes()
        assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert manifest["files"][name]["size_bytes"] == len(data), name
    assert synthetic_manifest_entries(tiny_world) == [
        ManifestEntry(name, manifest["files"][name]["size_bytes"], manifest["files"][name]["sha256"])
        for name in deliveries]


def test_the_dbt_plugin_hands_the_manifest_to_the_hook(tiny_world):
    from kzmig.dbt_plugin import check_landing_json

    answer = json.loads(check_landing_json(str(tiny_world), None, None))
    assert answer["synthetic_manifest"] == [entry.as_dict() for entry in synthetic_manifest_entries(tiny_world)]
    assert {entry["source_file"]: entry["file_sha256"] for entry in answer["synthetic_manifest"]} == {
        report["source_file"]: report["file_sha256"] for report in answer["deliveries"]}


def test_a_synthetic_world_is_marked_in_the_deliveries_the_marts_and_the_publication(
        synthetic_warehouse, tiny_world):
    deliveries = sorted(path.name for path in tiny_world.glob("coupons_*.csv"))
    assert marked_deliveries(synthetic_warehouse) == {name: True for name in deliveries}
    # the SHA-256 the build read is the one the generator listed
    assert query(synthetic_warehouse, """
        select count(*) from intermediate.int_coupon_deliveries_marked
        where listed_file_sha256 = file_sha256""") == [(len(deliveries),)]
    # every evaluation is marked: each release of the calendar and latest
    assert evaluation_marks(synthetic_warehouse) == {True}
    assert query(synthetic_warehouse, "select count(*) from marts.dim_release") == query(
        synthetic_warehouse, "select count(*) + 1 from reference.release_calendar")
    # the published marts and their publication record say it too
    assert evaluation_marks(published_path(synthetic_warehouse)) == {True}
    assert publication_mark(synthetic_warehouse) is True


def test_real_deliveries_carry_no_mark(real_warehouse):
    assert marked_deliveries(real_warehouse) == {
        "coupons_2023_01.csv": False, "coupons_2023_02.csv": False,
        "coupons_2023_03.csv": False, "coupons_2023_05.csv": False}
    assert query(real_warehouse, "select count(*) from landing.synthetic_manifest_files") == [(0,)]
    assert evaluation_marks(real_warehouse) == {False}
    assert evaluation_marks(published_path(real_warehouse)) == {False}
    assert publication_mark(real_warehouse) is False


def test_an_edited_or_added_delivery_is_not_synthetic_and_the_warehouse_still_holds_synthetic_data(
        mixed_warehouse, tiny_world):
    marks = marked_deliveries(mixed_warehouse)
    synthetic = sorted(path.name for path in tiny_world.glob("coupons_*.csv") if path.name != EDITED)
    assert marks == {**{name: True for name in synthetic}, EDITED: False, ADDED: False}
    edited = query(mixed_warehouse, """
        select listed_file_sha256, file_sha256, file_size_bytes
        from intermediate.int_coupon_deliveries_marked where source_file = ?""", [EDITED])[0]
    original = (tiny_world / EDITED).read_bytes()
    assert edited == (hashlib.sha256(original).hexdigest(), hashlib.sha256(original + b"\n").hexdigest(),
                      len(original) + 1)
    # any synthetic delivery marks the figures: every evaluation, and the publication
    assert evaluation_marks(mixed_warehouse) == {True}
    assert publication_mark(mixed_warehouse) is True


def test_a_malformed_synthetic_manifest_is_one_clear_error(tiny_world, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(tiny_world, landing)
    manifest = json.loads((landing / SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["coupons_2021_03.csv"]["sha256"] = "not-a-hash"
    (landing / SYNTHETIC_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(KzmigError, match=r"^malformed synthetic manifest .*manifest\.json: found "
                                         r"coupons_2021_03\.csv listed with size_bytes \d+ and sha256 "
                                         r"'not-a-hash'; expected .* 64 hexadecimal digits"):
        synthetic_manifest_entries(landing)
    # a manifest that is not a synthetic world's marks nothing
    manifest["synthetic"] = False
    (landing / SYNTHETIC_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert synthetic_manifest_entries(landing) == []


def test_a_manifest_older_than_the_mark_lists_names_only(tiny_world, tmp_path):
    """A world generated before the mark: its deliveries are listed without size and
    SHA-256 (int_coupon_deliveries_marked then marks them by name: its unit test)."""
    landing = tmp_path / "landing"
    shutil.copytree(tiny_world, landing)
    manifest = json.loads((landing / SYNTHETIC_MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["files"].values():
        del entry["sha256"], entry["size_bytes"]
    (landing / SYNTHETIC_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert synthetic_manifest_entries(landing) == [
        ManifestEntry(name, None, None) for name in sorted(manifest["files"])]


# --- the export ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_output_of_a_synthetic_release_says_so(synthetic_warehouse, tmp_path, capsys, lang):
    folder = release_export.export_latest(tmp_path / "out", lang=lang, warehouse=synthetic_warehouse)
    banner = texts.synthetic_banner(lang)
    console = capsys.readouterr().out
    assert console.splitlines()[0].startswith("kzmig: SYNTHETIC DATA — not official statistics.")

    key_points = (folder / "key_points.md").read_text(encoding="utf-8").splitlines()
    assert key_points[0] == f"**{banner}** {texts.synthetic_note(lang)}"
    assert key_points[2].startswith("# ")

    workbook = openpyxl.load_workbook(folder / "release.xlsx")
    for sheet in workbook.worksheets:
        first = sheet["A1"]
        assert (first.value, first.font.bold, first.fill.start_color.rgb) == (banner, True, RED), sheet.title
        assert all(cell.fill.start_color.rgb == RED for cell in sheet[1]), sheet.title
        if sheet.freeze_panes is not None:  # the tables: title, headers, then the rows
            # below the banner, the title and one or two header rows
            assert sheet.freeze_panes[-1] in "45", sheet.title
            assert sheet["A2"].font.bold and sheet["A2"].value, sheet.title
    # the key figures, every table's sheet, and the glossary
    assert len(workbook.worksheets) == len(RELEASE_TABLES) + 2
    assert sum(sheet.freeze_panes is not None for sheet in workbook.worksheets) == len(RELEASE_TABLES) + 1

    # the release page shows its banner (kzmig.export.page), with no argument but the marts'
    assert 'id="synthetic-banner"' in (folder / "index.html").read_text(encoding="utf-8")

    document = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert list(document)[0] == "synthetic" and document["synthetic"] is True
    assert document["synthetic_notice"] == f"{texts.synthetic_banner('en')} {texts.synthetic_note('en')}"
    note = (folder / release_export.SYNTHETIC_NOTE_FILE).read_text(encoding="utf-8")
    assert all(text in note for text in texts.SYNTHETIC_BANNERS.values())
    assert sorted(path.name for path in folder.iterdir())[0] == "SYNTHETIC-DATA.txt"
    # the CSVs stay machine-readable: their header is the first row
    for table in document["tables"]:
        with (folder / table["csv"]).open(encoding=writers.CSV_ENCODING) as handle:
            assert handle.readline().rstrip("\n").split(",") == table["columns"], table["csv"]


def test_a_real_release_carries_no_mark(real_warehouse, tmp_path, capsys):
    folder = release_export.export_latest(tmp_path / "out", lang="en", warehouse=real_warehouse)
    assert "SYNTHETIC" not in capsys.readouterr().out.upper()
    assert (folder / "key_points.md").read_text(encoding="utf-8").startswith(
        "# Migration of the population of the Republic of Kazakhstan")
    assert not (folder / release_export.SYNTHETIC_NOTE_FILE).exists()
    assert "synthetic-banner" not in (folder / "index.html").read_text(encoding="utf-8")
    document = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert document["synthetic"] is False and "synthetic_notice" not in document
    workbook = openpyxl.load_workbook(folder / "release.xlsx")
    for sheet in workbook.worksheets:
        assert sheet["A1"].value not in texts.SYNTHETIC_BANNERS.values(), sheet.title
        assert sheet["A1"].fill.fill_type is None, sheet.title
        if sheet.freeze_panes is not None:
            assert sheet.freeze_panes[-1] in "34", sheet.title


def test_the_banner_exists_in_every_language_and_refuses_an_unknown_one():
    assert texts.synthetic_banner("kk") == "Синтетикалық деректер — ресми статистика емес."
    assert set(texts.SYNTHETIC_BANNERS) == set(texts.SYNTHETIC_NOTES) == {"en", "ru", "kk"}
    with pytest.raises(ValueError, match="'de'"):
        texts.synthetic_banner("de")
