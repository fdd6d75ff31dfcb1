"""The array path against the scalar path for every rule, out-of-range values included.

tests/test_vectorised.py draws only values within the catalog's ranges; here each element
may break a soft range, the domain, a zone's depth cap, the skin layer or a session cap,
and the array plan must fail exactly where, and as, the first failing element's scalar
plan fails, or else plan every element as its scalar plan does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._catalog.catalog import Catalog, default_catalog
from mesocalc._catalog.entries import Spec
from mesocalc._quantities.parameters import PARAMETERS, RANGED
from mesocalc._quantities.units import quantity
from tests.strategies import _as_array, _wide, entries


def _wider_classic_depth() -> Catalog:
    """The shipped catalog with classic's face depth widened to 4 mm, past the face's skin."""
    text = (Path(mesocalc.__file__).parent / "catalog.toml").read_text(encoding="utf-8")
    old = 'depth = { low = 1, high = 2, unit = "mm", source = ["SEED3"], note = "Seed 003 states'
    return mesocalc.parse_catalog(text.replace(old, old.replace("high = 2", "high = 4"), 1))


WIDER = _wider_classic_depth()
CAPPED = (mesocalc.Technique.INFILTRATION, mesocalc.Zone.SUBMENTAL)


@st.composite
def wide_array_requests(
    draw: st.DrawFn,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """plan() arguments over arrays whose elements may break any rule, with each scalar one."""
    book: Catalog | None = draw(st.sampled_from([None, WIDER]))
    entry: Spec
    if book is WIDER:
        entry = WIDER.spec("classic", "face")  # deep enough to leave the face's skin
    else:
        entry = draw(
            st.one_of(entries(), st.just(default_catalog().spec(*CAPPED)))  # a session cap
        )
    n = draw(st.integers(min_value=1, max_value=5))
    kwargs: dict[str, Any] = {"technique": entry.technique, "zone": entry.zone}
    if book is not None:
        kwargs["catalog"] = book
    scalars = [dict(kwargs) for _ in range(n)]
    # Up to 2 dm², past the submental cap of 50 points on a 1 cm grid.
    mags = draw(st.lists(st.floats(min_value=1.0, max_value=2e4), min_size=n, max_size=n))
    form = draw(st.sampled_from(["strings", "quantity"]))
    kwargs["area"], each = _as_array(draw, mags, PARAMETERS["area"].dim, form)
    for i, value in enumerate(each):
        scalars[i]["area"] = value
    for name in RANGED:
        r, dim = entry.ranges()[name], PARAMETERS[name].dim
        mode = draw(
            st.sampled_from(
                ["scalar", "array"] if r.nominal is None else ["unset", "scalar", "array"]
            )
        )
        if mode == "unset":
            continue
        size = 1 if mode == "scalar" else n
        mags = draw(st.lists(_wide(r, name), min_size=size, max_size=size))
        value, each = _as_array(draw, mags, dim, draw(st.sampled_from(["strings", "quantity"])))
        if mode == "scalar":
            value, each = each[0], each * n
        kwargs[name] = value
        for i, one in enumerate(each):
            scalars[i][name] = one
    return kwargs, scalars


def _outcome(request: dict[str, Any]) -> Any:
    """The plan (or plans) of ``request``, or the error it raises."""
    try:
        return mesocalc.plan(**request)
    except mesocalc.MesocalcError as exc:
        return exc


@given(wide_array_requests())
def test_an_array_plan_fails_as_its_first_failing_element_does(
    request: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    kwargs, scalars = request
    outcomes = [_outcome(s) for s in scalars]
    made = _outcome(kwargs)
    if not isinstance(made, mesocalc.MesocalcError):
        assert isinstance(made, mesocalc.PlanArray)
        for i, one in enumerate(outcomes):
            assert made[i] == one
        return
    index = made.index
    if index is None:  # a value every element shares: each scalar plan fails on it
        failing = outcomes
    else:
        assert len(index) == 1, made
        failing = [outcomes[index[0]]]
    for scalar in failing:
        _same_error(made, scalar, index)


def _same_error(
    made: mesocalc.MesocalcError,
    scalar: Any,
    index: tuple[int, ...] | None,
) -> None:
    assert isinstance(scalar, mesocalc.MesocalcError), (made, scalar)
    assert type(made) is type(scalar)
    assert (made.parameter, made.value, made.expected) == (
        scalar.parameter,
        scalar.value,
        scalar.expected,
    )
    assert getattr(made, "allowed", None) == getattr(scalar, "allowed", None)
    assert getattr(made, "source", None) == getattr(scalar, "source", None)
    assert str(made) == str(scalar if index is None else scalar.at(index))


# Boundaries that mutation testing found untested: each is exactly at a limit, which holds.


def test_a_plan_exactly_at_the_session_cap_passes_and_one_point_more_does_not() -> None:
    request: dict[str, Any] = {"technique": "infiltration", "zone": "submental"}
    at = mesocalc.plan(area="50 cm^2", spacing="1 cm", volume_per_point="0.2 mL", **request)
    assert (at.points, at.total_volume.to("mL").magnitude) == (50, pytest.approx(10.0))
    with pytest.raises(mesocalc.SoftLimitError) as over:
        mesocalc.plan(area="51 cm^2", spacing="1 cm", volume_per_point="0.2 mL", **request)
    assert (over.value.parameter, over.value.source) == ("points", "KYB")
    arrays = mesocalc.plan(area=["49 cm^2", "50 cm^2"], volume_per_point="0.2 mL", **request)
    assert list(arrays.points) == [49, 50]


def test_a_depth_exactly_at_the_thickest_skin_stays_in_the_skin() -> None:
    skin = WIDER.thickness("face").skin
    assert skin is not None
    edge = f"{skin.high_magnitude!r} mm"
    one = mesocalc.plan(technique="classic", zone="face", area="4 cm^2", depth=edge, catalog=WIDER)
    assert one.depth.to("mm").magnitude == pytest.approx(skin.high_magnitude)
    many = mesocalc.plan(
        technique="classic", zone="face", area=["4 cm^2"] * 2, depth=[edge, "1 mm"], catalog=WIDER
    )
    assert many.shape == (2,)
    with pytest.raises(mesocalc.HardLimitError) as beyond:
        mesocalc.plan(
            technique="classic",
            zone="face",
            area="4 cm^2",
            depth=f"{skin.high_magnitude + 0.01!r} mm",
            catalog=WIDER,
        )
    assert beyond.value.parameter == "depth"


def test_a_non_needle_is_refused_as_the_needle() -> None:
    with pytest.raises(mesocalc.InputTypeError) as info:
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2", needle="30G 4 mm")  # type: ignore[call-overload]
    assert (info.value.parameter, info.value.value) == ("needle", "30G 4 mm")


def test_a_needle_exactly_as_long_as_the_insertion_passes() -> None:
    # Point-by-point 6 mm deep at 45 degrees inserts 8.49 mm, within PHP's 4-13 mm needles.
    base: dict[str, Any] = {"technique": "point-by-point", "zone": "back", "area": "40 cm^2"}
    plan = mesocalc.plan(**base, depth="6 mm", angle="45 deg")
    inserted = plan.insertion_length.to("mm").magnitude
    exact = mesocalc.Needle(gauge=30, length=f"{inserted!r} mm")
    assert mesocalc.plan(**base, depth="6 mm", angle="45 deg", needle=exact).needle == exact
    short = mesocalc.Needle(gauge=30, length=f"{inserted * 0.99!r} mm")
    with pytest.raises(mesocalc.HardLimitError) as info:
        mesocalc.plan(**base, depth="6 mm", angle="45 deg", needle=short)
    assert info.value.parameter == "needle"


def test_arrays_of_areas_share_one_shape() -> None:
    plans: Any = mesocalc.plan(
        technique="classic", zone="face", area=quantity(np.ones((2, 2)), "cm^2")
    )
    assert plans.shape == (2, 2)
    assert len(plans) == 2
    assert plans != "not a plan array"


def test_an_element_of_a_quantity_array_is_shown_as_the_same_quantity_alone_is() -> None:
    angles = quantity(np.array([45.0, 0.0]), "degree")
    with pytest.raises(mesocalc.DomainError) as made:
        mesocalc.plan(technique="classic", zone="face", area="40 cm^2", angle=angles)
    with pytest.raises(mesocalc.DomainError) as alone:
        mesocalc.plan(
            technique="classic", zone="face", area="40 cm^2", angle=quantity(0.0, "degree")
        )
    assert type(made.value.value.magnitude) is float
    assert str(made.value) == str(alone.value.at((1,)))


def test_an_empty_element_takes_the_default_as_an_unset_argument_does() -> None:
    """An empty cell of a table (docs/frames.md) is None in an array: that element's default."""
    request: dict[str, Any] = {"technique": "classic", "zone": "face"}
    default = mesocalc.plan(area="5 cm^2", **request).spacing
    column = np.array(["5 mm", None], dtype=object)  # a table's column with an empty cell
    plans = mesocalc.plan(area=["4 cm^2", "5 cm^2"], spacing=column, **request)
    assert plans.spacing.to("mm").magnitude.tolist() == [5.0, default.to("mm").magnitude]


def test_an_array_of_one_element_fails_at_index_zero() -> None:
    """Over the session cap (50 submental injections): an array of one such area too."""
    request: dict[str, Any] = {
        "technique": "infiltration",
        "zone": "submental",
        "volume_per_point": "0.1 mL",
        "depth": "8 mm",
    }
    with pytest.raises(mesocalc.SoftLimitError) as one:
        mesocalc.plan(area="100 cm^2", **request)
    with pytest.raises(mesocalc.SoftLimitError) as info:
        mesocalc.plan(area=["100 cm^2"], **request)
    assert (info.value.parameter, info.value.index) == ("points", (0,))
    assert str(info.value) == str(one.value.at((0,)))


def test_an_element_warns_of_an_about_value_only_if_it_departs_itself() -> None:
    # Plans over arrays warn once for the elements that depart from an "about" value
    # (papular's spacing of about 10 mm); each element reads as its own scalar plan.
    kw: dict[str, Any] = {"technique": "papular", "zone": "face"}
    spacings = ["10.0 mm", "10.0 mm", "1.0 mm"]
    plans = mesocalc.plan(**kw, area=["1 cm^2"] * 3, spacing=spacings)
    assert isinstance(plans, mesocalc.PlanArray)
    assert "about-value-departed" in [w.code.value for w in plans.warning_records]
    for i, spacing in enumerate(spacings):
        assert plans[i] == mesocalc.plan(**kw, area="1 cm^2", spacing=spacing)
        assert plans[i].warnings == mesocalc.plan(**kw, area="1 cm^2", spacing=spacing).warnings
