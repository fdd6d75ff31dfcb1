"""The parameter table says each planning input's role and order; the rest follows it.

plan()'s keywords, the CLI's flags, plan_frame's columns, a Spec's ranges, the test
strategies and a Plan's properties are checked here against ``mesocalc._quantities.parameters``, so
that a parameter added to the table with a role and left out of one of them fails here.
"""

from __future__ import annotations

import inspect

import attrs
import pytest
from hypothesis import given

import mesocalc
from mesocalc._catalog.entries import Range, Spec
from mesocalc._exchange import cli as _cli
from mesocalc._exchange import frame as _frame
from mesocalc._exchange import frame_results as _frame_results
from mesocalc._planning import range_warnings as _range_warnings
from mesocalc._quantities.parameters import PARAMETERS, PLANNED, RANGED
from mesocalc._quantities.units import quantity
from mesocalc.testing.strategies import plan_requests

INPUTS = tuple(n for n, p in PARAMETERS.items() if p.role)  # the area, then the ranged


def test_roles() -> None:
    assert ("area", *PLANNED) == INPUTS
    assert [n for n, p in PARAMETERS.items() if p.role == "required"] == ["area"]
    assert set(RANGED) == set(PLANNED)
    assert len(RANGED) == len(set(RANGED))


def test_plan_takes_the_inputs_in_the_tables_order() -> None:
    keywords = list(inspect.signature(mesocalc.plan).parameters)
    assert [k for k in keywords if k in INPUTS] == list(INPUTS)
    signature = inspect.signature(mesocalc.plan).parameters
    # The area is needed unless a site's template gives it (plan(site=...)): left out on a
    # zone, it is refused, naming it.
    assert signature["area"].default is None
    with pytest.raises(mesocalc.MesocalcError) as info:
        mesocalc.plan(technique="classic", zone="face")
    assert info.value.parameter == "area"
    assert all(signature[n].default is None for n in PLANNED)


def test_a_specs_ranges_are_the_ranged_parameters_in_the_catalogs_order() -> None:
    ranges = [f.name for f in attrs.fields(Spec) if f.type in (Range, "Range")]
    assert ranges == list(RANGED)
    assert list(mesocalc.spec("classic", "face").ranges()) == list(RANGED)


def test_the_cli_has_a_flag_per_input() -> None:
    for name in INPUTS:
        flag = "--" + name.replace("_", "-")
        given = {"--technique": "classic", "--zone": "face", "--area": "40 cm^2", flag: "7"}
        args = _cli._parser().parse_args(["plan", *(x for kv in given.items() for x in kv)])
        assert getattr(args, name) == "7"
        assert _cli._FLAGS[name][0] == flag


def test_plan_frame_reads_a_column_per_input() -> None:
    assert ("area", *RANGED) == _frame._NUMBERS
    assert set(INPUTS) <= set(_frame._COLUMNS)
    assert set(INPUTS) <= set(_frame_results._RESULTS)


def test_the_warnings_cache_key_has_a_bit_per_ranged_parameter() -> None:
    assert _range_warnings.GIVEN_BITS == PLANNED


@given(plan_requests())
def test_the_strategies_give_only_the_tables_inputs(request: dict[str, object]) -> None:
    assert set(request) - {"technique", "zone", "lattice"} <= set(INPUTS)


def test_a_plans_properties_are_in_the_tables_units() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    for name in INPUTS:
        value = getattr(p, name)
        if PARAMETERS[name].shown:
            assert value.units == quantity(1.0, PARAMETERS[name].shown_unit).units
        else:
            assert isinstance(value, float)
