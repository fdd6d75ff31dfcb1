"""FHIR R4 beside R5, and transaction bundles a server takes as they are (issue 21)."""

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
from mesocalc.exceptions import InputTypeError, InvalidValueError
from tests import strategies as mst

MODELS = {"R4": r4_model, "R5": r5_model}


def _kyb_with_a_needle() -> mesocalc.Session:
    kyb = mesocalc.product("deoxycholic acid", lot="B123", expires="2027-03-31")
    chin = mesocalc.plan(
        technique="infiltration",
        zone="submental",
        area="10 cm^2",
        volume_per_point="0.2 mL",
        needle=mesocalc.Needle(gauge=30, length="13 mm"),
    )
    return mesocalc.Session(
        plans=[chin, chin], sides=["left", "right"], product=kyb, date="2026-11-26"
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
def test_the_label_session_validates_in_both_versions(version: str, kind: str) -> None:
    bundle = _kyb_with_a_needle().to_fhir(patient="Patient/123", version=version, bundle=kind)  # type: ignore[arg-type]
    _valid(bundle, version)
    assert bundle["type"] == kind


def test_r4_names_the_elements_r4_has() -> None:
    bundle = _kyb_with_a_needle().to_fhir(patient="Patient/123", version="R4")
    (procedure,) = _resources(bundle, "Procedure")
    area = _resources(bundle, "MedicationAdministration")[0]
    (medication,) = _resources(bundle, "Medication")
    assert "performedDateTime" in procedure
    assert "usedReference" in procedure
    assert "medicationReference" in area
    assert "medication" not in area
    assert area["effectiveDateTime"] == "2026-11-26"
    assert medication["batch"] == {"lotNumber": "B123", "expirationDate": "2027-03-31"}
    assert "itemCodeableConcept" in medication["ingredient"][0]


def test_r4_and_r5_give_the_same_doses_sites_and_routes() -> None:
    session = _kyb_with_a_needle()
    r4 = _resources(session.to_fhir(patient="Patient/1", version="R4"), "MedicationAdministration")
    r5 = _resources(session.to_fhir(patient="Patient/1"), "MedicationAdministration")
    assert [a["dosage"] for a in r4] == [a["dosage"] for a in r5]


def test_r5_stays_the_default_and_as_it_was() -> None:
    session = _kyb_with_a_needle()
    assert session.to_fhir(patient="Patient/1") == session.to_fhir(
        patient="Patient/1", version="R5", bundle="collection"
    )


@settings(max_examples=40)
@given(mst.sessions(), st.sampled_from(["R4", "R5"]), st.booleans())
def test_every_transaction_posts_every_entry_and_resolves_every_reference_inside(
    session: mesocalc.Session, version: str, given_: bool
) -> None:
    bundle = session.to_fhir(
        patient="Patient/p-1",
        given=given_,
        version=version,  # type: ignore[arg-type]
        bundle="transaction",
    )
    _valid(bundle, version)
    urls = {e["fullUrl"] for e in bundle["entry"]}
    for entry in bundle["entry"]:
        assert entry["request"] == {"method": "POST", "url": entry["resource"]["resourceType"]}
    outside = {r for r in _references(bundle) if r not in urls}
    assert outside == {"Patient/p-1"}
    doses = [a["dosage"]["dose"]["value"] for a in _resources(bundle, "MedicationAdministration")]
    assert math.isclose(sum(doses), session.total_volume.to("mL").magnitude, rel_tol=1e-9)


def test_the_four_bundles_of_one_session_have_four_ids_and_the_same_resources() -> None:
    session = _kyb_with_a_needle()
    bundles = [
        session.to_fhir(patient="Patient/1", version=v, bundle=k)
        for v in ("R4", "R5")
        for k in ("collection", "transaction")
    ]
    assert len({b["id"] for b in bundles}) == 4
    assert len({tuple(e["fullUrl"] for e in b["entry"]) for b in bundles}) == 1


@pytest.mark.parametrize(
    ("kwargs", "parameter", "error"),
    [
        ({"version": "R6"}, "version", InvalidValueError),
        ({"version": "r4"}, "version", InvalidValueError),
        ({"version": 4}, "version", InputTypeError),
        ({"version": None}, "version", InputTypeError),
        ({"bundle": "batch"}, "bundle", InvalidValueError),
        ({"bundle": ["transaction"]}, "bundle", InputTypeError),
    ],
)
def test_a_wrong_version_or_bundle_type_is_a_mesocalc_error_naming_it(
    kwargs: dict[str, Any], parameter: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as info:
        _kyb_with_a_needle().to_fhir(patient="Patient/1", **kwargs)
    assert info.value.parameter == parameter  # type: ignore[attr-defined]
