"""``python -m mesocalc``: the command-line interface."""

import sys

from mesocalc._cli import main

sys.exit(main())
