"""The public API as a client types it: checked by mypy --strict, run by tests/test_client_api.py."""

from __future__ import annotations

from typing import Any

import numpy as np

import mesocalc
from mesocalc.typing import Quantity


def client_code() -> float:
    p: mesocalc.Plan = mesocalc.plan(
        technique=mesocalc.Technique.CLASSIC, zone="face", area="4 cm^2"
    )
    total: Quantity = p.total_volume
    points: int = p.points
    fraction: float = p.loss_fraction
    warnings: tuple[str, ...] = p.warnings
    s: mesocalc.Spec = mesocalc.spec("nappage", mesocalc.Zone.SCALP)
    r: mesocalc.Range = s.depth
    try:
        mesocalc.plan(technique="classic", zone="eyelid", area="4 cm^2", depth="3 mm")
    except mesocalc.LimitError as exc:
        allowed: str = exc.allowed
        assert allowed
    return float(total.to("mL").magnitude) + points + fraction + len(warnings) + r.high_magnitude


def client_parts() -> int:
    p = mesocalc.plan(
        technique="classic",
        zone="face",
        area="40 cm^2",
        syringe=mesocalc.Syringe.conventional(),
    )
    supply: mesocalc.Supply | None = p.supply
    placement: mesocalc.Placement | None = p.placement
    stored: mesocalc.Plan = mesocalc.Plan.from_dict(p.to_dict())
    assert supply is not None
    assert placement is None
    return supply.syringes + stored.points + hash(stored) % 2


def client_arrays() -> int:
    plans: mesocalc.PlanArray = mesocalc.plan(
        technique="classic", zone="face", area=["4 cm^2", "40 cm^2"]
    )
    first = plans[0]
    assert isinstance(first, mesocalc.Plan)
    counts: np.ndarray = plans.points
    return int(counts.sum()) + first.points + len(plans.shape)


def client_export() -> int:
    face = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    s = mesocalc.Session(plans=[face], date="2026-11-26", product=mesocalc.Product(name="x"))
    bundle: dict[str, Any] = s.to_fhir(patient="Patient/1", given=True)
    book: mesocalc.Catalog = mesocalc._catalog.catalog.default_catalog()
    site: mesocalc.SiteCode | None = book.site(mesocalc.Zone.FACE)
    assert site is not None
    return len(bundle["entry"]) + int(site.verified)


def client_geometry() -> int:
    import shapely  # noqa: PLC0415 - the test extra installs it

    outline: mesocalc.Polygon = mesocalc.Polygon.from_shapely(shapely.box(0, 0, 60, 40), unit="mm")
    p = mesocalc.plan(technique="classic", zone="face", area=outline)
    page: str = p._repr_html_() + p._repr_markdown_()
    return p.points + int("<table>" in page)


def test_client_code() -> None:
    assert client_code() > 0
    assert client_parts() > 0
    assert client_arrays() == (4 + 40) + 4 + 1  # classic on the face: 1 point per cm²
    assert client_export() == 3 + 1
    assert client_geometry() == 24 + 1


def client_precise_types() -> int:
    """Sequence[Plan], a Literal kind, a required patient and spec's catalog, as typed."""
    import datetime  # noqa: PLC0415

    face = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    plans: tuple[mesocalc.Plan, ...] = (face, face)
    s = mesocalc.Session(plans=plans, sides=("left", None), date=datetime.date(2026, 11, 26))
    s = mesocalc.Session(plans=list(plans), date="2026-11-26", product=mesocalc.Product(name="x"))
    schema: dict[str, Any] = mesocalc.json_schema("session")
    bundle: dict[str, Any] = s.to_fhir(patient="Patient/1")
    book: mesocalc.Catalog = mesocalc._catalog.catalog.default_catalog()
    entry: mesocalc.Spec = mesocalc.spec("classic", "face", catalog=book)
    return (
        len(s.plans) + int("$id" in schema) + int(bool(bundle)) + int(entry.zone.value == "face")
    )
