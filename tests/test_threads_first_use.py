"""First use from many threads: importing mesocalc and pint and building pint's registry.

Each run is a fresh interpreter (first use happens once per process) that switches
threads as often as it can and releases 64 threads at once on a barrier: some import
mesocalc and plan from strings, lists or a loss fraction, some read Quantity results
(importing pint on the way) and plan again from them, one imports pint itself. Before
the fix, a thread reading pint while another imported it failed in every run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Fresh interpreters per test run, and how many of them run at once.
RUNS = 12
AT_ONCE = 4
THREADS = 64

SCRIPT = textwrap.dedent(
    """
    import sys
    import threading
    import traceback

    sys.setswitchinterval(1e-6)
    THREADS = int(sys.argv[1])
    barrier = threading.Barrier(THREADS)
    failures = []


    def read(p):
        for name in ("total_volume", "expected_loss", "delivered_volume"):
            getattr(p, name).to("uL")


    def work(i):
        try:
            barrier.wait()
            import mesocalc

            kind = i % 6
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


def test_first_use_from_many_threads_in_fresh_interpreters() -> None:
    results = []
    for start in range(0, RUNS, AT_ONCE):
        batch = [
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT, str(THREADS)],
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
