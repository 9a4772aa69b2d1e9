"""``python -m alliance_data``: the same command line as ``alliance-data``."""

import sys

from .cli import main

sys.exit(main())
