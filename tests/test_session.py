"""Sessions: several areas in one sitting, one set of syringes (issue 10)."""

from __future__ import annotations

import json
import math
import pickle
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mesocalc
from mesocalc._exchange.cli_files import _session
from mesocalc.testing.strategies import plan_requests

from . import strategies as mst


def _face_and_neck(**kwargs: Any) -> mesocalc.Session:
    face = mesocalc.plan(technique="classic", zone="face", area="200 cm^2")
    neck = mesocalc.plan(technique="classic", zone="neck", area="100 cm^2")
    return mesocalc.Session(plans=[face, neck], **kwargs)


def test_a_face_and_neck_session_by_hand() -> None:
    s = _face_and_neck(date="2026-11-26", syringe=mesocalc.Syringe.conventional())
    # 200 + 100 points of 0.01 mL (AMIN's defaults): 3 mL, three 1 mL syringes of 84 µL dead space.
    assert s.points == 300
    assert s.total_volume.to("mL").magnitude == pytest.approx(3.0)
    assert s.syringes == 3
    assert s.draw_up_volume is not None
    assert s.draw_up_volume.to("mL").magnitude == pytest.approx(3.0 + 3 * 0.084)
    assert s.date is not None
    assert s.date.isoformat() == "2026-11-26"
    assert repr(s) == "<Session of 2 areas on 2026-11-26: 300 points, total 3 mL>"
    assert "2. classic on the neck" in s.table()
    assert any(w.startswith("classic on the neck: ") for w in s.warnings)


def test_one_dead_space_per_syringe_for_the_whole_session() -> None:
    syringe = mesocalc.Syringe.conventional()
    face = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", syringe=syringe)
    neck = mesocalc.plan(technique="classic", zone="neck", area="40 cm^2", syringe=syringe)
    s = mesocalc.Session(plans=[face, neck], syringe=syringe)
    assert (face.syringes, neck.syringes, s.syringes) == (1, 1, 1)  # 0.8 mL fits in one


@given(st.lists(plan_requests(units="canonical"), min_size=1, max_size=4))
def test_a_sessions_totals_are_the_sums_of_its_plans(requests: list[dict[str, Any]]) -> None:
    plans = [mesocalc.plan(**r) for r in requests]
    # Areas of one use share its soft session cap (issue 22): the session's override passes it.
    s = mesocalc.Session(plans=plans, override=mesocalc.Override(reason="the totals, summed"))
    assert s.points == sum(p.points for p in plans)
    for name in ("total_volume", "expected_loss", "delivered_volume"):
        total = sum(getattr(p, name).to("mL").magnitude for p in plans)
        assert math.isclose(
            getattr(s, name).to("mL").magnitude, total, rel_tol=1e-9, abs_tol=1e-12
        )
    assert s.overrides == tuple(r for p in plans for r in p.overrides)
    again = mesocalc.Session.from_dict(json.loads(json.dumps(s.to_dict())))
    assert again == s


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"plans": []}, "plans"),
        ({"plans": "face"}, "plans"),
        ({"plans": [1]}, "plans[0]"),
        ({"date": "26/11/2026"}, "date"),
        ({"syringe": "1 mL"}, "syringe"),
        ({"sides": "left"}, "sides"),
        ({"sides": ["left", "right"]}, "sides"),
        ({"sides": ["middle"]}, "sides[0]"),
        ({"sides": [1]}, "sides[0]"),
    ],
)
def test_bad_sessions_name_the_parameter(kwargs: dict[str, Any], parameter: str) -> None:
    face = mesocalc.plan(technique="classic", zone="face", area="20 cm^2")
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Session(**{"plans": [face], **kwargs})
    assert info.value.parameter == parameter


def test_a_stored_session_is_checked_plan_by_plan() -> None:
    data = _face_and_neck().to_dict()
    assert (data["schema"], data["schema_version"]) == ("mesocalc.session", 2)
    data["plans"][1]["depth"] = {"value": 0.0, "unit": "mm"}
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Session.from_dict(data)
    assert info.value.parameter == "plans[1].depth"


# --- products and their label caps ----------------------------------------------------------


def _submental(cm2: str) -> mesocalc.Plan:
    return mesocalc.plan(
        technique="infiltration", zone="submental", area=cm2, volume_per_point="0.2 mL"
    )


def test_the_deoxycholic_acid_label_by_hand() -> None:
    kyb = mesocalc.product("Kybella", lot="B1", expires="2027-03-31")
    assert kyb.name == "deoxycholic acid"
    assert kyb.label is not None
    assert (kyb.label.max_injections, kyb.label.max_volume_ml, kyb.label.source) == (
        50,
        10.0,
        "KYB",
    )
    s = mesocalc.Session(
        plans=[_submental("20 cm^2"), _submental("20 cm^2")], product=kyb, date="2026-11-26"
    )
    # 40 injections of 0.2 mL of 10 mg/mL: 8 mL, 80 mg; 2 mg/cm², the label's area-adjusted dose.
    assert s.points == 40
    assert s.active_dose is not None
    assert s.active_dose.to("mg").magnitude == pytest.approx(80.0)
    assert s.active_dose_per_area is not None
    assert s.active_dose_per_area.to("mg/cm^2").magnitude == pytest.approx(2.0)
    assert mesocalc.Session.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def test_a_label_cap_applies_across_all_areas() -> None:
    kyb = mesocalc.product("deoxycholic acid")
    with pytest.raises(mesocalc.HardLimitError) as info:  # 3 x 20 points: 60 > 50
        mesocalc.Session(plans=[_submental("20 cm^2")] * 3, product=kyb)
    assert (info.value.parameter, info.value.source) == ("points", "KYB")
    assert "over all areas" in str(info.value)


@given(
    st.lists(
        st.tuples(st.floats(1.0, 30.0), st.floats(0.05, 0.2), st.sampled_from(["left", "right"])),
        min_size=1,
        max_size=6,
    )
)
def test_no_session_crossing_a_label_cap_is_returned(
    areas: list[tuple[float, float, str]],
) -> None:
    """Whatever areas a clinic adds up, a session of a labelled product stays within its caps."""
    kyb = mesocalc.product("deoxycholic acid")
    assert kyb.label is not None
    plans = []
    for cm2, ml, _ in areas:
        try:
            plans.append(
                mesocalc.plan(
                    technique="infiltration",
                    zone="submental",
                    area=f"{cm2!r} cm^2",
                    volume_per_point=f"{ml!r} mL",
                    override=mesocalc.Override(reason="test"),
                )
            )
        except mesocalc.HardLimitError:
            return  # one area alone past the cap: plan() refuses it already
    try:
        s = mesocalc.Session(plans=plans, sides=[side for *_, side in areas], product=kyb)
    except mesocalc.HardLimitError as error:
        assert error.source == "KYB"
        assert error.parameter in {"points", "total_volume"}
        points = sum(p.points for p in plans)
        volume = sum(p.total_volume.to("mL").magnitude for p in plans)
        assert points > kyb.label.max_injections or volume > kyb.label.max_volume_ml
        return
    assert s.points <= kyb.label.max_injections
    assert s.total_volume.to("mL").magnitude <= kyb.label.max_volume_ml * (1 + 1e-9)


def test_an_expired_product_is_refused_on_the_sessions_date() -> None:
    kyb = mesocalc.product("deoxycholic acid", lot="B1", expires="2027-03-31")
    with pytest.raises(mesocalc.InvalidValueError, match="^product: .*expired on 2027-03-31"):
        mesocalc.Session(plans=[_submental("10 cm^2")], product=kyb, date="2027-04-01")
    undated = mesocalc.Session(plans=[_submental("10 cm^2")], product=kyb)
    assert any("is not checked" in w for w in undated.warnings)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"name": " "}, "name"),
        ({"name": "x", "concentration": 10}, "concentration"),
        ({"name": "x", "concentration": "10 mg"}, "concentration"),
        ({"name": "x", "expires": "31/03/2027"}, "expires"),
    ],
)
def test_bad_products_name_the_parameter(kwargs: dict[str, Any], parameter: str) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Product(**kwargs)
    assert info.value.parameter == parameter
    with pytest.raises(mesocalc.UnknownNameError):
        mesocalc.product("snake oil")


# --- sessions from the requests of their areas; the command line ----------------------------

_AREA = {
    "technique": "infiltration",
    "zone": "submental",
    "area": "20 cm^2",
    "volume_per_point": "0.2 mL",
}


def test_several_wrong_areas_are_reported_together() -> None:
    ok = mesocalc.Session.from_requests(
        [_AREA, _AREA], product=mesocalc.product("deoxycholic acid")
    )
    assert ok.points == 40
    with pytest.raises(mesocalc.MesocalcError) as one:
        mesocalc.Session.from_requests([_AREA, {**_AREA, "depth": "0 mm"}])
    assert one.value.parameter == "areas[1].depth"
    with pytest.raises(mesocalc.MesocalcErrorGroup) as many:
        mesocalc.Session.from_requests(
            [{**_AREA, "area": "-1 cm^2"}, {**_AREA, "depth": "0 mm"}, 3]
        )
    errors = [e for e in many.value.exceptions if isinstance(e, mesocalc.MesocalcError)]
    assert [e.parameter for e in errors] == [
        "areas[0].area",
        "areas[1].depth",
        "areas[2]",
    ]
    assert all(isinstance(e, mesocalc.MesocalcError) for e in many.value.exceptions)


def test_the_session_command(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from mesocalc._exchange.cli import main  # noqa: PLC0415 - the command line, under test

    path = tmp_path / "session.toml"
    area = '[[areas]]\ntechnique = "infiltration"\nzone = "submental"\narea = "20 cm^2"\nvolume_per_point = "0.2 mL"\n'
    path.write_text(
        'date = "2026-11-26"\nproduct = "deoxycholic acid"\nsyringe = "1 mL"\n' + area + area
    )
    assert main(["session", str(path)]) == 0
    out = capsys.readouterr().out
    assert "active_dose                       80 mg" in out
    assert main(["session", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["schema"] == "mesocalc.session"
    path.write_text(area.replace("20 cm^2", "-1 cm^2") * 2)
    assert main(["session", str(path)]) == 2
    assert capsys.readouterr().err.count("mesocalc: error: areas[") == 2
    path.write_text("colour = 1\n")
    assert main(["session", str(path)]) == 2
    assert main(["session", str(tmp_path / "missing.toml")]) == 2


def test_several_wrong_areas_are_one_mesocalc_error() -> None:
    """Clinic software catching MesocalcError alone also catches several wrong areas."""
    requests = [{**_AREA, "depth": "0 mm"}, {**_AREA, "zone": "nowhere"}]
    with pytest.raises(mesocalc.MesocalcError) as caught:
        mesocalc.Session.from_requests(requests)
    group = caught.value
    assert isinstance(group, mesocalc.MesocalcErrorGroup)
    assert isinstance(group, ValueError)
    assert group.parameter == "areas"
    assert group.value == ["areas[0].depth", "areas[1].zone"]
    unknown = group.subgroup(mesocalc.UnknownNameError)
    assert isinstance(unknown, mesocalc.MesocalcErrorGroup)
    assert [str(e) for e in unknown.exceptions] == [str(e) for e in group.exceptions[1:]]
    again = pickle.loads(pickle.dumps(group))
    assert [str(e) for e in again.exceptions] == [str(e) for e in group.exceptions]


def test_an_area_with_wrong_keywords_says_which() -> None:
    """A clinic file's typo or missing zone is named in words, not as a Python TypeError."""
    requests = [{k: v for k, v in _AREA.items() if k != "zone"}, {**_AREA, "colour": "red"}]
    with pytest.raises(mesocalc.MesocalcErrorGroup) as caught:
        mesocalc.Session.from_requests(requests)
    missing, unknown = caught.value.exceptions
    assert "missing: zone" in str(missing)
    assert "unknown: colour" in str(unknown)
    assert all(isinstance(e, mesocalc.InputTypeError) for e in (missing, unknown))


@given(mst.session_files())
def test_any_session_file_plans_or_names_what_is_wrong(text: str) -> None:
    """A clinic's file is untrusted: it plans, or each wrong part is named; nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "session.toml"
        path.write_text(text, encoding="utf-8")
        try:
            session = _session(str(path))
        except mesocalc.MesocalcError as error:
            found = error.exceptions if isinstance(error, mesocalc.MesocalcErrorGroup) else [error]
            for e in found:
                assert isinstance(e, mesocalc.MesocalcError)
                assert str(e).startswith(f"{e.parameter}: ")
        else:
            assert isinstance(session, mesocalc.Session)


def test_an_area_of_the_labels_use_takes_the_labels_grid_and_volume() -> None:
    """KYB: 0.2 mL per injection on a 1 cm grid, for submental infiltration of deoxycholic acid."""
    kyb = mesocalc.product("deoxycholic acid")
    bare = {"technique": "infiltration", "zone": "submental", "area": "25 cm^2"}
    s = mesocalc.Session.from_requests([bare, bare], product=kyb)
    assert s.points == 50
    assert s.total_volume.to("mL").magnitude == pytest.approx(10.0)
    assert s.active_dose is not None
    assert s.active_dose.to("mg").magnitude == pytest.approx(100.0)
    own = mesocalc.Session.from_requests([{**bare, "volume_per_point": "0.1 mL"}], product=kyb)
    assert own.total_volume.to("mL").magnitude == pytest.approx(2.5)
    other = mesocalc.Session.from_requests([bare])
    assert other.total_volume.to("mL").magnitude == pytest.approx(2.5)


# --- sides of paired zones ------------------------------------------------------------------


def test_both_sides_of_a_paired_zone_are_two_areas_the_record_tells_apart() -> None:
    """Both sides of the jaw (the deoxycholic acid label's use, KYB): one area per side."""
    side = _submental("20 cm^2")
    s = mesocalc.Session(
        plans=[side, side], sides=["Left", "R"], product=mesocalc.product("deoxycholic acid")
    )
    assert s.sides == (mesocalc.Side.LEFT, mesocalc.Side.RIGHT)
    assert [s.where(i) for i in range(2)] == [
        "infiltration on the submental, left",
        "infiltration on the submental, right",
    ]
    assert "2. infiltration on the submental, right" in s.table()
    data = json.loads(json.dumps(s.to_dict()))
    assert data["sides"] == ["left", "right"]
    assert mesocalc.Session.from_dict(data) == s
    data["sides"] = ["left", "centre"]
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Session.from_dict(data)
    assert info.value.parameter == "sides[1]"


def test_sides_are_optional_and_none_when_no_area_has_one() -> None:
    side = _submental("20 cm^2")
    assert mesocalc.Session(plans=[side, side], sides=[None, None]) == mesocalc.Session(
        plans=[side, side]
    )
    s = mesocalc.Session(plans=[side, side], sides=[None, "left"])
    assert s.where(0) == "infiltration on the submental"
    old = mesocalc.Session(plans=[side]).to_dict()
    del old["sides"]  # a session stored before sides existed
    assert mesocalc.Session.from_dict(old).sides == ()


def test_a_request_and_a_session_file_give_each_area_its_side(tmp_path: Any) -> None:
    left = {**_AREA, "side": "left"}
    s = mesocalc.Session.from_requests([left, {**_AREA, "side": "right"}])
    assert s.sides == (mesocalc.Side.LEFT, mesocalc.Side.RIGHT)
    assert left["side"] == "left"  # the caller's request is left as it was
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.Session.from_requests([{**_AREA, "side": "up"}])
    assert info.value.parameter == "areas[0].side"
    path = tmp_path / "session.toml"
    area = '[[areas]]\ntechnique = "classic"\nzone = "hands"\narea = "80 cm^2"\n'
    path.write_text(area + 'side = "left"\n' + area + 'side = "right"\n')
    assert _session(str(path)).sides == (mesocalc.Side.LEFT, mesocalc.Side.RIGHT)


def test_a_course_keeps_the_sides_of_its_sessions() -> None:
    hand = mesocalc.plan(technique="classic", zone="hands", area="80 cm^2")
    course = mesocalc.Course.lay_out(
        [hand, hand], first="2026-12-01", count=2, every=7, sides=["left", "right"]
    )
    assert all(s.sides == (mesocalc.Side.LEFT, mesocalc.Side.RIGHT) for s in course.sessions)
