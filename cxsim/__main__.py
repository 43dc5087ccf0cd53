"""``python -m cxsim``: the same as the ``cxsim`` command."""

import sys

from cxsim.cli import main

sys.exit(main())
