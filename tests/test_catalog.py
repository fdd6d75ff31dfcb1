"""The shipped catalog: complete, validated, and faithful to the seed facts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given

import mesocalc
from mesocalc import Basis, Technique, Zone
from mesocalc._catalog.catalog import default_catalog
from mesocalc._quantities.codes import is_concept_id

from . import strategies as mst

CATALOG_TEXT = (Path(mesocalc.__file__).parent / "catalog.toml").read_text(encoding="utf-8")


def test_every_zone_and_technique_is_covered() -> None:
    book = default_catalog()
    entries = book.entries
    # The forearm is a reference site (the Mantoux injection); no source publishes mesotherapy there.
    assert {z for _, z in entries} == set(Zone) - {Zone.FOREARM}
    assert {t for t, _ in entries} == set(Technique)
    for t in Technique:
        for z in Zone:
            states = [
                (t, z) in entries,
                (t, z) in book.unpublished,
                (t, z) in book.contraindicated,
            ]
            assert states.count(True) == 1, (t, z)


@pytest.mark.parametrize(
    ("technique", "zone", "parameter", "low", "high", "unit"),
    [
        # seed 003, exactly
        ("classic", "face", "depth", 1, 2, "millimeter"),
        ("classic", "face", "spacing", 5, 10, "millimeter"),
        ("classic", "face", "volume_per_point", 0.01, 0.03, "milliliter"),
        ("classic", "face", "angle", 45, 60, "degree"),
        ("classic", "neck", "depth", 0, 1, "millimeter"),
        ("classic", "decollete", "depth", 0, 1, "millimeter"),
        ("nappage", "face", "spacing", 2, 3, "millimeter"),
        ("infiltration", "submental", "depth", 4, 13, "millimeter"),
        ("infiltration", "submental", "volume_per_point", 0, 0.2, "milliliter"),  # KYB's 0.2
    ],
)
def test_seed_003_numbers(
    technique: str, zone: str, parameter: str, low: float, high: float, unit: str
) -> None:
    r = getattr(mesocalc.spec(technique, zone), parameter)
    assert r.low.to(unit).magnitude == pytest.approx(low)
    assert r.high.to(unit).magnitude == pytest.approx(high)
    assert "SEED3" in r.sources


def test_seed_003s_1_mm_is_a_limit_of_the_zone() -> None:
    for zone in (Zone.EYELID, Zone.NECK, Zone.DECOLLETE):
        cap = default_catalog().cap(zone)
        assert cap is not None
        assert (cap.describe(), cap.source, cap.hard) == ("at most 1 mm", "SEED3", True)


def test_open_low_bounds() -> None:
    assert mesocalc.spec("classic", "neck").depth.describe() == "at most 1 mm"
    assert mesocalc.spec("infiltration", "submental").volume_per_point.nominal.magnitude == 0.1
    infiltration = mesocalc.spec("infiltration", "face").depth
    assert infiltration.low_open
    assert not infiltration.contains(4.0)
    assert infiltration.contains(4.5)


def test_nappage_loses_up_to_half() -> None:
    loss = mesocalc.spec("nappage", "scalp").loss_fraction
    assert (loss.low, loss.high, loss.nominal) == (0.0, 0.5, 0.5)
    assert loss.sources == ("SEED3",)


def test_unsourced_ranges_say_so() -> None:
    loss = mesocalc.spec("classic", "face").loss_fraction
    assert loss.basis is Basis.UNSOURCED
    assert loss.source == "UNSOURCED"
    assert loss.basis in (Basis.UNSOURCED, Basis.ANALOGUE)  # a plan relying on it warns
    assert loss.note


def test_unused_pairs_are_hard_limits() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.spec("infiltration", "eyelid")
    assert isinstance(info.value, mesocalc.LimitError)
    assert info.value.parameter == "technique"
    assert info.value.allowed == "classic"


@given(mst.entries())
def test_every_range_is_sourced_or_flagged(entry: mesocalc.Spec) -> None:
    sources = default_catalog().sources
    for r in entry.ranges().values():
        assert all(key in sources for key in r.sources)
        assert r.sources or r.basis is Basis.UNSOURCED
        assert r.basis is Basis.STATED or r.note
        assert r.nominal_magnitude is None or r.contains(r.nominal_magnitude)


def test_every_source_cites_what_a_reader_can_find() -> None:
    """A citation names a publication or a page, never a file of the project's own notes."""
    for key, entry in default_catalog().sources.items():
        citation = entry["citation"]
        assert citation.strip(), key
        assert not re.search(r"\.(txt|md)\b", citation), (key, citation)
        assert "seeds" + "/" not in citation, (key, citation)
    seeds = {
        k: v["citation"] for k, v in default_catalog().sources.items() if k.startswith("SEED")
    }
    assert seeds == {
        "SEED0": "Italian patient article 'Definition of mesotherapy' (no author or date given)",
        "SEED1": "dermatology clinic blog post on mesotherapy (no clinic, author or date given; it "
        "opens 'In the world of non-surgical cosmetic treatments, mesotherapy has emerged as a "
        "powerful solution')",
        "SEED3": "iLive, 'Mesotherapy: mechanism of action, methodology, indications and "
        "contraindications', reviewed 08.07.2025",
    }


def test_every_zone_has_a_well_formed_snomed_code_and_only_submental_is_unverified() -> None:
    book = default_catalog()
    for zone in Zone:
        site = book.site(zone)
        assert site is not None, zone
        assert is_concept_id(site.code)
        assert site.verified == (zone is not Zone.SUBMENTAL), zone
        assert site.sources == ("DICOM-L",)
    submental = book.site(Zone.SUBMENTAL)
    assert submental is not None
    assert submental.code == "170887008"  # DICOM PS3.16 Annex L, unverified
    assert "commented-out row" in submental.note


# SNOMED CT body-site codes of DICOM PS3.16 Annex L (body part examined), as transcribed;
# the submental one is found only in a commented-out row, so no source confirms it.
ZONE_CODES = {
    Zone.FACE: "89545001",
    Zone.EYELID: "80243003",
    Zone.NECK: "45048000",
    Zone.DECOLLETE: "43799004",  # the chest: Annex L has no decollete
    Zone.SCALP: "41695006",
    Zone.SUBMENTAL: "170887008",  # unverified
    Zone.HANDS: "85562004",
    Zone.ABDOMEN: "818981001",
    Zone.FLANKS: "58602004",
    Zone.THIGHS: "68367000",
    Zone.BUTTOCKS: "46862004",
    Zone.ARMS: "40983000",  # the upper arm
    Zone.BACK: "77568009",
    Zone.FOREARM: "14975008",
    Zone.KNEES: "72696002",
}
CHEEK = "60819002"  # DICOM PS3.16 Annex L's cheek: no zone of its own (the face holds it)


def test_the_zone_codes_are_those_of_dicom_annex_l() -> None:
    """Each zone's code as DICOM PS3.16 Annex L gives it; only the submental is unverified."""
    book = default_catalog()
    assert set(ZONE_CODES) == set(Zone)
    for zone, code in ZONE_CODES.items():
        site = book.site(zone)
        assert site is not None, zone
        assert (site.code, site.verified) == (code, zone is not Zone.SUBMENTAL), zone
    assert all(is_concept_id(code) for code in [*ZONE_CODES.values(), CHEEK])


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("89545001", True),
        ("372464004", True),
        ("34206005", True),
        ("89545002", False),  # one digit off: the check digit refuses it
        ("372464040", False),  # two digits swapped
        ("089545001", False),
        ("12345", False),
        ("8954500１", False),
        ("89545001 ", False),
        ("89545011", False),  # partition 01: a description, not a concept
    ],
)
def test_snomed_concept_ids_are_checked_by_form_and_check_digit(code: str, ok: bool) -> None:
    assert is_concept_id(code) is ok


def test_a_bare_snomed_code_in_a_clinic_catalog_is_read_as_unverified() -> None:
    text = CATALOG_TEXT.replace(
        'snomed = { code = "89545001", source = ["DICOM-L"] }', 'snomed = "89545001"', 1
    )
    site = mesocalc.parse_catalog(text).site(Zone.FACE)
    assert site is not None
    assert (site.code, site.verified, site.sources) == ("89545001", False, ())


def test_spec_to_dict_is_json_ready() -> None:
    data = json.loads(json.dumps(mesocalc.spec("retrograde", "face").to_dict()))
    assert data["geometry"] == "thread"
    assert data["thread_length"]["nominal"] == 13.0
    assert data["depth"]["unit"] == "mm"


# --- clinic catalogs: the same format, validated the same way ---------------------------


def _mutate(old: str, new: str) -> str:
    assert old in CATALOG_TEXT
    return CATALOG_TEXT.replace(old, new, 1)


def test_a_clinic_protocol_in_the_same_format(tmp_path: Path) -> None:
    narrower = _mutate(
        'spacing = { low = 0.5, high = 1, nominal = 1, unit = "cm"',
        'spacing = { low = 0.8, high = 1, unit = "cm"',
    ).replace('name = "mesocalc default catalog"', 'name = "clinic protocol"')
    path = tmp_path / "protocol.toml"
    path.write_text(narrower, encoding="utf-8")
    clinic = mesocalc.load_catalog(path)
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    assert p.spacing.to("mm").magnitude == pytest.approx(9.0)
    with pytest.raises(mesocalc.SoftLimitError, match="8 to 10 mm"):
        mesocalc.plan(
            technique="classic", zone="face", area="40 cm^2", spacing="6 mm", catalog=clinic
        )


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("format = 1", "format = 2", "format"),
        ('low = 45, high = 60, unit = "deg"', 'low = 45, high = 95, unit = "deg"', "angle"),
        ('low = 45, high = 60, unit = "deg"', 'low = 60, high = 45, unit = "deg"', "angle"),
        ('low = 45, high = 60, unit = "deg"', 'low = 45, high = 60, unit = "mm"', "angle.unit"),
        (
            'low = 0.01, high = 0.03, nominal = 0.01, unit = "mL"',
            'low = 0.01, high = 0.03, nominal = 0.01, unit = "ML"',
            "unit",
        ),
        (
            'depth = { low = 2, high = 4, unit = "mm", source = ["BTP", "IMED"] }',
            'depth = { low = 2, high = 4, unit = "mm", source = ["NOPE", "IMED"] }',
            "source",
        ),
        (
            'source = [], basis = "unsourced", note = "No source',
            'source = [], basis = "derived", note = "No source',
            "source",
        ),
        (
            'source = ["PROF-BODY"], basis = "analogue", note = "Volume per thread is unsourced; 0.3 mL per pass of a cannula fan (PROF-BODY) is the nearest published figure, a limit but no realistic default: give it."',
            'source = ["PROF-BODY"], basis = "analogue", note = " "',
            "note",
        ),
        ("[zones.arms]", "[zones.elbow]", "zones.elbow"),
        (
            'techniques.intra-epidermal = { source = ["SEED1"] }',
            'techniques.papules2 = { source = ["SEED1"] }',
            "papules2",
        ),
        (
            'snomed = { code = "89545001", source = ["DICOM-L"] }',
            'snomed = { code = "89545001", source = ["DICOM-L"] }\ncolour = "red"',
            "zones.face",
        ),
        (
            'snomed = { code = "89545001", source = ["DICOM-L"] }',
            'snomed = { code = "89545002", source = ["DICOM-L"] }',
            "zones.face.snomed.code",
        ),
        (
            'snomed = { code = "89545001", source = ["DICOM-L"] }',
            'snomed = { code = "89545001", source = ["NOPE"] }',
            "zones.face.snomed.source",
        ),
        (
            'snomed = { code = "89545001", source = ["DICOM-L"] }',
            'snomed = { code = "89545001" }',
            "zones.face.snomed.source",
        ),
        (
            'snomed = { code = "89545001", source = ["DICOM-L"] }',
            'snomed = { code = "89545001", source = ["DICOM-L"], verified = false }',
            "zones.face.snomed.note",
        ),
        (
            'snomed = { code = "89545001", source = ["DICOM-L"] }',
            'snomed = { code = 89545001, source = ["DICOM-L"] }',
            "zones.face.snomed.code",
        ),
        # A needle's gauges: whole G numbers ISO 9626 defines, low <= high, nothing else.
        ("gauge = { low = 30, high = 32 }", "gauge = { low = 32, high = 30 }", "needle.gauge"),
        ("gauge = { low = 30, high = 32 }", 'gauge = { low = "30G", high = 32 }', "needle.gauge"),
        ("gauge = { low = 30, high = 32 }", "gauge = { low = 30, high = 40 }", "needle.gauge"),
        ("gauge = { low = 30, high = 32 }", "gauge = { low = true, high = 32 }", "needle.gauge"),
        ("gauge = { low = 30, high = 32 }", "gauge = { low = 30, top = 32 }", "needle.gauge"),
        ("gauge = { low = 30, high = 32 }", "gauge = [30, 32]", "needle.gauge"),
        # A published session: a dose per area with its source.
        (
            'published_dose = { low = 0.2, high = 0.2, unit = "mL/cm^2"',
            'published_dose = { low = 0.2, high = 0.2, unit = "mL"',
            "published_dose.unit",
        ),
        (
            'published_dose = { low = 0.2, high = 0.2, unit = "mL/cm^2", source = ["KYB"]',
            'published_dose = { low = 0.2, high = 0.2, unit = "mL/cm^2", source = ["NOPE"]',
            "published_dose.source",
        ),
        (
            'subcutis = { low = 6, high = 6, unit = "mm"',
            'subcutis = { low = 6, high = 6, unit = "mL"',
            "zones.submental.subcutis.unit",
        ),
    ],
)
def test_invalid_catalogs_name_the_fault(old: str, new: str, where: str) -> None:
    with pytest.raises(mesocalc.CatalogError, match=re.escape(where)):
        mesocalc.parse_catalog(_mutate(old, new))


def test_zones_keep_their_snomed_codes() -> None:
    book = default_catalog()
    face = book.site(mesocalc.Zone.FACE)
    assert face is not None
    assert face.code == "89545001"
    assert set(book.sites) == set(mesocalc.Zone)  # the shipped catalog codes every zone


def test_unreadable_catalogs(tmp_path: Path) -> None:
    with pytest.raises(mesocalc.CatalogError, match="^path: "):
        mesocalc.load_catalog(tmp_path / "missing.toml")
    with pytest.raises(mesocalc.CatalogError):
        mesocalc.parse_catalog("this is = = not toml")
    with pytest.raises(mesocalc.CatalogError):
        mesocalc.load_catalog(42)  # type: ignore[arg-type]


def test_a_range_without_a_default_must_be_given() -> None:
    book = default_catalog()
    entry = book.spec("retrograde", "face")  # no source gives a realistic volume per thread
    assert entry.volume_per_point.nominal is None
    with pytest.raises(mesocalc.InvalidValueError, match="^volume_per_point: .*no source gives"):
        mesocalc.plan(technique="retrograde", zone="face", area="10 cm^2", catalog=book)
    with pytest.raises(mesocalc.InvalidValueError, match="^volume_per_point: "):
        mesocalc.plan(technique="retrograde", zone="face", area=["10 cm^2"], catalog=book)
    p = mesocalc.plan(
        technique="retrograde",
        zone="face",
        area="10 cm^2",
        volume_per_point="0.1 mL",
        catalog=book,
    )
    assert p.volume_per_point.to("mL").magnitude == 0.1
    assert mesocalc.Spec.from_dict(entry.to_dict()) == entry
