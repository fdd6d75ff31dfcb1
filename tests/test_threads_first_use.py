"""First use from many threads: importing mesocalc, numpy, pint and shapely, and planning.

Each run is a fresh interpreter (first use happens once per process) that switches
threads as often as it can and releases 64 threads at once on a barrier: some import
mesocalc and plan from strings, lists or a loss fraction, some read Quantity results
(importing pint on the way) and plan again from them, some lay plans on shapes or
plan a data frame. In each scenario other threads import what a user's own code
imports at the same moment: pint, numpy (and its submodules), shapely or pandas, or
mesocalc was imported before the threads start. Before the engine imported numpy,
pint, shapely and pandas under one lock, numpy first, a thread reading pint while
another imported it failed in every run, and a numpy-built extension imported while
numpy was half-imported could hand out a partly initialised numpy.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# Fresh interpreters per scenario, and how many of them run at once.
RUNS = 2
AT_ONCE = 4
THREADS = 64
SCENARIOS = ("plans", "pint", "numpy", "shapely", "pandas", "imported")

SCRIPT = textwrap.dedent(
    """
    import sys
    import threading
    import traceback

    sys.setswitchinterval(1e-6)
    THREADS = int(sys.argv[1])
    SCENARIO = sys.argv[2]
    if SCENARIO == "imported":
        import mesocalc
    barrier = threading.Barrier(THREADS)
    failures = []


    def user(name):
        if name == "numpy":
            import numpy.linalg

            numpy.linalg.norm(numpy.ones(3))
        elif name == "shapely":
            import shapely

            shapely.box(0, 0, 1, 1).area
        elif name == "pandas":
            import pandas

            pandas.DataFrame({"a": [1]})
        else:
            import pint

            pint.Quantity


    def read(p):
        for name in ("total_volume", "expected_loss", "delivered_volume"):
            getattr(p, name).to("uL")


    def work(i):
        try:
            barrier.wait()
            if i % 8 in (1, 5) and i != 5 and SCENARIO in ("pint", "numpy", "shapely", "pandas"):
                user(SCENARIO)  # what the user's own code imports, among mesocalc's threads
                return
            import mesocalc

            kind = i % 8
            face = {"technique": "classic", "zone": "face"}
            if kind == 0:
                first = mesocalc.plan(**face, area="40 cm^2", spacing="7 mm")
                read(mesocalc.plan(**face, area=first.area, spacing=first.spacing))
            elif kind == 1:
                mesocalc.plan(**face, area="40 cm^2", loss_fraction=0.1).points
            elif kind == 2:
                mesocalc.plan(**face, area=["4 cm^2", "40 cm^2"]).points.sum()
            elif kind == 3:
                read(mesocalc.plan(**face, area=["4 cm^2", "40 cm^2"], loss_fraction="20 %"))
            elif kind == 4:
                plans = mesocalc.plan(**face, area=["4 cm^2", "9 cm^2"])
                assert isinstance(plans, mesocalc.PlanArray)
                read(mesocalc.plan(**face, area=plans.area, depth=plans.depth))
            elif i == 5:  # one thread imports pint as a user would, among mesocalc's
                import pint

                pint.Quantity
            elif kind == 6:
                shape = mesocalc.Rectangle("3 cm", "2 cm")
                read(mesocalc.plan(**face, area=shape, spacing="7 mm"))
            elif kind == 7 and i % 16 == 7:
                import pandas as pd

                rows = pd.DataFrame({"technique": ["classic"], "zone": ["face"]})
                mesocalc.plan_frame(rows.assign(area=["40 cm^2"]))
            else:
                read(mesocalc.plan(technique="nappage", zone="face", area="10 cm^2"))
        except BaseException:
            failures.append(traceback.format_exc())


    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit(f"{len(failures)} of {THREADS} threads failed; the first:\\n{failures[0]}")
    """
)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_first_use_from_many_threads_in_fresh_interpreters(scenario: str) -> None:
    results = []
    for start in range(0, RUNS, AT_ONCE):
        batch = [
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, str(THREADS), scenario],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(min(AT_ONCE, RUNS - start))
        ]
        for p in batch:
            _, err = p.communicate(timeout=120)
            results.append((p.returncode, err))
    failed = [err for code, err in results if code != 0 or "Traceback" in err]
    assert not failed, f"{len(failed)} of {RUNS} runs failed; the first:\n{failed[0]}"
