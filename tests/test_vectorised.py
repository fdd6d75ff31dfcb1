"""plan() over arrays: element by element the same as scalar plans, and errors with an index."""

from __future__ import annotations

import itertools
import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._quantities.units import MAX_ELEMENTS, quantity
from tests.strategies import array_requests, garbage_strings


@given(array_requests())
def test_array_plan_matches_scalar_plans(
    request: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    kwargs, scalars = request
    p = mesocalc.plan(**kwargs)
    assert p.shape == (len(scalars),)
    assert np.asarray(p.points).dtype == np.int64
    for i, scalar in enumerate(scalars):
        assert p[i] == mesocalc.plan(**scalar)


@given(array_requests())
def test_array_plan_quantities_match(request: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    kwargs, scalars = request
    p = mesocalc.plan(**kwargs)
    for i, scalar in enumerate(scalars):
        s = mesocalc.plan(**scalar)
        assert p.total_volume[i] == s.total_volume
        assert p.expected_loss[i] == s.expected_loss
        assert p.delivered_volume[i] == s.delivered_volume


@given(array_requests())
def test_array_plan_to_dict_is_json_of_lists(
    request: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    kwargs, scalars = request
    data = json.loads(json.dumps(mesocalc.plan(**kwargs).to_dict()))
    assert len(data["points"]) == len(scalars)
    assert data["points"] == [mesocalc.plan(**s).points for s in scalars]


def test_broadcasting_two_axes() -> None:
    areas = quantity(np.array([[1.0], [10.0], [100.0]]), "centimeter ** 2")
    spacings = ["2 mm", "2.5 mm", "3 mm"]
    p = mesocalc.plan(technique="nappage", zone="scalp", area=areas, spacing=spacings)
    assert isinstance(p, mesocalc.PlanArray)
    assert p.shape == (3, 3)
    for i, a in enumerate(["1 cm^2", "10 cm^2", "100 cm^2"]):
        for j, s in enumerate(spacings):
            assert p[i, j] == mesocalc.plan(technique="nappage", zone="scalp", area=a, spacing=s)


def test_array_plan_is_read_only_and_reprs() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"])
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(p.points)[0] = 1
    assert repr(p).startswith("<PlanArray classic on face, 2 areas of 4 to 40 cm²: 4 to 40 points")
    assert "points            4 to 40" in p.table()
    assert "| points | 4 to 40 |" in p._repr_markdown_()  # a notebook shows plans over arrays
    assert p[1:] == mesocalc.plan(technique="classic", zone="face", area=["40 cm^2"])
    with pytest.raises(mesocalc.InputTypeError):
        p[5]
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.plan(technique="classic", zone="face", area="4 cm^2")[0]


def test_empty_array_gives_empty_plan() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area=[])
    assert p.shape == (0,)
    assert p.to_dict()["points"] == []


def _refused(area: str) -> bool:
    try:
        mesocalc.plan(technique="classic", zone="face", area=area)
    except mesocalc.MesocalcError:
        return True
    return False


def _valid(n: int) -> list[str]:
    return [f"{i + 1} cm^2" for i in range(n)]


@given(st.integers(min_value=1, max_value=8), st.data())
def test_first_bad_element_is_named(n: int, data: st.DataObject) -> None:
    bad_at = data.draw(st.integers(min_value=0, max_value=n - 1))
    bad = data.draw(
        st.one_of(garbage_strings(), st.sampled_from(["-1 cm^2", "0 mm^2", "2 mL"])).filter(
            _refused
        )
    )
    areas = _valid(n)
    areas[bad_at] = bad
    areas += ["nonsense"]  # a later bad element must not be the one reported
    with pytest.raises(mesocalc.MesocalcError) as caught:
        mesocalc.plan(technique="classic", zone="face", area=areas)
    with pytest.raises(type(caught.value)) as scalar:
        mesocalc.plan(technique="classic", zone="face", area=bad)
    assert caught.value.parameter == "area" == scalar.value.parameter
    assert caught.value.index == (bad_at,)
    assert f"at index ({bad_at},)" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "parameter", "index"),
    [
        ({"depth": ["1 mm", "1.5 mm", "2.5 mm"]}, mesocalc.SoftLimitError, "depth", (2,)),
        # 3 mm is past the face's thickest skin too: the hard rule comes first, as for one value.
        ({"depth": ["1 mm", "1.5 mm", "3 mm"]}, mesocalc.HardLimitError, "depth", (2,)),
        (
            {"angle": ["45 deg", "95 deg"]},
            mesocalc.DomainError,  # a HardLimitError, as for one value
            "angle",
            (1,),
        ),
        (
            {"loss_fraction": np.array([0.1, 1.0])},
            mesocalc.DomainError,  # outside [0, 1): a HardLimitError, as for one value
            "loss_fraction",
            (1,),
        ),
        ({"loss_fraction": [0.1, 0.7]}, mesocalc.SoftLimitError, "loss_fraction", (1,)),
        ({"spacing": [quantity(5.0, "mm"), "2 mL"]}, mesocalc.UnitError, "spacing", (1,)),
        (
            {"area": quantity(np.array([[1.0, 2.0], [np.nan, 1.0]]), "cm**2")},
            mesocalc.InvalidValueError,
            "area",
            (1, 0),
        ),
        (
            {"area": quantity(np.array([1.0, 1e300]), "m**2")},
            mesocalc.DomainError,  # an InvalidValueError: too large to be a plan
            "area",
            (1,),
        ),
        (
            {"volume_per_point": quantity(np.array([0.01, 0.5]), "mL")},
            mesocalc.SoftLimitError,
            "volume_per_point",
            (1,),
        ),
    ],
)
def test_vectorised_errors_name_parameter_and_index(
    kwargs: dict[str, Any],
    error: type[mesocalc.MesocalcError],
    parameter: str,
    index: tuple[int, ...],
) -> None:
    kwargs.setdefault("area", "10 cm^2")
    with pytest.raises(error) as caught:
        mesocalc.plan(technique="classic", zone="face", **kwargs)
    assert caught.value.parameter == parameter
    assert caught.value.index == index
    again = pickle.loads(pickle.dumps(caught.value))
    assert (type(again), str(again), again.index) == (error, str(caught.value), index)


@pytest.mark.parametrize(
    ("area", "error"),
    [
        (np.array([1.0, 2.0]), mesocalc.UnitError),  # bare numbers, even in an array
        ([1.0, 2.0], mesocalc.UnitError),
        (quantity(np.array([1 + 1j]), "cm**2"), mesocalc.InputTypeError),
        (quantity(np.array([True]), "cm**2"), mesocalc.InputTypeError),
        (quantity(np.array([1.0]), "mm"), mesocalc.UnitError),
        ([["1 cm^2"], ["1 cm^2", "2 cm^2"]], mesocalc.InputTypeError),
        ([None], mesocalc.InputTypeError),
    ],
)
def test_bad_arrays(area: Any, error: type[mesocalc.MesocalcError]) -> None:
    with pytest.raises(error) as caught:
        mesocalc.plan(technique="classic", zone="face", area=area)
    assert caught.value.parameter == "area"


def test_arrays_are_capped() -> None:
    huge = quantity(np.broadcast_to(1.0, (MAX_ELEMENTS + 1,)), "cm**2")
    with pytest.raises(mesocalc.InvalidValueError, match="at most 10,000,000"):
        mesocalc.plan(technique="classic", zone="face", area=huge)
    with pytest.raises(mesocalc.InvalidValueError):
        mesocalc.plan(
            technique="classic", zone="face", area="1 cm^2", depth=["1 mm"] * (MAX_ELEMENTS + 1)
        )


def test_shapes_that_do_not_broadcast() -> None:
    with pytest.raises(mesocalc.InvalidValueError) as caught:
        mesocalc.plan(technique="classic", zone="face", area=_valid(3), spacing=["5 mm", "6 mm"])
    assert caught.value.parameter == "spacing"


def test_retrograde_threads_over_arrays() -> None:
    thread: dict[str, Any] = {
        "technique": "retrograde",
        "zone": "face",
        "volume_per_point": "0.3 mL",
    }
    p = mesocalc.plan(**thread, area=["1 cm^2", "10 cm^2"])
    assert p.thread_length is not None
    assert p[1] == mesocalc.plan(**thread, area="10 cm^2")
    with pytest.raises(mesocalc.InvalidValueError, match="^lattice: "):
        mesocalc.plan(**thread, area=["1 cm^2"], lattice="hex")


def test_exact_multiples_do_not_round_up_in_arrays() -> None:
    p = mesocalc.plan(technique="nappage", zone="face", area=["0.27 cm^2"] * 3, spacing="3 mm")
    assert np.asarray(p.points).tolist() == [3, 3, 3]


@given(array_requests())
def test_array_plans_round_trip_through_json(
    request: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    p = mesocalc.plan(**request[0])
    again = mesocalc.PlanArray.from_dict(json.loads(json.dumps(p.to_dict())))
    assert again == p
    assert again.shape == p.shape


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("points", [1, "2"]),
        ("points", [[1], [2, 3]]),
        ("points", [0, 1]),
        ("loss_fraction", [1.5]),
    ],
)
def test_stored_arrays_are_checked(field: str, value: Any) -> None:
    data = mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "8 cm^2"]).to_dict()
    with pytest.raises(mesocalc.InvalidValueError, match=f"^{field}: "):
        mesocalc.PlanArray.from_dict({**data, field: value})


# --- whole-plan hard limits run on arrays through the same rules as on one area ---------


def _wider_classic_depth() -> mesocalc.Catalog:
    text = (Path(mesocalc.__file__).parent / "catalog.toml").read_text(encoding="utf-8")
    old = 'depth = { low = 1, high = 2, unit = "mm", source = ["SEED3"], note = "Seed 003 states'
    assert old in text
    return mesocalc.parse_catalog(text.replace(old, old.replace("high = 2", "high = 4"), 1))


def test_arrays_check_the_skin_layer_element_by_element() -> None:
    book = _wider_classic_depth()
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "catalog": book}
    with pytest.raises(mesocalc.HardLimitError) as scalar:
        mesocalc.plan(area="4 cm^2", depth="2.6 mm", **request)
    with pytest.raises(mesocalc.HardLimitError) as caught:
        mesocalc.plan(area=["4 cm^2", "5 cm^2"], depth=["1 mm", "2.6 mm"], **request)
    assert caught.value.index == (1,)
    assert str(caught.value) == str(scalar.value.at((1,)))
    with pytest.raises(mesocalc.HardLimitError) as shared:  # one depth for every area
        mesocalc.plan(area=quantity(np.ones((2, 3)), "cm^2"), depth="2.6 mm", **request)
    assert shared.value.index == (0, 0)


def test_arrays_check_the_session_cap_element_by_element() -> None:
    request: dict[str, Any] = {"technique": "infiltration", "zone": "submental"}
    with pytest.raises(
        mesocalc.SoftLimitError
    ) as scalar:  # an analogue cap: arrays take no override
        mesocalc.plan(area="51 cm^2", **request)
    with pytest.raises(mesocalc.SoftLimitError) as caught:
        mesocalc.plan(area=["40 cm^2", "50 cm^2", "51 cm^2"], **request)
    assert (caught.value.parameter, caught.value.source, caught.value.index) == (
        "points",
        "KYB",
        (2,),
    )
    assert str(caught.value) == str(scalar.value.at((2,)))
    plans = mesocalc.plan(area=["40 cm^2", "50 cm^2"], **request)
    assert plans.warnings == mesocalc.plan(area="50 cm^2", **request).warnings


def test_volumes_over_broadcast_arrays_are_the_scalar_formula() -> None:
    """The in-place volume arithmetic of plans over arrays gives numpy's own numbers."""
    from mesocalc._quantities import arithmetic as _core  # noqa: PLC0415 - the private arithmetic under test

    rng = np.random.default_rng(3)
    points = rng.integers(1, 10**6, (50, 40))
    vpp, loss = rng.uniform(0.001, 0.5, (1, 40)), rng.uniform(0.0, 0.99, (50, 1))
    total, lost = points * vpp, points * vpp * loss
    assert np.array_equal(_core.volume_array(points, vpp, loss, "total"), total)
    assert np.array_equal(_core.volume_array(points, vpp, loss, "lost"), lost)
    assert np.array_equal(_core.volume_array(points, vpp, loss, "delivered"), total - lost)
    assert _core.volume_array(points[:0], vpp, loss[:0], "delivered").shape == (0, 40)


@pytest.mark.parametrize("wide", ["volume_per_point", "loss_fraction"])
def test_volumes_take_their_shape_from_every_operand(wide: str) -> None:
    """The counts may be the narrowest operand: the other two broadcast them."""
    from mesocalc._quantities import arithmetic as _core  # noqa: PLC0415 - the private arithmetic under test

    points = np.array([[3, 4, 5]])
    vpp, loss = np.full((1, 3), 0.02), np.full((1, 1), 0.25)
    if wide == "volume_per_point":
        vpp = np.array([[0.01], [0.02]])
    else:
        loss = np.array([[0.0], [0.5]])
    total = np.broadcast_to(points * vpp, (2, 3))  # every part has the shape of all three
    assert np.array_equal(_core.volume_array(points, vpp, loss, "total"), total)
    assert np.array_equal(_core.volume_array(points, vpp, loss, "lost"), total * loss)
    delivered = _core.volume_array(points, vpp, loss, "delivered")
    assert np.array_equal(delivered, total - total * loss)
    assert delivered.shape == (2, 3)


def test_point_counts_are_refused_only_beyond_two_to_the_53() -> None:
    """The bound on every ratio is a shortcut: the exact ratios decide when it fails."""
    from mesocalc._quantities import arithmetic as _core  # noqa: PLC0415 - the private arithmetic under test

    cell = 2.0**-30  # a spacing far below any published one: the bound fails
    at_most = [9007199245733792]  # 2^23 / 2^-30 is 2^53 exactly, shrunk by SNAP
    assert _core.count_points(np.array([2.0**23]), np.array([cell]), "s").tolist() == at_most
    assert _core.count_points(2.0**23, cell, "s") == at_most[0]
    assert _core.count_points(np.array([1.0]), np.array([1e-10]), "s").tolist() == [9999999990]
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _core.count_points(np.array([2.0**24]), np.array([cell]), "s")
    assert (info.value.parameter, info.value.value, info.value.expected) == (
        "spacing",
        "s",
        "a spacing giving at most 9007199254740992 points",
    )


def test_counts_of_more_areas_than_one_chunk_are_at_least_one() -> None:
    from mesocalc._quantities import arithmetic as _core  # noqa: PLC0415 - the private arithmetic under test

    counts = _core.count_cells(np.full(20_000, 1.0), 4.0)
    assert np.asarray(counts).tolist() == [1] * 20_000


def test_an_angle_of_zero_gives_no_insertion_length_and_no_warning() -> None:
    from mesocalc._quantities import arithmetic as _core  # noqa: PLC0415 - the private arithmetic under test

    assert _core.insertion_length(np.array([7.0]), 45.0).tolist() == [7.0 / np.sin(np.pi / 4)]
    for depth, angle, index in (
        (7.0, 0.0, None),
        (np.array([7.0]), np.array([0.0]), (0,)),
        (np.array([0.0]), np.array([0.0]), (0,)),  # 0 / 0: not a number, refused as well
    ):
        with pytest.raises(mesocalc.DomainError) as info:
            _core.insertion_length(depth, angle)
        assert (info.value.parameter, info.value.value, info.value.index) == (
            "angle",
            "0.0 deg",
            index,
        )


def test_volume_results_are_the_callers_own_arrays() -> None:
    """The volumes are computed together inside the plans, yet each read is a new array."""
    plans = mesocalc.plan(
        technique="classic", zone="face", area=["4 cm^2", "40 cm^2"], loss_fraction=0.1
    )
    total = plans.total_volume
    total.magnitude[0] = 99.0
    assert plans.total_volume.magnitude[0] == pytest.approx(0.04)
    lost = plans.expected_loss
    lost.magnitude[:] = 0.0
    assert plans.delivered_volume.magnitude.tolist() == [0.04 - 0.004, 0.4 - 0.04000000000000001]
    assert plans[1].expected_loss.magnitude == plans.expected_loss.magnitude[1]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_volume_reads_in_any_order_give_the_same_numbers_and_new_arrays(
    order: tuple[int, ...],
) -> None:
    """The first read computes all three volumes; each is handed out once, then recomputed."""
    request: dict[str, Any] = {"technique": "classic", "zone": "face"}
    request["loss_fraction"] = [0.0, 0.1, 0.3]
    plans = mesocalc.plan(area=["4 cm^2", "40 cm^2", "7.3 cm^2"], **request)
    names = ("total_volume", "expected_loss", "delivered_volume")
    fresh = mesocalc.plan(area=["4 cm^2", "40 cm^2", "7.3 cm^2"], **request)
    expected = {name: getattr(fresh, name).magnitude.copy() for name in names}
    seen: list[Any] = []
    for i in (*order, *order):
        array = getattr(plans, names[i]).magnitude
        assert array.flags.writeable
        assert array.tobytes() == expected[names[i]].tobytes()
        assert not any(np.shares_memory(array, other) for other in seen)
        seen.append(array)
        array[:] = -1.0  # the caller's own: the next read is not changed by this


def test_arrays_of_4_mib_or_more_start_on_a_huge_page_with_the_same_numbers() -> None:
    """Plans over large arrays keep their arrays on 2 MiB boundaries; no number changes.

    numpy asks the kernel for huge pages from 4 MiB, which only aligned stretches can have
    (mesocalc._engine.numpy_binding.empty); smaller arrays are numpy's own.
    """
    from mesocalc._engine import numpy_binding as _numpy  # noqa: PLC0415 - the private allocation under test

    big = _numpy.empty((1024, 513), np.int64)
    assert (big.shape, big.dtype, big.flags.c_contiguous, big.flags.writeable) == (
        (1024, 513),
        np.dtype(np.int64),
        True,
        True,
    )
    assert big.__array_interface__["data"][0] % _numpy.HUGE_PAGE == 0
    assert _numpy.empty((3,), np.float64).base is None
    areas = np.random.default_rng(8).uniform(0.5, 400.0, 600_000)  # 4.8 MB of float64
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "loss_fraction": 0.1}
    plans = mesocalc.plan(area=quantity(areas, "cm**2"), **request)
    arrays = {
        "points": plans.points,
        "area": plans.area.magnitude,
        "total_volume": plans.total_volume.magnitude,
        "expected_loss": plans.expected_loss.magnitude,
        "delivered_volume": plans.delivered_volume.magnitude,
    }
    for name in ("points", "total_volume", "expected_loss", "delivered_volume"):
        assert arrays[name].__array_interface__["data"][0] % _numpy.HUGE_PAGE == 0, name
    parts = [mesocalc.plan(area=quantity(a, "cm**2"), **request) for a in np.split(areas, 6)]
    for name, array in arrays.items():  # 100,000 areas a part: numpy's own arrays
        got = [p.points if name == "points" else getattr(p, name).magnitude for p in parts]
        assert array.tobytes() == np.concatenate(got).tobytes(), name
