"""Test configuration: hypothesis profiles and quantity-aware assertion messages."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings

# "dev" is quick for the edit-test loop; "ci" (chosen when CI is set) digs deeper and
# has no deadline, since a loaded CI machine must not turn slowness into failures.
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# "mutate" is for mutation runs (nox -s mutate), which run the tests once for each of some
# 1900 mutants and need only whether a test fails: fewer examples, and no shrinking of a
# failing example nor explanation of it, which can take minutes and would turn a killed
# mutant into a timeout.
settings.register_profile(
    "mutate",
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)


def pytest_assertrepr_compare(op: str, left: Any, right: Any) -> list[str] | None:
    """Show both sides of a failed comparison of Quantities with their units."""
    if hasattr(left, "units") or hasattr(right, "units"):
        return [f"{left!r} {op} {right!r}", f"  left:  {left}", f"  right: {right}"]
    return None
