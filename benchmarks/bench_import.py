"""What `import mesocalc` costs beyond its dependencies, in fresh interpreters.

Run ``nox -s bench`` (or ``python benchmarks/bench_import.py``). Each round starts
one interpreter that imports only the runtime dependency ``import mesocalc`` loads
(attrs: numpy and pint wait for their first use) and one that imports mesocalc, in
alternation; the medians are compared, so that the figure is mesocalc's own modules.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import timeit

DEPENDENCIES = "import attrs"
MESOCALC = "import mesocalc"


def _run(code: str) -> float:
    t0 = timeit.default_timer()
    subprocess.run([sys.executable, "-c", code], check=True)
    return timeit.default_timer() - t0


def main(rounds: int = 31) -> int:
    deps: list[float] = []
    ours: list[float] = []
    for i in range(rounds + 1):
        d, m = _run(DEPENDENCIES), _run(MESOCALC)
        if i:  # the first round only warms the file cache
            deps.append(d)
            ours.append(m)
    d, m = statistics.median(deps), statistics.median(ours)
    print(
        f"import mesocalc {m * 1e3:.1f} ms; its dependencies alone {d * 1e3:.1f} ms; "
        f"mesocalc's own modules {(m - d) * 1e3:.1f} ms ({m / d:.3f}x the dependencies)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
