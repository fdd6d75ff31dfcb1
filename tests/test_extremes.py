"""Dates, counts and nesting at their extremes (issue 22): MesocalcErrors naming the parameter.

Days, months and counts beyond what ``datetime`` holds are refused by name, and what was
made renders: reprs and tables never raise.
"""

from __future__ import annotations

import datetime
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mesocalc
from mesocalc._clinic.course import add_months
from mesocalc._exchange.cli import main
from mesocalc._quantities.names import added_zone
from mesocalc._quantities.units import quantity
from tests import strategies as mst


def _face() -> mesocalc.Plan:
    return mesocalc.plan(technique="classic", zone="face", area="200 cm^2")


def _side() -> mesocalc.Plan:
    return mesocalc.plan(
        technique="infiltration", zone="submental", area="20 cm^2", volume_per_point="0.2 mL"
    )


def _renders(obj: Any) -> None:
    """Every way a value object is shown: none of them raises."""
    for text in (repr(obj), str(obj), obj.table(), obj._repr_html_(), obj._repr_markdown_()):
        assert isinstance(text, str)
        assert text


# --- courses and dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "count", "every", "parameter"),
    [
        ("2026-12-01", 2, 10**9, "every"),
        ("2026-12-01", 2, 10**30, "every"),
        ("2026-12-01", 10**6, 7, "count"),
        ("9999-12-25", 2, 7, "every"),
        ("9999-12-25", 4, 3, "count"),
        (None, 2, 7, "first"),
        ("31 Dec 9999", 2, 7, "first"),
        ("10000-01-01", 2, 7, "first"),
    ],
)
def test_a_course_past_the_last_date_is_refused_by_name(
    first: Any, count: int, every: int, parameter: str
) -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Course.lay_out([_face()], first=first, count=count, every=every)
    assert info.value.parameter == parameter


def test_a_course_to_the_last_date_is_laid_out() -> None:
    course = mesocalc.Course.lay_out([_face()], first="9999-12-17", count=3, every=7)
    assert course.sessions[-1].date == datetime.date.max
    assert "next due after 9999-12-31" in repr(course)
    assert "after 9999-12-31" in course.table()
    _renders(course)
    with pytest.raises(mesocalc.InvalidValueError, match="^date: got '9999-12-31'"):
        _ = course.next_due


def test_a_labelled_course_near_the_last_date_renders_and_is_hard() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    one = mesocalc.Course.lay_out([_side()], first="9999-12-25", count=1, every=31, product=kyb)
    _renders(one)
    with pytest.raises(mesocalc.InvalidValueError, match="^date: "):
        _ = one.next_due
    early = mesocalc.Session(plans=[_side()], date="9999-12-01", product=kyb)
    late = mesocalc.Session(plans=[_side()], date="9999-12-31", product=kyb)
    with pytest.raises(mesocalc.HardLimitError, match="^date: got '9999-12-31'"):
        mesocalc.Course(sessions=[early, late])


@pytest.mark.parametrize("months", [10**9, -(10**9), 12 * 8000, -12 * 2026])
def test_months_past_what_a_date_holds_are_refused_by_name(months: int) -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="^months: "):
        add_months(datetime.date(2026, 1, 31), months)


def test_a_session_on_the_first_and_last_dates_renders() -> None:
    for day in ("0001-01-01", "9999-12-31"):
        session = mesocalc.Session(plans=[_face()], date=day)
        _renders(session)
        course = mesocalc.Course(sessions=[session])
        _renders(course)
        assert mesocalc.Course.from_dict(course.to_dict()) == course


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(
    first=mst.extreme_dates(),
    count=st.integers(min_value=1, max_value=4),
    every=st.one_of(st.integers(min_value=1, max_value=400), st.integers(min_value=1)),
    labelled=st.booleans(),
)
def test_any_course_at_extreme_dates_renders_or_is_refused_by_name(
    first: datetime.date, count: int, every: int, labelled: bool
) -> None:
    product = mesocalc.product("deoxycholic acid") if labelled else None
    try:
        course = mesocalc.Course.lay_out(
            [_side()], first=first, count=count, every=every, product=product
        )
    except mesocalc.MesocalcError as error:
        assert error.parameter in {"every", "count", "date"}
        assert str(error).startswith(f"{error.parameter}: ")
        return
    _renders(course)
    for session in course.sessions:
        _renders(session)
    try:
        due = course.next_due
    except mesocalc.InvalidValueError as error:
        assert error.parameter == "date"
    else:
        assert due > course.sessions[-1].date  # type: ignore[operator]  # a course's are dated


# --- counts and keys of a session ------------------------------------------------------------


def test_more_areas_than_a_session_holds_are_named_as_areas() -> None:
    face = _face()
    with pytest.raises(mesocalc.InvalidValueError, match="^plans: got 10001"):
        mesocalc.Session(plans=[face] * 10_001)
    with pytest.raises(mesocalc.InvalidValueError, match="^plans: got 10001"):
        mesocalc.Session(plans=[face] * 10_001, sides=[None] * 10_001)
    request = {"technique": "classic", "zone": "face", "area": "200 cm^2"}
    with pytest.raises(mesocalc.InvalidValueError, match="^areas: got 10001"):
        mesocalc.Session.from_requests([request] * 10_001)


@pytest.mark.parametrize("key", [1, None, (1, 2), 2.5, b"zone"])
def test_a_session_request_with_a_key_that_is_not_a_name_is_refused(key: Any) -> None:
    request = {key: 2, "technique": "classic", "zone": "face", "area": "200 cm^2"}
    with pytest.raises(mesocalc.InputTypeError, match=r"^areas\[0\]: ") as info:
        mesocalc.Session.from_requests([request])
    assert "unknown: " in str(info.value)


# --- stored payloads nested deep -------------------------------------------------------------


def _nested(depth: int, *, dicts: bool) -> Any:
    inner: Any = {} if dicts else []
    for _ in range(depth):
        inner = {"a": inner} if dicts else [inner]
    return inner


@pytest.mark.parametrize("dicts", [True, False])
@pytest.mark.parametrize("version", [None, 1])
@pytest.mark.parametrize("depth", [200, 50_000])
def test_an_old_payload_nested_deep_is_refused_not_overflowed(
    dicts: bool, version: int | None, depth: int
) -> None:
    face = _face()
    data = face.to_dict()
    if version is None:
        del data["schema"], data["schema_version"]
    else:
        data["schema_version"] = version
    data["area"] = {"value": _nested(depth, dicts=False), "unit": "mm2"}
    with pytest.raises(mesocalc.InvalidValueError, match="^data: .*nested at most"):
        mesocalc.Plan.from_dict(data)
    data["area"] = face.to_dict()["area"]
    data["extra"] = _nested(depth, dicts=dicts)
    with pytest.raises(mesocalc.InvalidValueError, match="^data: .*nested at most"):
        mesocalc.Plan.from_dict(data)
    session = mesocalc.Session(plans=[face]).to_dict()
    del session["schema"], session["schema_version"]
    session["plans"][0]["extra"] = _nested(depth, dicts=dicts)
    with pytest.raises(mesocalc.InvalidValueError, match="^data: .*nested at most"):
        mesocalc.Session.from_dict(session)


def test_old_payloads_within_the_bound_still_read() -> None:
    face = _face()
    data = face.to_dict()
    del data["schema"], data["schema_version"]
    assert mesocalc.Plan.from_dict(data) == face
    array = mesocalc.plan(
        technique="classic", zone="face", area=quantity(np.full((2, 2), 200.0), "cm^2")
    )
    data = array.to_dict()
    data["schema_version"] = 1
    data["area"] = {"value": [[20_000.0] * 2] * 2, "unit": "mm2"}
    assert type(array).from_dict(data) == array


# --- the command line, frames and counts -----------------------------------------------------


@pytest.mark.parametrize("where", ["missing.toml", "."])
def test_catalog_file_errors_name_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    path = str(tmp_path / where)
    face = ["--technique", "classic", "--zone", "face", "--area", "4 cm^2"]
    for argv in (["--catalog", path, "zones"], ["--catalog", path, "plan", *face]):
        assert main(argv) == 2
        assert capsys.readouterr().err.startswith("mesocalc: error: --catalog: ")
    assert main(["--catalog", path, "zones", "--json"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["parameter"] == "--catalog"


_AREA = '[[areas]]\ntechnique = "classic"\nzone = "face"\narea = "100 cm^2"\n'


@pytest.mark.parametrize("syringe", ["1", "1.0", '"1 mL"', "5", '"5 mL"', "10"])
def test_a_session_files_syringe_is_in_ml_as_documented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], syringe: str
) -> None:
    path = tmp_path / "session.toml"
    path.write_text(f"syringe = {syringe}\n{_AREA}", encoding="utf-8")
    assert main(["session", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    size = float(syringe.strip('"').removesuffix(" mL"))
    assert data["syringe"]["capacity"] == {"value": size, "unit": "mL"}


@pytest.mark.parametrize(
    "syringe", ["3", "0", "-1", "true", "nan", "inf", "1e400", '"1"', "[1]", '"1 kg"', "10" * 40]
)
def test_a_session_files_wrong_syringe_is_named_syringe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], syringe: str
) -> None:
    path = tmp_path / "session.toml"
    path.write_text(f"syringe = {syringe}\n{_AREA}", encoding="utf-8")
    assert main(["session", str(path)]) == 2
    assert capsys.readouterr().err.startswith("mesocalc: error: syringe: got ")


def test_points_are_bounded_where_the_count_is_still_exact() -> None:
    override = mesocalc.Override(reason="a test of the bound", by="Dr A")
    request: dict[str, Any] = {"technique": "classic", "zone": "face", "area": "200 cm^2"}
    request["override"] = override
    assert mesocalc.plan(**request, points=10**8).points == 10**8
    for points in (10**8 + 1, 10**9, 2**53, 10**30):
        with pytest.raises(mesocalc.InvalidValueError, match="^points: .*100,000,000"):
            mesocalc.plan(**request, points=points)


def test_an_empty_lattice_cell_in_a_frame_is_square_as_documented() -> None:
    pd = pytest.importorskip("pandas")
    rows = {"technique": "classic", "zone": "face", "area": ["200 cm^2"] * 4}
    frame = pd.DataFrame({**rows, "lattice": [float("nan"), None, pd.NA, "hex"]})
    planned = mesocalc.plan_frame(frame)
    assert list(planned["lattice"]) == ["square", "square", "square", "hex"]
    for cell in (float("inf"), 1.0, "nan"):
        bad = pd.DataFrame({**rows, "lattice": [cell] * 4})
        with pytest.raises(mesocalc.MesocalcError, match="^lattice: "):
            mesocalc.plan_frame(bad)


# --- shapes below the area floor, and pickles of added zones ---------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        mesocalc.Rectangle("1e-5 mm", "1e-5 mm"),
        mesocalc.Circle("1e-5 mm"),
        mesocalc.Ellipse("1e-5 mm", "1e-5 mm"),
    ],
)
def test_a_shape_below_the_area_floor_is_refused_as_an_area_string_is(
    shape: mesocalc.Shape,
) -> None:
    with pytest.raises(mesocalc.DomainError, match="^area: .*too small to be a plan"):
        mesocalc.plan(technique="classic", zone="face", area=shape)


@settings(deadline=None, max_examples=80)
@given(
    width=st.floats(min_value=-8.5, max_value=-0.5).map(lambda e: 10**e),
    ratio=st.floats(min_value=0.5, max_value=2.0),
)
def test_what_is_planned_on_a_tiny_shape_reads_back(width: float, ratio: float) -> None:
    shape = mesocalc.Rectangle(f"{width!r} mm", f"{1e-9 / width * ratio!r} mm")
    try:
        planned = mesocalc.plan(technique="classic", zone="face", area=shape)
    except mesocalc.DomainError as error:
        assert error.parameter == "area"
        return
    stored = json.loads(json.dumps(planned.to_dict()))
    assert mesocalc.Plan.from_dict(stored) == planned


_MAKE = """
import pickle, sys
import mesocalc
clinic = mesocalc.parse_protocol(open(sys.argv[1], encoding="utf-8").read(), origin="lips.toml")
one = mesocalc.plan(technique="classic", zone="lips", area="6 cm^2", catalog=clinic)
session = mesocalc.Session(plans=[one, one], sides=["left", "right"])
sys.stdout.buffer.write(pickle.dumps((one, session, mesocalc.Zone("lips"), mesocalc.Zone.FACE)))
"""
_LOAD = """
import pickle, sys
import mesocalc
one, session, lips, face = pickle.loads(sys.stdin.buffer.read())
assert lips is mesocalc.Zone("lips") is one.zone is session.plans[1].zone
assert face is mesocalc.Zone.FACE
assert lips not in list(mesocalc.Zone)
assert one.to_dict()["zone"] == "lips"
print(repr(one), session.table().splitlines()[0], sep="\\n")
"""


def test_a_plan_on_an_added_zone_unpickles_in_a_fresh_interpreter(tmp_path: Path) -> None:
    from tests.test_protocols import HEADER, LIPS  # noqa: PLC0415 - the protocol it tests

    protocol = tmp_path / "lips.toml"
    protocol.write_text(HEADER + LIPS, encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-c", _MAKE, str(protocol)], capture_output=True, check=True
    )
    loaded = subprocess.run(
        [sys.executable, "-c", _LOAD], input=made.stdout, capture_output=True, check=False
    )
    assert loaded.returncode == 0, loaded.stderr.decode()
    out = loaded.stdout.decode()
    assert out.startswith("<Plan classic on lips, 6 cm²")
    assert "classic on the lips, left" in out


def test_lay_out_names_its_other_parameters_as_before() -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="^sides: "):
        mesocalc.Course.lay_out(
            [_face()], first="2026-12-01", count=2, every=7, sides=["left", "right"]
        )


def test_zones_pickle_by_member_or_by_name() -> None:
    for zone in mesocalc.Zone:
        assert pickle.loads(pickle.dumps(zone)) is zone
    lips = added_zone("lips")  # as a protocol adds it
    assert lips.__reduce_ex__(4) == (added_zone, ("lips",))
    assert pickle.loads(pickle.dumps(lips)) is lips
