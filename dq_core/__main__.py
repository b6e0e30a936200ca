"""Entry point of `python -m dq_core`."""

import sys

from dq_core.cli import main

sys.exit(main())
