"""mesocalc.testing: the helpers clinic software uses in its own tests."""

from __future__ import annotations

import subprocess
import sys

import attrs
import pytest
from hypothesis import given

import mesocalc
from mesocalc.testing import assert_plan_valid
from mesocalc.testing.strategies import plan_requests

from . import strategies as mst


@given(mst.any_requests())
def test_every_plan_mesocalc_returns_passes(request: dict[str, object]) -> None:
    try:
        p = mesocalc.plan(**request)  # type: ignore[call-overload]
    except mesocalc.MesocalcError:
        return
    assert_plan_valid(p)


@given(plan_requests(units="canonical"))
def test_the_shared_strategy_gives_valid_requests(request: dict[str, object]) -> None:
    assert_plan_valid(mesocalc.plan(**request))  # type: ignore[call-overload]


def test_array_plans_are_checked_element_by_element() -> None:
    assert_plan_valid(
        mesocalc.plan(technique="classic", zone="face", area=["4 cm^2", "40 cm^2", "1 m^2"])
    )


def test_it_catches_a_departure_without_a_record() -> None:
    p = mesocalc.plan(technique="classic", zone="face", area="40 cm^2")
    with pytest.raises(AssertionError, match="spacing .* outside 5 to 10 mm"):
        assert_plan_valid(attrs.evolve(p, spacing_mm=4.0))
    with pytest.raises(AssertionError, match="hard limit"):
        assert_plan_valid(
            attrs.evolve(
                mesocalc.plan(technique="classic", zone="eyelid", area="4 cm^2"), depth_mm=2.0
            )
        )
    with pytest.raises(AssertionError, match="without points"):
        assert_plan_valid(attrs.evolve(p, points=0))


def test_importing_mesocalc_testing_does_not_import_hypothesis() -> None:
    code = "import sys, mesocalc.testing; print('hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
