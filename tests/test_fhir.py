"""FHIR R5 export: structure validated by fhir.resources, codes and units checked here (issue 11)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import fhir.resources
import pytest
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle
from fhir.resources.medicationadministration import MedicationAdministration
from fhir.resources.procedure import Procedure
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc import Layer, Zone
from mesocalc._catalog.catalog import default_catalog
from mesocalc._clinic.fhir import (
    LATERALITY,
    MEDICATION_ADMINISTRATION_STATUSES,
    PROCEDURE_STATUSES,
    ROUTES,
    UCUM_CODES,
)
from mesocalc._quantities.codes import SNOMED, UCUM, is_concept_id

from . import strategies as mst

# SNOMED CT route concepts of FHIR's route-codes value set.
INTRADERMAL, SUBCUTANEOUS = "372464004", "34206005"
# The UCUM codes mesocalc may write, as the UCUM essence file spells them (case matters).
UCUM_UNITS = frozenset({"mL", "mm", "cm2", "deg", "um", "mg/cm2", "d", "wk", "mo"})


def _kyb_both_sides(**kwargs: Any) -> mesocalc.Session:
    """The label's use on both sides of the chin, with a lot, an expiry and a needle."""
    kyb = mesocalc.product("deoxycholic acid", lot="B123", expires="2027-03-31")
    needle = mesocalc.Needle(gauge=30, length="13 mm")
    chin = mesocalc.plan(
        technique="infiltration",
        zone="submental",
        area="10 cm^2",
        spacing="1 cm",
        volume_per_point="0.2 mL",
        needle=needle,
    )
    return mesocalc.Session(
        plans=[chin, chin],
        sides=["left", "right"],
        date="2026-11-26",
        product=kyb,
        **kwargs,
    )


def _face_and_neck() -> mesocalc.Session:
    face = mesocalc.plan(technique="classic", zone="face", area="200 cm^2")
    neck = mesocalc.plan(technique="classic", zone="neck", area="100 cm^2")
    return mesocalc.Session(
        plans=[face, neck],
        date="2026-11-26",
        product=mesocalc.Product(name="hyaluronic acid", lot="HA-7"),
    )


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every dict in ``node``, at any depth."""
    if isinstance(node, dict):
        return [node, *(d for v in node.values() for d in _walk(v))]
    if isinstance(node, list):
        return [d for v in node for d in _walk(v)]
    return []


def _snomed_codes_mesocalc_may_write() -> set[str]:
    book = default_catalog()
    sites = {s.code for z in Zone if (s := book.site(z)) is not None and s.verified}
    return sites | {code for code, _ in ROUTES.values()} | {c for c, _ in LATERALITY.values()}


def _check(bundle: dict[str, Any]) -> None:
    """Valid R5 by fhir.resources, resource by resource; every code and unit one of ours."""
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    allowed = _snomed_codes_mesocalc_may_write()
    for d in _walk(bundle):
        if "system" not in d:
            continue
        if "value" in d:  # a Quantity
            assert (d["system"], d["code"], d["unit"]) == (UCUM, d["code"], d["code"])
            assert d["code"] in UCUM_CODES
        else:  # a Coding
            assert d["system"] == SNOMED
            assert d["code"] in allowed
    (procedure,) = _resources(bundle, "Procedure")
    assert procedure["status"] in PROCEDURE_STATUSES
    for given_ in _resources(bundle, "MedicationAdministration"):
        assert given_["status"] in MEDICATION_ADMINISTRATION_STATUSES
    urls = {e["fullUrl"] for e in bundle["entry"]}
    references = [d["reference"] for d in _walk(bundle) if isinstance(d.get("reference"), str)]
    assert all(r in urls for r in references if r.startswith("urn:uuid:"))
    assert json.loads(json.dumps(bundle)) == bundle


def test_fhir_resources_models_are_r5() -> None:
    assert fhir.resources.__fhir_version__.startswith("5.")


def test_a_two_sided_submental_session_exports_as_valid_r5() -> None:
    bundle = _kyb_both_sides().to_fhir(patient="Patient/123")
    _check(bundle)
    assert bundle["type"] == "collection"
    procedure = Procedure.model_validate(_resources(bundle, "Procedure")[0])
    assert procedure.code is not None
    assert procedure.code.text == "mesotherapy"
    assert procedure.code.coding is None  # no SNOMED CT concept for mesotherapy
    given_ = _resources(bundle, "MedicationAdministration")
    assert len(given_) == 2
    for area, side in zip(given_, ["left", "right"], strict=True):
        MedicationAdministration.model_validate(area)
        dosage = area["dosage"]
        assert dosage["route"]["coding"] == [{"system": SNOMED, "code": SUBCUTANEOUS}]
        # The submental code is unverified (DICOM PS3.16 Annex L): words only, and a note says so.
        assert {k: v for k, v in dosage["site"].items() if k != "extension"} == {
            "text": f"submental, {side}"
        }
        assert len(dosage["site"]["extension"]) == 1  # the side's BodyStructure
        assert "170887008" in area["note"][0]["text"]
        assert "unverified" in area["note"][0]["text"]
        assert dosage["dose"] == {"value": 2.0, "unit": "mL", "system": UCUM, "code": "mL"}
        assert dosage["method"] == {"text": "mesotherapy, infiltration technique"}
        assert area["occurenceDateTime"] == "2026-11-26"
        assert "occurrenceDateTime" not in area  # R5 spells it with one "r" here
        assert area["subject"] == {"reference": "Patient/123"}
        assert area["partOf"] == [{"reference": bundle["entry"][0]["fullUrl"]}]
    (medication,) = _resources(bundle, "Medication")
    assert medication["batch"] == {"lotNumber": "B123", "expirationDate": "2027-03-31"}
    assert medication["code"] == {"text": "deoxycholic acid"}
    strength = medication["ingredient"][0]["strengthRatio"]
    assert (strength["numerator"]["value"], strength["numerator"]["code"]) == (10.0, "mg")
    assert (strength["denominator"]["value"], strength["denominator"]["code"]) == (1.0, "mL")
    (device,) = _resources(bundle, "Device")  # one needle, shared by both areas
    assert device["property"][0] == {"type": {"text": "gauge"}, "valueInteger": 30}
    assert device["property"][1]["valueQuantity"]["code"] == "mm"
    assert device["property"][1]["valueQuantity"]["value"] == 13.0
    device_url = f"urn:uuid:{device['id']}"
    assert all(a["device"] == [{"reference": {"reference": device_url}}] for a in given_)


def test_a_face_and_neck_session_carries_the_site_and_route_codes() -> None:
    bundle = _face_and_neck().to_fhir(patient="Patient/123")
    _check(bundle)
    face, neck = _resources(bundle, "MedicationAdministration")
    assert face["dosage"]["site"] == {
        "coding": [{"system": SNOMED, "code": "89545001"}],
        "text": "face",
    }
    assert neck["dosage"]["site"]["coding"] == [{"system": SNOMED, "code": "45048000"}]
    for area in (face, neck):
        assert area["dosage"]["route"] == {
            "coding": [{"system": SNOMED, "code": INTRADERMAL}],
            "text": "intradermal",
        }
        assert "device" not in area
        assert "note" not in area
    assert [a["dosage"]["dose"]["value"] for a in (face, neck)] == [2.0, 1.0]
    (procedure,) = _resources(bundle, "Procedure")
    assert [s["coding"][0]["code"] for s in procedure["bodySite"]] == ["89545001", "45048000"]
    assert procedure["occurrenceDateTime"] == "2026-11-26"
    (medication,) = _resources(bundle, "Medication")
    assert medication == {
        "resourceType": "Medication",
        "id": medication["id"],
        "code": {"text": "hyaluronic acid"},
        "batch": {"lotNumber": "HA-7"},
    }


def test_laterality_is_a_snomed_code_on_a_body_structure_the_site_points_at() -> None:
    hand = mesocalc.plan(technique="classic", zone="hands", area="80 cm^2")
    s = mesocalc.Session(
        plans=[hand, hand],
        sides=["left", "right"],
        date="2026-11-26",
        product=mesocalc.Product(name="hyaluronic acid"),
    )
    bundle = s.to_fhir(patient="Patient/1")
    _check(bundle)
    sites = [a["dosage"]["site"] for a in _resources(bundle, "MedicationAdministration")]
    structures = {
        e["fullUrl"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "BodyStructure"
    }
    coded = {"coding": [{"system": SNOMED, "code": "85562004"}]}
    for site, side, code in zip(sites, ("left", "right"), ("7771000", "24028007"), strict=True):
        assert site["coding"] == coded["coding"]
        assert site["text"] == f"hands, {side}"
        (extension,) = site["extension"]
        assert extension["url"] == "http://hl7.org/fhir/StructureDefinition/bodySite"
        (included,) = structures[extension["valueReference"]["reference"]]["includedStructure"]
        assert included["structure"] == {**coded, "text": f"hands, {side}"}
        assert included["laterality"]["coding"][0]["code"] == code
    assert len(structures) == 2


def test_a_technique_of_no_one_layer_has_its_route_in_words_only() -> None:
    spec = mesocalc.spec("nappage", "abdomen")
    assert spec.layer is Layer.ANY
    p = mesocalc.plan(technique="nappage", zone="abdomen", area="100 cm^2")
    s = mesocalc.Session(plans=[p], date="2026-11-26", product=mesocalc.Product(name="x"))
    bundle = s.to_fhir(patient="Patient/1")
    _check(bundle)
    (area,) = _resources(bundle, "MedicationAdministration")
    assert area["dosage"]["route"] == {"text": "intradermal or subcutaneous"}
    assert area["note"][0]["text"].startswith("route as text only: nappage")
    assert spec.layer_note in area["note"][0]["text"]


def test_overrides_are_recorded_as_notes() -> None:
    p = mesocalc.plan(
        technique="classic",
        zone="face",
        area="40 cm^2",
        depth="2.2 mm",
        override=mesocalc.Override(reason="thick skin", by="Dr A"),
    )
    assert p.overrides
    s = mesocalc.Session(plans=[p], date="2026-11-26", product=mesocalc.Product(name="x"))
    (area,) = _resources(s.to_fhir(patient="Patient/1"), "MedicationAdministration")
    assert [n["text"] for n in area["note"]] == [r.describe() for r in p.overrides]


def test_statuses_of_a_planned_and_a_given_session() -> None:
    s = _kyb_both_sides()
    planned = s.to_fhir(patient="Patient/123")
    done = s.to_fhir(patient="Patient/123", given=True)
    _check(done)
    assert _resources(planned, "Procedure")[0]["status"] == "preparation"
    assert {a["status"] for a in _resources(planned, "MedicationAdministration")} == {"unknown"}
    assert _resources(done, "Procedure")[0]["status"] == "completed"
    assert {a["status"] for a in _resources(done, "MedicationAdministration")} == {"completed"}
    # The same resources, so that the export of the session as given updates the plan's.
    assert [e["fullUrl"] for e in planned["entry"]] == [e["fullUrl"] for e in done["entry"]]
    assert planned["id"] != done["id"]


def test_the_same_session_exports_the_same_bundle() -> None:
    a = _kyb_both_sides().to_fhir(patient="Patient/123")
    b = _kyb_both_sides().to_fhir(patient="Patient/123")
    assert a == b
    other = _kyb_both_sides().to_fhir(patient="Patient/124")
    assert not {e["fullUrl"] for e in a["entry"]} & {e["fullUrl"] for e in other["entry"]}
    later = attrs.evolve(_kyb_both_sides(), date="2026-12-26").to_fhir(patient="Patient/123")
    assert later["id"] != a["id"]
    ids = [e["fullUrl"] for e in a["entry"]]
    assert len(set(ids)) == len(ids)


@given(mst.sessions(), st.booleans())
def test_every_session_exports_valid_r5_whose_doses_sum_to_its_total(
    session: mesocalc.Session, given_: bool
) -> None:
    bundle = session.to_fhir(patient="Patient/p-1", given=given_)
    _check(bundle)
    areas = _resources(bundle, "MedicationAdministration")
    assert len(areas) == len(session.plans)
    doses = [a["dosage"]["dose"]["value"] for a in areas]
    total = session.total_volume.to("mL").magnitude
    assert math.isclose(sum(doses), total, rel_tol=1e-9)
    needles = {p.needle for p in session.plans if p.needle is not None}
    assert len(_resources(bundle, "Device")) == len(needles)
    assert all(
        ("device" in a) == (p.needle is not None)
        for a, p in zip(areas, session.plans, strict=True)
    )
    assert bundle == session.to_fhir(patient="Patient/p-1", given=given_)


@pytest.mark.parametrize(
    ("kwargs", "parameter", "error"),
    [
        ({}, "patient", mesocalc.InvalidValueError),
        ({"patient": None}, "patient", mesocalc.InvalidValueError),
        ({"patient": 123}, "patient", mesocalc.InputTypeError),
        ({"patient": b"Patient/1"}, "patient", mesocalc.InputTypeError),
        ({"patient": ["Patient/1"]}, "patient", mesocalc.InputTypeError),
        ({"patient": ""}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "123"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Observation/1"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/1\n"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/a b"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/" + "1" * 65}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/" + "1" * 100_000}, "patient", mesocalc.InvalidValueError),
        ({"patient": "javascript:alert(1)"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "urn:uuid:not-a-uuid"}, "patient", mesocalc.InvalidValueError),
        # A urn:uuid must resolve within the bundle, which holds no Patient.
        (
            {"patient": "urn:uuid:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"},
            "patient",
            mesocalc.InvalidValueError,
        ),
        ({"patient": "https://evil/Patient/1/../2"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/１２３"}, "patient", mesocalc.InvalidValueError),
        ({"patient": "Patient/1", "given": 1}, "given", mesocalc.InputTypeError),
        ({"patient": "Patient/1", "given": "yes"}, "given", mesocalc.InputTypeError),
        ({"patient": "Patient/1", "given": None}, "given", mesocalc.InputTypeError),
        ({"patient": "Patient/1", "catalog": "default"}, "catalog", mesocalc.InputTypeError),
    ],
)
def test_hostile_arguments_raise_mesocalc_errors(
    kwargs: dict[str, Any], parameter: str, error: type[mesocalc.MesocalcError]
) -> None:
    with pytest.raises(error) as info:
        _kyb_both_sides().to_fhir(**kwargs)
    assert info.value.parameter == parameter
    assert len(str(info.value)) < 1000


@pytest.mark.parametrize(
    "patient",
    [
        "Patient/123",
        "Patient/a-b.c",
        "https://fhir.example.org/r5/Patient/123",
        "http://localhost:8080/fhir/Patient/abc",
    ],
)
def test_patient_references_r5_accepts(patient: str) -> None:
    _check(_kyb_both_sides().to_fhir(patient=patient))


@given(st.one_of(st.text(max_size=80), st.binary(max_size=20), st.integers(), st.none()))
def test_any_patient_is_a_reference_or_a_mesocalc_error(patient: Any) -> None:
    try:
        bundle = _kyb_both_sides().to_fhir(patient=patient)
    except mesocalc.MesocalcError as error:
        assert error.parameter == "patient"
        return
    _check(bundle)


def test_a_session_without_a_date_or_a_product_is_refused() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    no_date = mesocalc.Session(plans=[p], product=mesocalc.Product(name="x"))
    with pytest.raises(mesocalc.InvalidValueError) as info:
        no_date.to_fhir(patient="Patient/1")
    assert info.value.parameter == "date"
    no_product = mesocalc.Session(plans=[p], date="2026-11-26")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        no_product.to_fhir(patient="Patient/1")
    assert info.value.parameter == "product"


def test_a_clinic_catalog_without_a_zones_code_gives_the_site_in_words() -> None:
    text = (Path(mesocalc.__file__).parent / "catalog.toml").read_text(encoding="utf-8")
    clinic = mesocalc.parse_catalog(
        text.replace('snomed = { code = "89545001", source = ["DICOM-L"] }\n', "", 1)
    )
    assert clinic.site(Zone.FACE) is None
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    s = mesocalc.Session(plans=[p], date="2026-11-26", product=mesocalc.Product(name="x"))
    bundle = s.to_fhir(patient="Patient/1", catalog=clinic)
    _check(bundle)
    (area,) = _resources(bundle, "MedicationAdministration")
    assert area["dosage"]["site"] == {"text": "face"}
    assert area["note"] == [{"text": "site as text only: no SNOMED CT code for the face"}]


def test_the_route_codes_are_fhirs_and_well_formed() -> None:
    assert ROUTES == {
        Layer.SKIN: (INTRADERMAL, "intradermal"),
        Layer.SUBCUTIS: (SUBCUTANEOUS, "subcutaneous"),
    }
    assert all(is_concept_id(code) for code, _ in ROUTES.values())


def test_the_ucum_codes_are_ucums() -> None:
    atoms = {atom for unit in UCUM_UNITS for atom in unit.split("/")}
    for code in UCUM_CODES:
        assert code in UCUM_UNITS or code in atoms, code  # mg appears within mg/cm2


def test_exporting_loads_neither_fhir_resources_nor_pydantic() -> None:
    code = (
        "import sys, mesocalc\n"
        "p = mesocalc.plan(technique='classic', zone='face', area='40 cm^2')\n"
        "s = mesocalc.Session(plans=[p], date='2026-11-26', product=mesocalc.Product(name='x'))\n"
        "assert 'mesocalc._clinic.fhir' not in sys.modules\n"
        "s.to_fhir(patient='Patient/1')\n"
        "print(','.join(m for m in ('fhir', 'fhir_core', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
