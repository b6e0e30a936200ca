"""`python -m dq_core.room [--code CODE] [--port N] …`: the training room (see dq_core.room.cli)."""

import sys

from dq_core.room.cli import main

sys.exit(main(sys.argv[1:]))
