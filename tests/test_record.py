"""The treatment record (issue 21): given amounts, vials, finalise and amend, adverse events."""

from __future__ import annotations

import contextlib
import datetime
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given

import mesocalc
from tests.strategies import hostile_text, records

AT = "2026-12-04T10:30+01:00"


def _chin() -> mesocalc.Plan:
    return mesocalc.plan(
        technique="infiltration",
        zone="submental",
        area="10 cm^2",
        spacing="1 cm",
        volume_per_point="0.2 mL",
    )


def _neck() -> mesocalc.Plan:
    return mesocalc.plan(technique="classic", zone="neck", area="100 cm^2")


def _product(lot: str = "L1", expires: str | None = "2027-03-31") -> mesocalc.Product:
    return mesocalc.Product(name="hyaluronic acid", lot=lot, expires=expires)


def _session(**kw: Any) -> mesocalc.Session:
    kw = {"plans": [_neck(), _neck()], "sides": None, "date": "2026-12-04", **kw}
    kw.setdefault("product", _product())
    return mesocalc.Session(**kw)


def _record(**kw: Any) -> mesocalc.TreatmentRecord:
    return _session(**kw).record(by="Dr A", at=AT)


def _event(**kw: Any) -> mesocalc.AdverseEvent:
    args = {
        "kind": "bruising",
        "severity": "mild",
        "onset": "2026-12-04T12:00+01:00",
        "action": "cold compress",
        **kw,
    }
    return mesocalc.AdverseEvent(**args)


# --- given as planned, and otherwise ------------------------------------------------------------


def test_a_record_starts_as_planned_from_the_sessions_lot() -> None:
    r = _record()
    s = r.session
    assert r.points == s.points
    assert r.total_volume.to("mL").magnitude == pytest.approx(s.total_volume.to("mL").magnitude)
    assert r.deviations == ()
    assert r.lots == ("L1",)
    assert [g.draws[0].lot for g in r.areas] == ["L1", "L1"]
    assert r.areas[0].depth == s.plans[0].depth
    assert r.at == datetime.datetime(
        2026, 12, 4, 10, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert not r.finalised


def test_fewer_points_give_the_planned_volume_per_point_with_the_reason() -> None:
    r = _record().given(0, points=40, reason="patient asked to stop")
    assert (r.areas[0].points, r.areas[0].volume.to("mL").magnitude) == (40, pytest.approx(0.4))
    assert [(d.field.value, d.planned, d.given, d.reason) for d in r.deviations] == [
        ("points", "100", "40", "patient asked to stop"),
        ("volume", "1 mL", "0.4 mL", "patient asked to stop"),
    ]
    assert str(r.deviations[0]) == (
        "classic on the neck: points 100 planned, 40 given (patient asked to stop)"
    )
    assert r.areas[1] == _record().areas[1]  # the other area unchanged


def test_a_later_change_keeps_the_earlier_reason_of_another_value() -> None:
    r = _record().given(0, points=40, reason="stopped").given(0, depth="0.5 mm", reason="thin")
    assert {d.field.value: d.reason for d in r.deviations} == {
        "points": "stopped",
        "volume": "stopped",
        "depth": "thin",
    }
    back = r.given(0, points=100, reason="resumed")  # as planned again: no deviation left
    assert [d.field.value for d in back.deviations] == ["depth"]


def test_a_needle_given_otherwise_is_a_deviation() -> None:
    needle = mesocalc.Needle(gauge=32, length="4 mm")
    r = _record().given(1, needle=needle, reason="the 30G ran out")
    assert [(d.area, d.field.value) for d in r.deviations] == [(1, "needle")]


@pytest.mark.parametrize("reason", ["", "   ", "\u200b", "a\x00b", None, 3, "x" * 5000])
def test_a_deviation_needs_a_reason(reason: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        _record().given(0, points=10, reason=reason)
    assert info.value.parameter == "reason"


def test_given_needs_a_change_and_a_real_area() -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="at least one"):
        _record().given(0, reason="nothing")
    areas: list[Any] = [2, -1, True, "0", 0.0]
    for area in areas:
        with pytest.raises(mesocalc.InvalidValueError) as info:
            _record().given(area, points=1, reason="x")
        assert info.value.parameter == "area"


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"points": -1}, "points"),
        ({"points": 1.5}, "points"),
        ({"points": True}, "points"),
        ({"points": 10**12}, "points"),
        ({"volume": "-1 mL"}, "volume"),
        ({"volume": math.nan}, "volume"),
        ({"volume": 0.5}, "volume"),
        ({"volume": "1e308 mL"}, "volume"),
        ({"volume": "1 mm"}, "volume"),
        ({"depth": "0 mm"}, "depth"),
        ({"depth": math.inf}, "depth"),
        ({"depth": "1e99 mm"}, "depth"),
        ({"needle": "30G"}, "needle"),
        ({"lot": "NOPE"}, "lot"),
        ({"lot": "L1\x07"}, "lot"),
        ({"draws": ["L1"]}, "draws"),
        ({"draws": {"L1": "-0.1 mL"}}, "draws['L1']"),
        ({"draws": {"L1": "0.5 mL", "X": "0.5 mL"}}, "lot"),
        ({"points": 0, "volume": "0.5 mL"}, "volume"),
    ],
)
def test_hostile_given_values_name_the_field(changes: dict[str, Any], parameter: str) -> None:
    r = _record()
    with pytest.raises(mesocalc.MesocalcError) as info:
        r.given(0, reason="hostile", **changes)
    assert info.value.parameter == parameter
    assert r == _record()  # nothing half-recorded


@given(hostile_text())
def test_hostile_text_never_leaks_another_error(text: str) -> None:
    r = _record()
    for call in (
        lambda: r.given(0, points=1, reason=text),
        lambda: r.given(0, lot=text, reason="x"),
        lambda: _session().record(by=text, at=AT),
        lambda: mesocalc.recall([r], lot=text),
    ):
        with contextlib.suppress(mesocalc.MesocalcError):
            call()


# --- the hard-limit rule (ADR 0020) -----------------------------------------------------------


def test_a_depth_beyond_a_hard_limit_is_refused_without_an_adverse_event() -> None:
    with pytest.raises(mesocalc.HardLimitError) as info:
        _record().given(0, depth="2 mm", reason="went deeper")
    assert info.value.parameter == "depth"
    assert "adverse event" in str(info.value)
    assert "SEED3" in info.value.source


def test_an_adverse_event_in_the_same_call_records_the_depth() -> None:
    r = _record().given(0, depth="2 mm", reason="went deeper", adverse_event=_event())
    assert r.areas[0].depth.to("mm").magnitude == 2.0
    assert r.adverse_events[0].area == 0
    again = mesocalc.TreatmentRecord.from_dict(r.to_dict())
    assert again == r
    data = r.to_dict()
    data["adverse_events"] = []
    with pytest.raises(mesocalc.HardLimitError) as info:  # checked again on reading
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter == "areas[0].depth"


def test_an_event_of_another_area_does_not_pass_the_limit() -> None:
    with pytest.raises(mesocalc.HardLimitError):
        _record().given(0, depth="2 mm", reason="deeper", adverse_event=_event(area=1))


def test_a_volume_beyond_the_labels_cap_is_refused() -> None:
    box = mesocalc.product("deoxycholic acid", lot="B1", expires="2027-03-31")
    chin = mesocalc.Session(plans=[_chin()], date="2026-12-04", product=box)
    with pytest.raises(mesocalc.HardLimitError) as info:  # over the label's 10 mL (KYB)
        chin.record(by="Dr A", at=AT).given(0, volume="11 mL", reason="more per point")
    assert info.value.parameter == "volume"


def test_the_labels_cap_per_treatment_binds_the_given_totals() -> None:
    box = mesocalc.product("deoxycholic acid", lot="B1", expires="2027-03-31")
    s = mesocalc.Session(plans=[_chin(), _chin()], sides=["left", "right"], date="2026-12-04",
                         product=box)  # fmt: skip
    r = s.record(by="Dr A", at=AT)
    with pytest.raises(mesocalc.HardLimitError) as info:  # 45 + 10 > the label's 50 (KYB)
        r.given(0, points=45, reason="more points")
    assert info.value.parameter == "points"
    assert info.value.source == "KYB"
    r.given(0, points=45, reason="more", adverse_event=_event(kind="dysphagia", lot="B1"))


# --- vials and reconciliation --------------------------------------------------------------------


def test_two_lots_split_an_area_and_reconcile_per_vial() -> None:
    s = _session(syringe=mesocalc.Syringe.conventional())
    r = s.record(by="Dr A", at=AT, vials=[mesocalc.Vial(product=_product(), drawn="2.5 mL")])
    r = r.vial(_product("L2"), size="2 mL")
    r = r.given(1, draws={"L1": "0.4 mL", "L2": "0.6 mL"}, reason="first vial ran out")
    assert [d.field.value for d in r.deviations] == ["lot"]
    assert r.deviations[0].given == "L1, L2"
    one, two = r.reconciliation()
    assert one.lot == "L1"
    assert one.injected.to("mL").magnitude == pytest.approx(1.4)
    assert one.dead_space is not None
    dead = one.dead_space.to("mL").magnitude
    assert dead > 0  # a conventional syringe's, per syringe filled from the vial
    assert one.waste is not None
    assert one.waste.to("mL").magnitude == pytest.approx(2.5 - 1.4 - dead)
    assert two.size is not None
    assert two.left is not None
    assert two.drawn is None
    assert two.waste is None  # drawn not measured: unknown
    total = sum(x.injected.to("mL").magnitude for x in r.reconciliation())
    assert total == pytest.approx(r.total_volume.to("mL").magnitude)
    assert mesocalc.recall([r], lot="L2") == [(r, 1)]
    assert mesocalc.recall([r, _record()], lot="L1") == [(r, 0), (r, 1), (_record(), 0),
                                                           (_record(), 1)]  # fmt: skip


def test_without_a_syringe_dead_space_and_waste_are_unknown() -> None:
    (rec,) = _record().reconciliation()
    assert (rec.dead_space, rec.waste, rec.size, rec.left) == (None, None, None, None)


def test_a_volume_beyond_what_the_vial_holds_is_refused() -> None:
    r = _record().vial(_product("L2"), size="0.5 mL")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        r.given(0, draws={"L1": "0.5 mL", "L2": "0.6 mL"}, reason="x")
    assert info.value.parameter == "volume"
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _session().record(by="A", at=AT, vials=[mesocalc.Vial(product=_product(), size="1.5 mL")])
    assert info.value.parameter == "areas[1].volume"


def test_drawn_must_cover_what_was_injected_and_fit_the_vial() -> None:
    small = mesocalc.Vial(product=_product(), drawn="1 mL")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _session().record(by="A", at=AT, vials=[small])
    assert info.value.parameter == "vials[0].drawn"
    big = mesocalc.Vial(product=_product(), drawn="3 mL", size="2.5 mL")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _session().record(by="A", at=AT, vials=[big])
    assert info.value.parameter == "vials[0].drawn"


def test_a_product_expired_on_the_day_given_is_refused_though_in_date_for_the_session() -> None:
    s = _session(product=_product(expires="2026-12-05"))
    s.record(by="A", at="2026-12-05T23:00+00:00")  # the last day in date
    with pytest.raises(mesocalc.InvalidValueError) as info:
        s.record(by="A", at="2026-12-06T09:00+00:00")
    assert info.value.parameter == "vials[0].product.expires"
    assert "expired on 2026-12-05" in str(info.value)


def test_a_vial_needs_a_lot_and_lots_are_not_repeated() -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Vial(product=mesocalc.Product(name="x"))
    assert info.value.parameter == "product.lot"
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _record().vial(_product())
    assert info.value.parameter == "vials[1].product.lot"
    hostile: list[Any] = ["x", None, _product().to_dict()]
    for bad in hostile:
        with pytest.raises(mesocalc.InputTypeError):
            mesocalc.Vial(product=bad)
    with pytest.raises(mesocalc.MesocalcError):
        mesocalc.Vial(product=_product(), size="-2 mL")


def test_a_session_without_a_lot_takes_its_vials() -> None:
    s = _session(product=mesocalc.Product(name="hyaluronic acid"))
    with pytest.raises(mesocalc.InvalidValueError) as info:
        s.record(by="A", at=AT)
    assert info.value.parameter == "vials"
    r = s.record(by="A", at=AT, vials=[mesocalc.Vial(product=_product("V9"))])
    assert r.lots == ("V9",)
    assert r.deviations == ()
    with pytest.raises(mesocalc.InputTypeError):
        s.record(by="A", at=AT, vials="V9")  # type: ignore[arg-type] # a hostile input
    with pytest.raises(mesocalc.InputTypeError):
        s.record(by="A", at=AT, vials=["V9"])  # type: ignore[list-item] # a hostile input


@pytest.mark.parametrize(
    "at",
    [
        "2026-12-03T23:00+00:00",
        "2026-12-04T10:30",
        datetime.datetime(2026, 12, 4, 10, 30),
        datetime.date(2026, 12, 4),
        "tomorrow",
        "x" * 100,
        None,
        1733300000,
    ],
)
def test_a_time_before_the_session_or_without_an_offset_is_refused(at: Any) -> None:
    with pytest.raises(mesocalc.InvalidValueError) as info:
        _session().record(by="Dr A", at=at)
    assert info.value.parameter == "at"


@pytest.mark.parametrize("by", ["", " ", None, 7, "Dr\x1bA", "\u200b\u200b"])
def test_who_recorded_it_is_a_name(by: Any) -> None:
    with pytest.raises(mesocalc.MesocalcError) as info:
        _session().record(by=by, at=AT)
    assert info.value.parameter == "by"


def test_record_of_needs_a_session() -> None:
    with pytest.raises(mesocalc.InputTypeError):
        mesocalc.TreatmentRecord.of("session", by="A", at=AT)  # type: ignore[arg-type] # hostile


# --- finalise and amend ---------------------------------------------------------------------------


def test_a_finalised_record_changes_only_by_amendment_and_keeps_its_original() -> None:
    r = _record().given(0, points=50, reason="stopped").finalise()
    assert r.finalise() is r
    changes: list[Callable[[], object]] = [
        lambda: r.given(0, points=10, reason="x"),
        lambda: r.vial(_product("L2")),
        lambda: r.adverse_event(kind="nodule", severity="mild", onset=AT, action="watch"),
    ]
    for change in changes:
        with pytest.raises(mesocalc.InvalidValueError, match="amend"):
            change()
    later = "2026-12-05T09:00+01:00"
    noted = r.amend(by="Dr B", at=later, reason="follow-up call", note="no bruising")
    assert noted.areas == r.areas
    assert noted.amendments[0].note == "no bruising"
    fixed = noted.amend(by="Dr B", at=later, reason="miscounted", area=0, points=60)
    assert fixed.areas[0].points == 60
    assert fixed.original == r.areas
    (amendment,) = fixed.amendments[1:]
    assert (amendment.by, amendment.reason, amendment.area) == ("Dr B", "miscounted", 0)
    assert amendment.before == r.areas[0]
    assert amendment.after == fixed.areas[0]
    assert fixed.deviations[0].reason == "miscounted"
    assert mesocalc.TreatmentRecord.from_dict(fixed.to_dict()) == fixed


def test_an_adverse_event_after_finalising_is_an_amendment() -> None:
    r = _record().finalise()
    event = _event(onset="2026-12-06T08:00+00:00", area=1, lot="L1")
    amended = r.amend(by="Dr B", at="2026-12-06T09:00+00:00", reason="patient called",
                      adverse_event=event)  # fmt: skip
    assert amended.adverse_events == (event,)
    assert amended.events == ()


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": None}, "reason"),
        ({"by": " "}, "by"),
        ({"at": "2026-12-04T09:00+01:00"}, "at"),  # before the record
        ({"at": "2026-12-05T09:00"}, "at"),
        ({}, "changes"),
        ({"points": 5}, "area"),
        ({"area": 0}, "changes"),
        ({"area": 0, "colour": "red"}, "changes"),
        ({"area": 7, "points": 5}, "area"),
        ({"note": "\x00"}, "note"),
        ({"adverse_event": "bruising"}, "adverse_event"),
    ],
)
def test_hostile_amendments_name_the_field(changes: dict[str, Any], parameter: str) -> None:
    r = _record().finalise()
    args = {"by": "Dr B", "at": "2026-12-05T09:00+01:00", "reason": "why", **changes}
    if parameter in ("reason", "by", "at"):
        args["note"] = "a note"
    with pytest.raises(mesocalc.MesocalcError) as info:
        r.amend(**args)
    assert info.value.parameter == parameter


def test_an_open_record_is_not_amended() -> None:
    with pytest.raises(mesocalc.InvalidValueError, match="given"):
        _record().amend(by="A", at=AT, reason="why", note="n")


def test_a_stored_amendment_chain_is_checked() -> None:
    r = _record().finalise().amend(by="B", at=AT, reason="why", area=0, points=5)
    data = r.to_dict()
    data["amendments"][0]["before"]["points"] = 99
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter.startswith("amendments[0].before")
    data = r.to_dict()
    data["finalised"] = False
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter == "amendments"
    data = r.to_dict()
    data["areas"][0]["points"] = 6
    data["areas"][0]["volume"]["value"] = 0.06
    data["areas"][0]["draws"][0]["volume"]["value"] = 0.06
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter == "areas"


# --- adverse events ------------------------------------------------------------------------------


def test_adverse_events_are_linked_to_an_area_and_a_lot() -> None:
    r = _record().adverse_event(
        kind="Nerve injury", severity="moderate", onset=AT, action="referred", area=0, lot="L1"
    )
    (e,) = r.adverse_events
    assert (e.kind, e.severity) == (
        mesocalc.EventKind.NERVE_INJURY,
        mesocalc.EventSeverity.MODERATE,
    )
    assert [k.value for k in mesocalc.EventKind] == [
        "bruising", "hematoma", "nodule", "infection", "necrosis", "nerve-injury", "dysphagia",
        "allergic-reaction",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"kind": "sunburn"}, "kind"),
        ({"kind": 3}, "kind"),
        ({"severity": "deadly"}, "severity"),
        ({"onset": "2026-12-04T12:00"}, "onset"),
        ({"onset": "2026-12-01T12:00+00:00"}, "adverse_events[0].onset"),
        ({"action": ""}, "action"),
        ({"lot": "NOPE"}, "adverse_events[0].lot"),
        ({"area": 5}, "adverse_events[0].area"),
        ({"area": -1}, "area"),
        ({"area": 0, "lot": "L2"}, "adverse_events[0].lot"),
    ],
)
def test_hostile_adverse_events_name_the_field(changes: dict[str, Any], parameter: str) -> None:
    r = _record().vial(_product("L2"))
    args = {"kind": "bruising", "severity": "mild", "onset": AT, "action": "watch", **changes}
    with pytest.raises(mesocalc.MesocalcError) as info:
        r.adverse_event(**args)
    assert info.value.parameter == parameter


# --- recall --------------------------------------------------------------------------------------


def test_recall_refuses_what_is_not_records_or_a_lot() -> None:
    for records_, lot in (("abc", "L1"), ([1], "L1"), (None, "L1"), ([], ""), ([], None)):
        with pytest.raises(mesocalc.MesocalcError):
            mesocalc.recall(records_, lot=lot)  # type: ignore[arg-type] # hostile inputs
    assert mesocalc.recall(iter([_record()]), lot="L9") == []


# --- JSON -----------------------------------------------------------------------------------------


@given(records())
def test_a_records_totals_are_its_vials_injected_volumes(r: mesocalc.TreatmentRecord) -> None:
    injected = sum(x.injected.to("mL").magnitude for x in r.reconciliation())
    assert injected == pytest.approx(r.total_volume.to("mL").magnitude, rel=1e-9, abs=1e-12)


@given(records())
def test_json_round_trips_keep_every_amendment(r: mesocalc.TreatmentRecord) -> None:
    again = mesocalc.TreatmentRecord.from_dict(r.to_dict())
    assert again == r
    assert again.amendments == r.amendments
    assert again.original == r.original
    assert again.deviations == r.deviations


def test_a_stored_record_is_checked_again() -> None:
    data = _record().to_dict()
    for path, value, parameter in (
        (("at",), "2026-12-03T10:00+00:00", "at"),
        (("at",), 5, "at"),
        (("by",), "", "by"),
        (("areas", 0, "draws", 0, "lot"), "ZZ", "areas[0].lot"),
        (("areas", 0, "points"), 3, "areas[0].reasons"),
        (("session", "date"), "2027-01-01", "at"),
        (("session", "plans"), [], "session.plans"),
        (("schema",), "mesocalc.session", "schema"),
    ):
        changed: Any = mesocalc.TreatmentRecord.from_dict(data).to_dict()
        node = changed
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        with pytest.raises(mesocalc.MesocalcError) as info:
            mesocalc.TreatmentRecord.from_dict(changed)
        assert info.value.parameter == parameter, path
    stored: list[Any] = [None, [], "{}", {"schema": "mesocalc.record"}]
    for bad in stored:
        with pytest.raises(mesocalc.MesocalcError):
            mesocalc.TreatmentRecord.from_dict(bad)


def test_the_table_and_repr_say_what_was_given() -> None:
    r = _record().given(0, points=40, reason="stopped").finalise()
    r = r.amend(by="Dr B", at="2026-12-05T09:00+01:00", reason="late", note="fine")
    assert "40 points, 0.4 mL" in r.table()
    assert "points 100 planned, 40 given (stopped)" in r.table()
    assert repr(r).startswith("<TreatmentRecord of 2 areas by Dr A")
    assert "finalised" in repr(r)
    assert "Dr B: late" in r.table()
    assert repr(r.areas[0].draws[0]) == "Draw(lot='L1', volume='0.4 mL')"


# --- courses of records ---------------------------------------------------------------------------


def _course_records() -> list[mesocalc.TreatmentRecord]:
    box = mesocalc.product("deoxycholic acid", lot="B1", expires="2027-12-31")
    out = []
    for day in ("2026-12-01", "2027-01-05"):
        s = mesocalc.Session(plans=[_chin()], date=day, product=box)
        out.append(s.record(by="Dr A", at=f"{day}T10:00+00:00"))
    out[1] = out[1].given(0, points=5, reason="stopped early")
    return out


def test_a_course_of_records_sums_what_was_given() -> None:
    records_ = _course_records()
    course = mesocalc.Course.from_records(records_)
    planned = mesocalc.Course(sessions=[r.session for r in records_])
    volume, dose = course.cumulative()["submental"]
    assert volume.to("mL").magnitude == pytest.approx(2.0 + 1.0)  # 10 + 5 points of 0.2 mL
    assert dose is not None
    assert dose.to("mg").magnitude == pytest.approx(30.0)  # 10 mg/mL (KYB)
    assert planned.cumulative()["submental"][0].to("mL").magnitude == pytest.approx(4.0)
    again = mesocalc.Course.from_dict(course.to_dict())
    assert again == course
    assert again.records == course.records


def test_a_course_of_records_refuses_what_does_not_match() -> None:
    records_ = _course_records()
    hostile: list[Any] = [[], "r", [records_[0], "r"], None]
    for bad in hostile:
        with pytest.raises(mesocalc.InputTypeError):
            mesocalc.Course.from_records(bad)
    sessions = [r.session for r in records_]
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Course(sessions=sessions, records=records_[::-1])
    assert info.value.parameter == "records[0].session"
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.Course(sessions=sessions, records=records_[:1])
    assert info.value.parameter == "records"


# --- the parts, built by hand -------------------------------------------------------------------


def test_a_record_built_by_hand_refuses_wrong_parts() -> None:
    r = _record()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"session": "s"}, "session"),
        ({"areas": "a"}, "areas"),
        ({"areas": [r.areas[0], "x"]}, "areas[1]"),
        ({"areas": [r.areas[0]]}, "areas"),
        ({"finalised": "yes"}, "finalised"),
        ({"vials": ("v",)}, "vials[0]"),
        ({"events": [1]}, "events[0]"),
    ]
    for changes, parameter in cases:
        with pytest.raises(mesocalc.MesocalcError) as info:
            attrs.evolve(r, **changes)
        assert info.value.parameter == parameter, changes


def test_the_parts_refuse_wrong_values() -> None:
    g = _record().areas[0]
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (mesocalc.Given, {"points": "1", "volume_ml": 1.0, "depth_mm": 1.0}, "points"),
        (mesocalc.Given, {"points": 1, "volume_ml": 1, "depth_mm": 1.0}, "volume_ml"),
        (mesocalc.Given, {"points": 1, "volume_ml": math.nan, "depth_mm": 1.0}, "volume_ml"),
        (mesocalc.Given, {"points": 1, "volume_ml": 1.0, "depth_mm": 0.0}, "depth_mm"),
        (mesocalc.Given, {"points": 1, "volume_ml": 1.0, "depth_mm": 1.0, "needle": 30}, "needle"),
        (mesocalc.Given, {"points": 1, "volume_ml": 1.0, "depth_mm": 1.0, "draws": "L1"}, "draws"),
        (mesocalc.Draw, {"lot": "", "volume_ml": 1.0}, "lot"),
        (mesocalc.Amendment, {"by": "B", "at": AT, "reason": "r", "before": "x"}, "before"),
        (mesocalc.Amendment, {"by": "B", "at": AT, "reason": "r", "area": 0}, "area"),
        (
            mesocalc.Amendment,
            {"by": "B", "at": AT, "reason": "r", "adverse_event": 1},
            "adverse_event",
        ),
    ]
    for cls, kwargs, parameter in cases:
        with pytest.raises(mesocalc.MesocalcError) as info:
            cls(**kwargs)
        assert info.value.parameter == parameter, kwargs
    assert (g.volume.to("mL").magnitude, g.depth.to("mm").magnitude) == (1.0, 1.0)
    assert repr(g).startswith("Given(points=100, volume='1 mL', depth='1 mm'")
    assert g.draws[0].volume.to("mL").magnitude == 1.0


def test_a_vial_shows_its_size_and_what_was_drawn() -> None:
    v = mesocalc.Vial(product=_product(), size="2 mL", drawn="1.5 mL")
    assert repr(v) == (
        "Vial(product='hyaluronic acid', lot='L1', expires='2027-03-31', size='2 mL', drawn='1.5 mL')"
    )
    assert v.size is not None
    assert v.drawn is not None
    assert (v.size.to("mL").magnitude, v.drawn.to("mL").magnitude) == (2.0, 1.5)
    bare = mesocalc.Vial(product=_product(expires=None))
    assert (bare.size, bare.drawn, repr(bare)) == (
        None,
        None,
        "Vial(product='hyaluronic acid', lot='L1')",
    )


def test_an_area_split_between_lots_keeps_its_split_until_told() -> None:
    r = _record().vial(_product("L2"))
    r = r.given(0, draws={"L1": "0.5 mL", "L2": "0.5 mL"}, reason="two vials")
    with pytest.raises(mesocalc.InvalidValueError) as info:
        r.given(0, points=50, reason="stopped")  # which lot gave the new volume?
    assert info.value.parameter == "draws"
    deeper = r.given(0, depth="0.8 mm", reason="thin skin")  # the volume and split unchanged
    assert deeper.areas[0].draws == r.areas[0].draws
    none = _record().given(0, points=0, reason="not treated")
    again = none.given(0, points=10, reason="treated after all")  # drawn from the session's lot
    assert again.areas[0].draws[0].lot == "L1"
    with pytest.raises(mesocalc.InputTypeError):
        _record().given(0, depth="2 mm", reason="x", adverse_event="bruising")  # type: ignore[arg-type] # hostile


def test_stored_times_and_areas_of_amendments_are_checked() -> None:
    r = _record().finalise()
    r = r.amend(by="B", at="2026-12-05T09:00+01:00", reason="one", note="n")
    r = r.amend(by="B", at="2026-12-06T09:00+01:00", reason="two", area=1, points=5)
    data = r.to_dict()
    data["amendments"][1]["at"] = "2026-12-04T11:00+01:00"
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter == "amendments[1].at"
    data = r.to_dict()
    data["amendments"][1]["area"] = 5
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter == "amendments[1].before"
    data = r.to_dict()
    data["adverse_events"] = [
        {
            "kind": "nodule",
            "severity": "mild",
            "onset": AT,
            "action": "watch",
            "area": 0,
            "lot": "L2",
        }
    ]
    with pytest.raises(mesocalc.InvalidValueError) as info:
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter == "adverse_events[0].lot"


def test_a_session_of_a_clinic_protocol_is_recorded_against_it() -> None:
    clinic = mesocalc.load_protocol(Path(__file__).parent / "data" / "clinic-protocol.toml")
    face = mesocalc.plan(technique="classic", zone="face", area="40 cm^2", catalog=clinic)
    s = mesocalc.Session(plans=[face], date="2026-12-04", product=_product())
    r = s.record(by="Dr A", at=AT, catalog=clinic)
    deeper = r.given(0, depth="1.4 mm", reason="thicker skin")  # soft: a deviation
    assert [d.field.value for d in deeper.deviations] == ["depth"]
    data = deeper.to_dict()
    assert mesocalc.TreatmentRecord.from_dict(data, catalog=clinic) == deeper
    with pytest.raises(mesocalc.InvalidValueError) as info:  # its plans need their protocol
        mesocalc.TreatmentRecord.from_dict(data)
    assert info.value.parameter.startswith("session.")
    with pytest.raises(mesocalc.InputTypeError) as wrong:
        s.record(by="Dr A", at=AT, catalog="clinic")  # type: ignore[arg-type] # hostile
    assert wrong.value.parameter == "catalog"
    with pytest.raises(mesocalc.InputTypeError) as wrong:
        r.to_fhir(patient="Patient/1", catalog="clinic")  # type: ignore[arg-type] # hostile
    assert wrong.value.parameter == "catalog"
    bundle = r.to_fhir(patient="Patient/1")
    assert bundle["resourceType"] == "Bundle"


def test_the_table_lists_deviations_and_adverse_events() -> None:
    r = _record().given(0, points=40, reason="stopped", adverse_event=_event(area=0))
    table = r.table()
    assert "deviation" in table
    assert "bruising (mild), cold compress" in table
    assert "warning" not in table


# --- the session's parts, kept below the session (ADR 0020) ---------------------------------------


def test_a_record_keeps_the_sessions_parts_and_writes_them_as_the_session() -> None:
    s = _session(sides=["left", "right"], patient=mesocalc.Patient(), syringe=None)
    r = s.record(by="Dr A", at=AT)
    assert r.session.to_dict() == s.to_dict()  # the record's JSON shape is the session's
    assert r.to_dict()["session"] == s.to_dict()
    assert [r.session.where(i) for i in range(2)] == [s.where(i) for i in range(2)]
    assert (r.session.points, r.session.total_volume) == (s.points, s.total_volume)
    assert mesocalc.TreatmentRecord.of(r.session, by="Dr A", at=AT) == r
    assert mesocalc.TreatmentRecord.from_dict(r.to_dict()) == r
    assert mesocalc.Course(sessions=[r.session]).sessions == (s,)


def test_a_records_session_is_checked_as_a_session_is() -> None:
    data = _record(patient=mesocalc.Patient()).to_dict()
    for key, value, parameter in (
        ("screening", {"clear": False}, "session.screening"),
        ("sides", ["left"], "session.sides"),
        ("sides", "left", "session.sides"),
        ("date", "4 December", "session.date"),
    ):
        changed: Any = {**data, "session": {**data["session"], key: value}}
        with pytest.raises(mesocalc.MesocalcError) as info:
            mesocalc.TreatmentRecord.from_dict(changed)
        assert info.value.parameter == parameter, key
    parts = _record().session
    for name in ("product", "syringe", "patient", "override"):
        with pytest.raises(mesocalc.InputTypeError) as wrong:
            attrs.evolve(parts, **{name: "hostile"})  # type: ignore[arg-type] # hostile
        assert wrong.value.parameter == name
    with pytest.raises(mesocalc.InputTypeError) as bad:
        attrs.evolve(_record(), session=_session())  # type: ignore[arg-type] # a Session, not its parts
    assert bad.value.parameter == "session"


def test_a_record_keeps_every_field_of_its_session() -> None:
    """A field added to the Session must be kept by the record too, or it is lost on recording."""
    from mesocalc._clinic.record import RecordedSession  # noqa: PLC0415 - the record's parts

    assert [f.name for f in attrs.fields(RecordedSession)] == [
        f.name for f in attrs.fields(mesocalc.Session)
    ]


def test_a_records_session_refuses_a_site_plan_made_without_the_product() -> None:
    """The record's parts run the session's keep-out check, as a Session does."""
    from mesocalc._clinic.recorded import RecordedSession  # noqa: PLC0415 - the record's parts

    kyb = mesocalc.product("deoxycholic acid")
    plain = mesocalc.plan(technique="infiltration", site="submental", volume_per_point="0.2 mL")
    with pytest.raises(mesocalc.InvalidValueError) as caught:
        RecordedSession(plans=[plain], product=kyb)
    assert caught.value.parameter == "plans[0]"
    assert "mandible-band" in str(caught.value)
    made = mesocalc.plan(
        technique="infiltration", site="submental", product=kyb, volume_per_point="0.2 mL"
    )
    assert RecordedSession(plans=[made], product=kyb).plans == (made,)
