"""FHIR for treatment records (issue 21): what was given, performer, lots, events, amendments."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources import get_fhir_model_class as r5_model
from fhir.resources.R4B import get_fhir_model_class as r4_model
from hypothesis import given, settings
from hypothesis import strategies as st

import mesocalc
from tests.strategies import records

MODELS = {"R4": r4_model, "R5": r5_model}


def _record() -> mesocalc.TreatmentRecord:
    first = mesocalc.Product.from_gs1(
        "(01)09501101530003(17)270331(10)AB12", name="deoxycholic acid"
    )
    second = mesocalc.Product.from_gs1(
        "(01)09501101530003(17)270430(10)CD34", name="deoxycholic acid"
    )
    chin = mesocalc.plan(
        technique="infiltration",
        zone="submental",
        area="10 cm^2",
        volume_per_point="0.2 mL",
        needle=mesocalc.Needle(gauge=30, length="13 mm"),
    )
    s = mesocalc.Session(
        plans=[chin, chin], sides=["left", "right"], product=first, date="2026-12-04"
    )
    r = s.record(by="Dr A", at="2026-12-04T10:30+01:00").vial(second, size="2 mL")
    r = r.given(1, points=8, draws={"AB12": "1 mL", "CD34": "0.6 mL"}, reason="box ran out")
    r = r.adverse_event(
        kind="bruising", severity="mild", onset="2026-12-04T12:00+01:00",
        action="cold compress", area=1, lot="CD34",
    )  # fmt: skip
    return r.finalise().amend(
        by="Dr B", at="2026-12-05T09:00+01:00", reason="recounted", area=0, points=9
    )


def _valid(bundle: dict[str, Any], version: str) -> None:
    model = MODELS[version]
    model("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:
        model(entry["resource"]["resourceType"]).model_validate(entry["resource"])


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("version", ["R4", "R5"])
@pytest.mark.parametrize("kind", ["collection", "transaction"])
def test_a_record_validates_and_resolves_inside(version: str, kind: str) -> None:
    r = _record()
    bundle = r.to_fhir(patient="Patient/p-1", version=version, bundle=kind)
    _valid(bundle, version)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert {x for x in _references(bundle) if x not in urls} == {"Patient/p-1"}
    if kind == "transaction":
        assert all(e["request"]["method"] == "POST" for e in bundle["entry"])
    given_ = _resources(bundle, "MedicationAdministration")
    doses = [a["dosage"]["dose"]["value"] for a in given_]
    assert math.isclose(sum(doses), r.total_volume.to("mL").magnitude, rel_tol=1e-9)
    assert len(given_) == 3  # area 0 from AB12; area 1 from AB12 and CD34
    medications = _resources(bundle, "Medication")
    assert [m["batch"]["lotNumber"] for m in medications] == ["AB12", "CD34"]
    assert medications[1]["batch"]["expirationDate"] == "2027-04-30"
    assert medications[0]["code"]["coding"] == [
        {"system": "https://www.gs1.org/gtin", "code": "09501101530003"}
    ]
    assert any("box ran out" in n["text"] for n in given_[1]["note"])
    (event,) = _resources(bundle, "AdverseEvent")
    assert "bruising" in str(event)
    (provenance,) = _resources(bundle, "Provenance")
    assert provenance["agent"][0]["who"]["display"] == "Dr B"
    assert "recounted" in provenance["activity"]["text"]
    performer = given_[0]["performer"][0]["actor"]
    assert "Dr A" in str(performer)


def test_r4_codes_the_severity_and_r5_notes_it() -> None:
    r = _record()
    (r4,) = _resources(r.to_fhir(patient="Patient/1", version="R4"), "AdverseEvent")
    (r5,) = _resources(r.to_fhir(patient="Patient/1", version="R5"), "AdverseEvent")
    assert r4["severity"]["coding"][0]["code"] == "mild"
    assert r5["note"] == [{"text": "severity: mild"}]


def test_an_area_given_nothing_is_not_done() -> None:
    r = _record().amend(by="Dr C", at="2026-12-06T09:00+01:00", reason="wrong", area=0, points=0)
    bundle = r.to_fhir(patient="Patient/1", version="R4")
    _valid(bundle, "R4")
    statuses = [a["status"] for a in _resources(bundle, "MedicationAdministration")]
    assert statuses == ["not-done", "completed", "completed"]


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"patient": None}, "patient"),
        ({"patient": "Patient/x y"}, "patient"),
        ({"patient": "Patient/1", "version": "R3"}, "version"),
        ({"patient": "Patient/1", "bundle": "batch"}, "bundle"),
        ({"patient": "Patient/1", "catalog": "default"}, "catalog"),
    ],
)
def test_hostile_export_arguments_name_the_field(kwargs: dict[str, Any], parameter: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        _record().to_fhir(**kwargs)
    assert info.value.parameter == parameter


@settings(max_examples=30)
@given(records(), st.sampled_from(["R4", "R5"]))
def test_every_record_validates_as_a_transaction(
    r: mesocalc.TreatmentRecord, version: str
) -> None:
    bundle = r.to_fhir(patient="Patient/p-1", version=version, bundle="transaction")
    _valid(bundle, version)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert {x for x in _references(bundle) if x not in urls} == {"Patient/p-1"}
    doses = [
        a["dosage"].get("dose", {}).get("value", 0.0)
        for a in _resources(bundle, "MedicationAdministration")
    ]
    assert math.isclose(sum(doses), r.total_volume.to("mL").magnitude, rel_tol=1e-9, abs_tol=1e-12)
