"""``python -m mesocalc``: the command-line interface."""

import os
import sys

from mesocalc._cli import main

try:
    status = main()
    sys.stdout.flush()
except BrokenPipeError:
    # The reader went away (``| head``): that is not an error of the plan.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    status = 0
sys.exit(status)
