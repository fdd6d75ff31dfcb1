"""The published JSON contract: the schemas validate every JSON output, and list every key.

The files in ``mesocalc/schemas/`` are written by hand; these tests keep them and the
codec in step. A field the codec writes but no schema lists (or a schema key the codec
no longer writes) fails ``test_the_schema_lists_every_key_the_codec_writes``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final
from urllib.parse import urldefrag, urljoin

import attrs
import numpy as np
import pytest
from hypothesis import given, reject
from jsonschema import Draft202012Validator

import mesocalc
from mesocalc import _codec
from mesocalc._catalog import default_catalog
from mesocalc._parameters import PARAMETERS
from mesocalc._plan import RESULTS
from mesocalc._schemas import KINDS
from mesocalc._units import quantity
from tests.strategies import (
    any_requests,
    array_requests,
    courses,
    plan_requests,
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
_PAYLOADS: dict[str, dict[str, Any]] = {
    "plan": _SHAPED.to_dict(),
    "array": mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2"]).to_dict(),
    "spec": mesocalc.spec("retrograde", "face").to_dict(),
    "session": _SESSION.to_dict(),
    "course": mesocalc.Course.lay_out(
        [_CHIN], first="2026-12-01", count=2, every=42, product=_SESSION.product
    ).to_dict(),
}
_READERS: dict[str, Any] = {
    "plan": mesocalc.Plan.from_dict,
    "array": mesocalc.PlanArray.from_dict,
    "spec": mesocalc.Spec.from_dict,
    "session": mesocalc.Session.from_dict,
    "course": mesocalc.Course.from_dict,
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


class _Bundle:
    """The schema resources of a bundled schema by ``$id``, and ``$ref`` lookups in them."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.by_id = {schema["$id"]: schema}
        for value in schema.get("$defs", {}).values():
            if "$id" in value:
                self.by_id[value["$id"]] = value

    def resolve(self, base: str, ref: str) -> tuple[str, dict[str, Any]]:
        uri, fragment = urldefrag(urljoin(base, ref))
        node: Any = self.by_id[uri]
        for part in filter(None, fragment.split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return uri, node

    def reach(self, base: str, node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """``node`` and every schema that applies with it ($ref, allOf, anyOf, oneOf, then, else)."""
        found = [(base, node)]
        if "$ref" in node:
            found += self.reach(*self.resolve(base, node["$ref"]))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                found += self.reach(base, sub)
        for key in ("then", "else"):
            if key in node:
                found += self.reach(base, node[key])
        return found

    def under(
        self, nodes: list[tuple[str, dict[str, Any]]], key: str
    ) -> list[tuple[str, dict[str, Any]]]:
        """Everything that applies to the ``key`` (``items``, or a property name) of ``nodes``."""
        found = []
        for base, node in nodes:
            sub = node.get("items") if key == "items" else node.get("properties", {}).get(key)
            if isinstance(sub, dict):
                found += self.reach(base, sub)
        return found


def _values(nodes: list[tuple[str, dict[str, Any]]]) -> set[Any]:
    """The values ``nodes`` allow by ``const`` or ``enum``."""
    found: set[Any] = {n["const"] for _, n in nodes if "const" in n}
    return found | {v for _, n in nodes for v in n.get("enum", ())}


def _types(nodes: list[tuple[str, dict[str, Any]]]) -> set[str]:
    return {n["type"] for _, n in nodes if isinstance(n.get("type"), str)}


# Keys the codec does not write from fields: a payload's name and version, a part's kind,
# a range's unit, a plan's results; and the protocol a plan or an entry was made under,
# which the schemas list ahead of the code (optional).
_PAYLOAD_KEYS: Final = {"schema", "schema_version"}
_AHEAD: Final = {"protocol"}


def _keys_problems(
    cls: type, found: list[tuple[str, dict[str, Any]]], path: str, extra: set[str]
) -> list[str]:
    """Keys and required keys of the schema ``found`` for ``cls`` against the codec's."""
    closed = [n for _, n in found if n.get("additionalProperties") is False]
    if not closed:
        return [f"{path}: no schema of it has additionalProperties false"]
    listed = {k for n in closed for k in n.get("properties", {})}
    required = {k for n in closed for k in n.get("required", ())}
    fields = [
        (f, key) for f, kind, key in _codec._fields_of(cls) if not isinstance(kind, _codec._Skip)
    ]
    written = {key for _, key in fields} | extra
    needed = {key for f, key in fields if f.default is attrs.NOTHING} | (
        extra & {"schema", "schema_version", "kind", "unit"}
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
    bundle: _Bundle,
    nodes: list[tuple[str, dict[str, Any]]],
    parameter: str,
    arrays: bool,
    path: str,
) -> list[str]:
    """A quantity's unit in the schema against the parameter table's, and number or arrays."""
    units = _values(bundle.under(nodes, "unit"))
    types = _types(bundle.under(nodes, "value"))
    problems = []
    if units != {PARAMETERS[parameter].json}:
        problems.append(f"{path}: unit {sorted(units)}, the codec {PARAMETERS[parameter].json!r}")
    if ("array" in types) != arrays or (not arrays and types != {"number"}):
        problems.append(f"{path}: value of type {sorted(types)}")
    return problems


def _problems(
    bundle: _Bundle, cls: type, found: list[tuple[str, dict[str, Any]]], path: str, **how: bool
) -> list[str]:
    """Where the schema ``found`` for ``cls`` disagrees with what the codec writes."""
    extra = (_PAYLOAD_KEYS if how.get("top") else set()) | ({"kind"} if how.get("kind") else set())
    if getattr(cls, "__codec_unit_of__", None):
        extra.add("unit")
    results = RESULTS if cls in (mesocalc.Plan, mesocalc.PlanArray) else ()
    problems = _keys_problems(cls, found, path, extra | set(results))
    for name in results:
        here = bundle.under(found, name)
        arrays = cls is mesocalc.PlanArray
        problems += _quantity_problems(bundle, here, name, arrays, f"{path}.{name}")
    for _, kind, key in _codec._fields_of(cls):
        problems += _field_problems(bundle, kind, bundle.under(found, key), f"{path}.{key}")
    return problems


def _field_problems(  # noqa: PLR0911 - one return per codec field kind
    bundle: _Bundle, kind: Any, here: list[tuple[str, dict[str, Any]]], path: str
) -> list[str]:
    """One field's schema against its codec kind: names, units, parts."""
    if isinstance(kind, _codec._Names):
        names = {m.value for m in kind.kind} | {None}
        if _values(bundle.under(here, "items")) != names:
            return [f"{path}: not the names of {kind.kind.__name__}"]
    elif isinstance(kind, _codec._Name):
        if _values(here) != {m.value for m in kind.kind}:
            return [f"{path}: not the names of {kind.kind.__name__}"]
    elif isinstance(kind, _codec._Rings):
        return _quantity_problems(bundle, bundle.under(here, "items"), kind.parameter, True, path)
    elif isinstance(kind, _codec._Quantity) and kind.parameter is not None:
        return _quantity_problems(bundle, here, kind.parameter, kind.arrays, path)
    elif isinstance(kind, _codec._Payloads):
        return _problems(bundle, kind.cls(), bundle.under(here, "items"), path, top=True)
    elif isinstance(kind, _codec._Part):
        nodes = bundle.under(here, "items") if kind.many else here
        classes = kind.classes()
        if len(classes) == 1:
            return _problems(bundle, classes[0], nodes, path)
        problems = []
        for part in classes:
            name = part.__name__.lower()
            branch = [
                found
                for b, n in nodes
                if n.get("additionalProperties") is False
                and name in _values(bundle.under([(b, n)], "kind"))
                for found in bundle.reach(b, n)
            ]
            problems += _problems(bundle, part, branch, f"{path}[{name}]", kind=True)
        return problems
    return []


_ROOTS = [
    (mesocalc.Plan, "plan", "#/$defs/plan"),
    (mesocalc.PlanArray, "plan", "#/$defs/plan_array"),
    (mesocalc.Spec, "spec", "#"),
    (mesocalc.Session, "session", "#"),
    (mesocalc.Course, "course", "#"),
]


@pytest.mark.parametrize(("cls", "kind", "pointer"), _ROOTS)
def test_the_schema_lists_every_key_the_codec_writes(cls: type, kind: str, pointer: str) -> None:
    """Keys, required keys, names and units, in every part, against the codec's metadata."""
    schema = mesocalc.json_schema(kind)
    bundle = _Bundle(schema)
    found = bundle.reach(*bundle.resolve(schema["$id"], pointer))
    assert _problems(bundle, cls, found, kind, top=True) == []


def test_a_key_missing_from_the_schema_is_found() -> None:
    schema = mesocalc.json_schema("plan")
    del schema["$defs"]["placement"]["properties"]["shots"]
    schema["$defs"]["needle"]["required"] = ["gauge"]
    schema["$defs"]["mesocalc.common"]["$defs"]["quantity_mm"]["properties"]["value"]["type"] = (
        "array"
    )
    bundle = _Bundle(schema)
    found = bundle.reach(*bundle.resolve(schema["$id"], "#/$defs/plan"))
    problems = _problems(bundle, mesocalc.Plan, found, "plan", top=True)
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
    assert names == sorted(f"{k}.schema.json" for k in (*KINDS, "common"))
    for path in SCHEMAS.iterdir():
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == BASE + path.name
        assert schema["title"].endswith("version 2")
        assert schema["description"]


def _described(bundle: _Bundle, base: str, node: dict[str, Any]) -> bool:
    if "description" in node:
        return True
    return "$ref" in node and _described(bundle, *bundle.resolve(base, node["$ref"]))


@pytest.mark.parametrize("kind", KINDS)
def test_every_key_is_described(kind: str) -> None:
    """Each key of an object says what it means and its unit, or refers to what does."""
    schema = mesocalc.json_schema(kind)
    bundle = _Bundle(schema)
    bare = []
    for uri, resource in bundle.by_id.items():
        stack: list[Any] = [resource]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack += node
            elif isinstance(node, dict) and (node is resource or "$id" not in node):
                props = (
                    node.get("properties", {}) if node.get("additionalProperties") is False else {}
                )
                bare += [f"{uri} {k}" for k, v in props.items() if not _described(bundle, uri, v)]
                stack += node.values()
    assert bare == []


def test_json_schema_returns_a_fresh_copy() -> None:
    first = mesocalc.json_schema("plan")
    first["$defs"]["plan"]["properties"].clear()
    first["title"] = "changed"
    again = mesocalc.json_schema("plan")
    assert again["title"] == "mesocalc plan, schema version 2"
    assert "needle" in again["$defs"]["plan"]["properties"]
    assert mesocalc.json_schema(" Session ") == mesocalc.json_schema("session")


@pytest.mark.parametrize("kind", ["plans", "catalog", "", "x" * 10_000, "common"])
def test_an_unknown_kind_is_a_mesocalc_error_naming_the_four(kind: str) -> None:
    with pytest.raises(mesocalc.UnknownNameError) as info:
        mesocalc.json_schema(kind)
    assert info.value.parameter == "kind"
    assert all(repr(k) in str(info.value) for k in KINDS)
    assert len(str(info.value)) < 300


def test_a_kind_that_is_no_string_is_a_mesocalc_error() -> None:
    with pytest.raises(mesocalc.InputTypeError, match="^kind: "):
        mesocalc.json_schema(mesocalc.Plan)  # type: ignore[arg-type]
    with pytest.raises(mesocalc.UnknownNameError) as info:
        mesocalc.json_schema("plna")
    assert info.value.suggestions == ("plan",)


def test_the_schemas_need_no_registry() -> None:
    """A plain validator resolves the bundled files by their $id: nothing is fetched."""
    course = mesocalc.json_schema("course")
    assert sorted(k for k in course["$defs"] if k.startswith("mesocalc.")) == [
        "mesocalc.common",
        "mesocalc.plan",
        "mesocalc.session",
    ]
    assert Draft202012Validator(course).is_valid(_PAYLOADS["course"])
