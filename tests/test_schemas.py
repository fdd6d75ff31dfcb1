"""The published JSON contract: the schemas validate every JSON output, and list every key.

The files in ``mesocalc/schemas/`` are written by hand; these tests keep them and the
codec in step. A field the codec writes but no schema lists (or a schema key the codec
no longer writes) fails ``test_the_schema_lists_every_key_the_codec_writes``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import pytest
from hypothesis import given, reject
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import mesocalc
from mesocalc._catalog.catalog import default_catalog
from mesocalc._planning.plan import RESULTS
from mesocalc._quantities.parameters import PARAMETERS
from mesocalc._quantities.units import quantity
from mesocalc._records import codec as _codec
from mesocalc._records.schemas import INPUTS, KINDS, SchemaKind
from tests.strategies import (
    any_requests,
    array_requests,
    courses,
    plan_requests,
    records,
    sessions,
    shaped_requests,
    unpublished_requests,
)

SCHEMAS = Path(mesocalc.__file__).parent / "schemas"
BASE: Final = "https://mesocalc.invalid/schemas/2/"
VALIDATORS = {
    kind: Draft202012Validator(
        mesocalc.json_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for kind in KINDS
}


def _errors(kind: str, data: Any) -> list[str]:
    """Where and why ``data``, as stored JSON, fails the schema of ``kind``."""
    stored = json.loads(json.dumps(data, allow_nan=False))
    found = VALIDATORS[kind].iter_errors(stored)
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found)


# --- every output of the property suite validates ------------------------------------------


@given(plan_requests())
def test_every_plan_matches_the_plan_schema(request: dict[str, Any]) -> None:
    assert _errors("plan", mesocalc.plan(**request).to_dict()) == []


@given(any_requests())
def test_plans_with_overrides_needles_and_syringes_match(request: dict[str, Any]) -> None:
    try:
        p = mesocalc.plan(**request)
    except mesocalc.MesocalcError:
        return  # values beyond a range without an override: no plan, no JSON
    assert _errors("plan", p.to_dict()) == []


@given(shaped_requests())
def test_plans_on_shapes_with_every_part_match(request: dict[str, Any]) -> None:
    try:
        p = mesocalc.plan(**request)
    except mesocalc.MesocalcError:
        reject()  # a margin that leaves no room, a session cap
    assert _errors("plan", p.to_dict()) == []


@given(unpublished_requests())
def test_plans_of_unpublished_uses_match(request: dict[str, Any]) -> None:
    try:
        p = mesocalc.plan(**request)
    except mesocalc.HardLimitError:
        return  # the zone's depth limit or skin binds every technique
    assert _errors("plan", p.to_dict()) == []


@given(array_requests())
def test_plans_over_arrays_match_the_plan_schema(
    requests: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    plans = mesocalc.plan(**requests[0])
    assert isinstance(plans, mesocalc.PlanArray)
    assert _errors("plan", plans.to_dict()) == []


def test_plans_over_nested_and_empty_arrays_match() -> None:
    grid = mesocalc.plan(
        technique="retrograde",
        zone="face",
        area=quantity(np.array([[10.0, 20.0], [30.0, 40.0]]), "centimeter ** 2"),
        volume_per_point="0.1 mL",
    )
    empty = mesocalc.plan(technique="classic", zone="face", area=[])
    for plans in (grid, empty):
        assert isinstance(plans, mesocalc.PlanArray)
        assert _errors("plan", plans.to_dict()) == []


_SPECS = sorted(
    [*default_catalog().entries.values(), *default_catalog().unpublished.values()],
    key=lambda s: (s.technique, s.zone),
)


@pytest.mark.parametrize(
    "entry", _SPECS, ids=[f"{s.technique.value}-{s.zone.value}" for s in _SPECS]
)
def test_every_catalog_entry_matches_the_spec_schema(entry: mesocalc.Spec) -> None:
    assert _errors("spec", entry.to_dict()) == []


@given(sessions())
def test_every_session_matches_the_session_schema(session: mesocalc.Session) -> None:
    assert _errors("session", session.to_dict()) == []


@given(courses())
def test_every_course_matches_the_course_schema(course: mesocalc.Course) -> None:
    assert _errors("course", course.to_dict()) == []


@given(records())
def test_every_record_matches_the_record_schema(record: mesocalc.TreatmentRecord) -> None:
    assert _errors("record", record.to_dict()) == []


# --- payloads the codec refuses, the schema refuses too --------------------------------------

_SHAPED = mesocalc.plan(
    technique="classic",
    zone="face",
    area=mesocalc.Rectangle("3 cm", "2 cm"),
    margin="2 mm",
    injector=mesocalc.Injector(needles=4, pitch="7.5 mm"),
    spacing="7.5 mm",
    syringe=mesocalc.Syringe.conventional(),
    needle=mesocalc.Needle(gauge=30, length="4 mm"),
    depth="2.2 mm",
    override=mesocalc.Override(reason="thick skin", by="Dr Rossi"),
)
_CHIN = mesocalc.plan(
    technique="infiltration",
    zone="submental",
    area="10 cm^2",
    spacing="1 cm",
    volume_per_point="0.2 mL",
)
_SESSION = mesocalc.Session(
    plans=[_CHIN, _CHIN],
    sides=["left", "right"],
    date="2026-11-26",
    syringe=mesocalc.Syringe.low_dead_space(),
    product=mesocalc.product("deoxycholic acid", lot="B123", expires="2027-03-31"),
)
_RECORD = (
    _SESSION.record(by="Dr A", at="2026-11-26T10:30+01:00")
    .vial(mesocalc.product("deoxycholic acid", lot="C9", expires="2027-03-31"), size="2 mL")
    .given(1, draws={"B123": "1 mL", "C9": "1 mL"}, reason="a second vial")
    .adverse_event(
        kind="bruising",
        severity="mild",
        onset="2026-11-26T11:00+01:00",
        action="cold compress",
        area=1,
        lot="C9",
    )
    .finalise()
    .amend(
        by="Dr B",
        at="2026-11-27T09:00+01:00",
        reason="recounted",
        area=0,
        points=8,
        note="seen again",
    )
)
_PAYLOADS: dict[str, dict[str, Any]] = {
    "plan": _SHAPED.to_dict(),
    "array": mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"]).to_dict(),
    "spec": mesocalc.spec("retrograde", "face").to_dict(),
    "session": _SESSION.to_dict(),
    "course": mesocalc.Course.lay_out(
        [_CHIN], first="2026-12-01", count=2, every=42, product=_SESSION.product
    ).to_dict(),
    "record": _RECORD.to_dict(),
}
_READERS: dict[str, Any] = {
    "plan": mesocalc.Plan.from_dict,
    "array": mesocalc.PlanArray.from_dict,
    "spec": mesocalc.Spec.from_dict,
    "session": mesocalc.Session.from_dict,
    "course": mesocalc.Course.from_dict,
    "record": mesocalc.TreatmentRecord.from_dict,
}
_GONE: Final = object()  # a key taken out

_HOSTILE: list[tuple[str, str, Any]] = [
    ("plan", "surprise", 1),
    ("plan", "schema_version", 3),
    ("plan", "schema", "mesocalc.spec"),
    ("plan", "technique", _GONE),
    ("plan", "zone", "moon"),
    ("plan", "lattice", "hexagonal"),
    ("plan", "points", 0),
    ("plan", "points", "6"),
    ("plan", "area", {"value": 600, "unit": "mm2"}),
    ("plan", "area.unit", "cm^2"),
    ("plan", "depth.value", 0.0),
    ("plan", "depth.value", "2.2 mm"),
    ("plan", "depth.precision", 0.1),
    ("plan", "angle.value", 95.0),
    ("plan", "loss_fraction", 1.0),
    ("plan", "loss_fraction", {"value": 0.0, "unit": "1"}),
    ("plan", "total_volume.unit", "L"),
    ("plan", "warnings.0.code", "bogus"),
    ("plan", "warnings.0.colour", "red"),
    ("plan", "overrides.0.value.unit", "cm"),
    ("plan", "overrides.0.reason", " "),
    ("plan", "overrides.0.parameter", "colour"),
    ("plan", "needle.length.unit", "in"),
    ("plan", "needle.gauge", "30G"),
    ("plan", "placement.shape.kind", "hexagon"),
    ("plan", "placement.shape.radius", {"value": 5.0, "unit": "mm"}),
    ("plan", "placement.injector.needles", 19),
    ("plan", "supply.syringe.dead_space.unit", "uL"),
    ("array", "surprise", 1),
    ("array", "area.unit", "mm2"),
    ("array", "depth", {"value": 1.5, "unit": "mm"}),
    ("array", "needle", {"gauge": 30, "length": {"value": 4.0, "unit": "mm"}}),
    ("spec", "surprise", 1),
    ("spec", "depth.unit", "cm"),
    ("spec", "depth.low", "2"),
    ("spec", "depth.colour", "red"),
    ("spec", "layer", "dermis"),
    ("spec", "published", "yes"),
    ("spec", "session", {"max_points": 5, "colour": "red"}),
    ("session", "surprise", 1),
    ("session", "plans", []),
    ("session", "plans.0.area.unit", "mm2"),
    ("session", "sides", ["up", None]),
    ("session", "date", "26/11/2026"),
    ("session", "product.name", _GONE),
    ("session", "product.concentration.unit", "mg/L"),
    ("session", "product.label.grid.unit", "cm"),
    ("session", "syringe.capacity", 1.0),
    ("course", "sessions", []),
    ("course", "sessions.0.date", _GONE),
    ("course", "sessions.0.schema", "mesocalc.plan"),
    ("record", "surprise", 1),
    ("record", "session", _GONE),
    ("record", "session.plans", []),
    ("record", "by", ""),
    ("record", "at", "2026-11-26"),
    ("record", "areas", []),
    ("record", "areas.0.points", -1),
    ("record", "areas.0.volume.unit", "uL"),
    ("record", "areas.0.depth.value", 0.0),
    ("record", "areas.1.depth.value", 0.0),  # an area with an adverse event, too
    ("record", "areas.0.draws.0.volume.value", 0.0),
    ("record", "areas.0.reasons.0.field", "colour"),
    ("record", "areas.0.surprise", 1),
    ("record", "vials.0.product.lot", _GONE),
    ("record", "vials.1.size.value", -1),
    ("record", "adverse_events.0.kind", "sunburn"),
    ("record", "adverse_events.0.severity", "deadly"),
    ("record", "adverse_events.0.onset", 5),
    ("record", "adverse_events.0.area", -1),
    ("record", "finalised", "yes"),
    ("record", "amendments.0.reason", " "),
    ("record", "amendments.0.at", "tomorrow"),
    ("record", "amendments.0.by", _GONE),
]


def _changed(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with the value at a dotted ``path`` replaced (or, with _GONE, taken out)."""
    out: dict[str, Any] = json.loads(json.dumps(data))
    *parents, last = path.split(".")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is _GONE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


@pytest.mark.parametrize(("kind", "path", "value"), _HOSTILE)
def test_what_the_codec_refuses_the_schema_refuses(kind: str, path: str, value: Any) -> None:
    data = _changed(_PAYLOADS[kind], path, value)
    with pytest.raises(mesocalc.MesocalcError):
        _READERS[kind](data)
    assert _errors("plan" if kind == "array" else kind, data) != []


@pytest.mark.parametrize("kind", sorted(_PAYLOADS))
def test_the_payloads_the_hostile_ones_start_from_are_valid(kind: str) -> None:
    data = _PAYLOADS[kind]
    _READERS[kind](data)
    assert _errors("plan" if kind == "array" else kind, data) == []


def test_an_override_records_its_value_in_its_parameters_unit() -> None:
    """The schema's parameter-to-unit table is the parameter table's, name for name."""
    plan = _PAYLOADS["plan"]
    for name, p in PARAMETERS.items():
        record = {**plan["overrides"][0], "parameter": name}
        right = {**record, "value": {"value": 1.0, "unit": p.json}}
        wrong = {**record, "value": {"value": 1.0, "unit": "mm" if p.json != "mm" else "mL"}}
        assert _errors("plan", {**plan, "overrides": [right]}) == [], name
        assert _errors("plan", {**plan, "overrides": [wrong]}) != [], name


# --- the schemas list every key the codec writes ----------------------------------------------


Node = dict[str, Any]


class _Document:
    """A schema as json_schema() gives it (one document), and what applies where in it."""

    def __init__(self, schema: Node) -> None:
        self.schema = schema

    def at(self, ref: str) -> Node:
        """The node a local ``$ref`` (``#/$defs/...``) points to."""
        assert ref.startswith("#"), ref
        node: Any = self.schema
        for part in filter(None, ref[1:].split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return dict(node)

    def reach(self, node: Node) -> list[Node]:
        """``node`` and every schema that applies with it ($ref, allOf, anyOf, oneOf, then, else)."""
        found = [node]
        if "$ref" in node:
            found += self.reach(self.at(node["$ref"]))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                found += self.reach(sub)
        for key in ("then", "else"):
            if key in node:
                found += self.reach(node[key])
        return found

    def under(self, nodes: list[Node], key: str) -> list[Node]:
        """Everything that applies to the ``key`` (``items``, or a property name) of ``nodes``."""
        found = []
        for node in nodes:
            sub = node.get("items") if key == "items" else node.get("properties", {}).get(key)
            if isinstance(sub, dict):
                found += self.reach(sub)
        return found


def _values(nodes: list[Node]) -> set[Any]:
    """The values ``nodes`` allow by ``const`` or ``enum``."""
    return {n["const"] for n in nodes if "const" in n} | {
        v for n in nodes for v in n.get("enum", ())
    }


def _types(nodes: list[Node]) -> set[str]:
    return {n["type"] for n in nodes if isinstance(n.get("type"), str)}


# Keys the codec does not write from fields: a payload's name and version, a part's kind,
# a range's unit, a plan's results; and the protocol a plan or an entry was made under,
# which the schemas list ahead of the code (optional).
_PAYLOAD_KEYS: Final = {"schema", "schema_version"}
_AHEAD: Final = {"protocol"}


def _keys_problems(cls: type, found: list[Node], path: str, extra: set[str]) -> list[str]:
    """Keys and required keys of the schema ``found`` for ``cls`` against the codec's."""
    closed = [n for n in found if n.get("additionalProperties") is False]
    if not closed:
        return [f"{path}: no schema of it has additionalProperties false"]
    listed = {k for n in closed for k in n.get("properties", {})}
    required = {k for n in closed for k in n.get("required", ())}
    fields = [
        (f, key) for f, kind, key in _codec._fields_of(cls) if not isinstance(kind, _codec._Skip)
    ]
    written = {key for _, key in fields} | extra
    needed = {key for f, key in fields if f.default is attrs.NOTHING} | (
        extra & {"schema", "schema_version", "kind", "unit", "session"}
    )
    ahead = _AHEAD if cls in (mesocalc.Plan, mesocalc.PlanArray, mesocalc.Spec) else set()
    problems = [f"{path}.{k}: written, not in the schema" for k in sorted(written - listed)]
    problems += [
        f"{path}.{k}: in the schema, not written" for k in sorted(listed - written - ahead)
    ]
    if required != needed:
        problems.append(
            f"{path}: the schema requires {sorted(required)}, the codec {sorted(needed)}"
        )
    return problems


def _quantity_problems(
    doc: _Document, nodes: list[Node], parameter: str, arrays: bool, path: str
) -> list[str]:
    """A quantity's unit in the schema against the parameter table's, and number or arrays."""
    units = _values(doc.under(nodes, "unit"))
    types = _types(doc.under(nodes, "value"))
    problems = []
    if units != {PARAMETERS[parameter].json}:
        problems.append(f"{path}: unit {sorted(units)}, the codec {PARAMETERS[parameter].json!r}")
    if ("array" in types) != arrays or (not arrays and types != {"number"}):
        problems.append(f"{path}: value of type {sorted(types)}")
    return problems


def _problems(doc: _Document, cls: type, found: list[Node], path: str, **how: bool) -> list[str]:
    """Where the schema ``found`` for ``cls`` disagrees with what the codec writes."""
    extra = (_PAYLOAD_KEYS if how.get("top") else set()) | ({"kind"} if how.get("kind") else set())
    if getattr(cls, "__codec_unit_of__", None):
        extra.add("unit")
    results = RESULTS if cls in (mesocalc.Plan, mesocalc.PlanArray) else ()
    # A session writes its patient's screening beside the patient, for readers (issue 18).
    screened = {"screening"} if cls is mesocalc.Session else set()
    # A record writes its session whole, read before the record (issue 21).
    whole = {"session"} if cls is mesocalc.TreatmentRecord else set()
    problems = _keys_problems(cls, found, path, extra | set(results) | screened | whole)
    for name in whole:
        problems += _problems(doc, mesocalc.Session, doc.under(found, name), f"{path}.{name}",
                              top=True)  # fmt: skip
    for name in results:
        arrays = cls is mesocalc.PlanArray
        problems += _quantity_problems(doc, doc.under(found, name), name, arrays, f"{path}.{name}")
    for name in screened:
        problems += _problems(doc, mesocalc.Screening, doc.under(found, name), f"{path}.{name}")
    for _, kind, key in _codec._fields_of(cls):
        problems += _field_problems(doc, kind, doc.under(found, key), f"{path}.{key}")
    return problems


def _field_problems(  # noqa: PLR0911 - one return per codec field kind
    doc: _Document, kind: Any, here: list[Node], path: str
) -> list[str]:
    """One field's schema against its codec kind: names, units, parts."""
    if isinstance(kind, _codec._Names):
        names = {m.value for m in kind.kind} | {None}
        if _values(doc.under(here, "items")) != names:
            return [f"{path}: not the names of {kind.kind.__name__}"]
    elif isinstance(kind, _codec._Name):
        if _values(here) != {m.value for m in kind.kind}:
            return [f"{path}: not the names of {kind.kind.__name__}"]
    elif isinstance(kind, _codec._Rings):
        return _quantity_problems(doc, doc.under(here, "items"), kind.parameter, True, path)
    elif isinstance(kind, _codec._OneOf):
        units = _values(doc.under(here, "unit"))
        if units != {PARAMETERS[p].json for p in kind.parameters}:
            return [f"{path}: units {sorted(units)}, the codec's {kind.parameters}"]
    elif isinstance(kind, _codec._Quantity) and kind.parameter is not None:
        return _quantity_problems(doc, here, kind.parameter, kind.arrays, path)
    elif isinstance(kind, _codec._Payloads):
        return _problems(doc, kind.cls(), doc.under(here, "items"), path, top=True)
    elif isinstance(kind, _codec._Part):
        nodes = doc.under(here, "items") if kind.many else here
        classes = kind.classes()
        if len(classes) == 1:
            return _problems(doc, classes[0], nodes, path)
        problems = []
        for part in classes:  # the branch whose kind names the class
            name = part.__name__.lower()
            branch = [
                found
                for n in nodes
                if n.get("additionalProperties") is False
                and name in _values(doc.under([n], "kind"))
                for found in doc.reach(n)
            ]
            problems += _problems(doc, part, branch, f"{path}[{name}]", kind=True)
        return problems
    return []


_ROOTS = [
    (mesocalc.Plan, "plan", "#/$defs/plan"),
    (mesocalc.PlanArray, "plan", "#/$defs/plan_array"),
    (mesocalc.Spec, "spec", "#"),
    (mesocalc.Session, "session", "#"),
    (mesocalc.Course, "course", "#"),
    (mesocalc.TreatmentRecord, "record", "#"),
]


@pytest.mark.parametrize(("cls", "kind", "pointer"), _ROOTS)
def test_the_schema_lists_every_key_the_codec_writes(
    cls: type, kind: SchemaKind, pointer: str
) -> None:
    """Keys, required keys, names and units, in every part, against the codec's metadata."""
    doc = _Document(mesocalc.json_schema(kind))
    assert _problems(doc, cls, doc.reach(doc.at(pointer)), kind, top=True) == []


def test_a_key_missing_from_the_schema_is_found() -> None:
    schema = mesocalc.json_schema("plan")
    del schema["$defs"]["placement"]["properties"]["shots"]
    schema["$defs"]["needle"]["required"] = ["gauge"]
    schema["$defs"]["mesocalc.common"]["$defs"]["quantity_mm"]["properties"]["value"]["type"] = (
        "array"
    )
    doc = _Document(schema)
    problems = _problems(doc, mesocalc.Plan, doc.reach(doc.at("#/$defs/plan")), "plan", top=True)
    assert "plan.placement.shots: written, not in the schema" in problems
    assert "plan.needle: the schema requires ['gauge'], the codec ['gauge', 'length']" in problems
    assert any(p.startswith("plan.depth: value of type") for p in problems)


def test_the_plan_schema_tells_a_plan_from_plans_over_arrays() -> None:
    schema = mesocalc.json_schema("plan")
    one = _PAYLOADS["plan"]
    assert _errors("plan", {**one, "points": [6]})  # an array plan's points, one plan's rest
    assert schema["then"] == {"$ref": "#/$defs/plan_array"}
    assert schema["else"] == {"$ref": "#/$defs/plan"}


# --- the files and json_schema() ----------------------------------------------------------------


def test_the_package_ships_one_file_per_kind_and_the_shared_one() -> None:
    names = sorted(p.name for p in SCHEMAS.iterdir())
    assert names == sorted(f"{k}.schema.json" for k in (*KINDS, *INPUTS, "common"))
    for path in SCHEMAS.iterdir():
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == BASE + path.name
        assert schema["title"].endswith("version 2")
        assert schema["description"]


def _described(doc: _Document, node: Node) -> bool:
    return "description" in node or ("$ref" in node and _described(doc, doc.at(node["$ref"])))


@pytest.mark.parametrize("kind", [*KINDS, *INPUTS])
def test_every_key_is_described(kind: SchemaKind) -> None:
    """Each key of an object says what it means and its unit, or refers to what does."""
    doc = _Document(mesocalc.json_schema(kind))
    bare: list[str] = []
    stack: list[Any] = [doc.schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack += node
        elif isinstance(node, dict):
            closed = node.get("additionalProperties") is False
            props = node.get("properties", {}) if closed else {}
            bare += [k for k, v in props.items() if not _described(doc, v)]
            stack += node.values()
    assert bare == []


def test_json_schema_returns_a_fresh_copy() -> None:
    first = mesocalc.json_schema("plan")
    first["$defs"]["plan"]["properties"].clear()
    first["title"] = "changed"
    again = mesocalc.json_schema("plan")
    assert again["title"] == "mesocalc plan, schema version 2"
    assert "needle" in again["$defs"]["plan"]["properties"]
    spaced: Any = " Session "  # any case and spacing reads at run time; the type says "session"
    assert mesocalc.json_schema(spaced) == mesocalc.json_schema("session")


@pytest.mark.parametrize("kind", ["plans", "catalog", "", "x" * 10_000, "common"])
def test_an_unknown_kind_is_a_mesocalc_error_naming_the_four(kind: str) -> None:
    with pytest.raises(mesocalc.UnknownNameError) as info:
        mesocalc.json_schema(kind)  # type: ignore[arg-type]  # not a kind, on purpose
    assert info.value.parameter == "kind"
    assert all(repr(k) in str(info.value) for k in KINDS)
    assert len(str(info.value)) < 300


def test_a_kind_that_is_no_string_is_a_mesocalc_error() -> None:
    with pytest.raises(mesocalc.InputTypeError, match="^kind: "):
        mesocalc.json_schema(mesocalc.Plan)  # type: ignore[arg-type]
    with pytest.raises(mesocalc.UnknownNameError) as info:
        mesocalc.json_schema("plna")  # type: ignore[arg-type]  # a misspelt kind, on purpose
    assert info.value.suggestions == ("plan",)


def test_json_schema_gives_one_document_with_no_reference_out_of_it() -> None:
    course = mesocalc.json_schema("course")
    assert sorted(k for k in course["$defs"] if k.startswith("mesocalc.")) == [
        "mesocalc.common",
        "mesocalc.plan",
        "mesocalc.record",  # a course of records (issue 21)
        "mesocalc.session",
    ]
    refs: list[str] = []
    stack: list[Any] = [course]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            refs += [node["$ref"]] if "$ref" in node else []
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    assert refs
    assert all(ref.startswith("#/$defs/") for ref in refs)
    assert Draft202012Validator(course).is_valid(_PAYLOADS["course"])


def test_the_files_validate_as_they_are_with_a_registry() -> None:
    """What docs/json.md tells users of the files: load all five into one registry."""
    resources = [
        DRAFT202012.create_resource(json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(SCHEMAS.iterdir())
    ]
    registry: Registry[Any] = Registry().with_resources((r.id() or "", r) for r in resources)
    for kind, payload in _PAYLOADS.items():
        name = "plan" if kind == "array" else kind
        schema = registry.contents(f"{BASE}{name}.schema.json")
        validator = Draft202012Validator(schema, registry=registry)
        assert validator.is_valid(payload), kind
        assert not validator.is_valid({**payload, "surprise": 1}), kind
