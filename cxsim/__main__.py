"""``python -m cxsim``: the same as the ``cxsim`` command.

Python puts the current folder first on the module path for ``python -m``; it is
dropped here, so that a scenario's import path finds the same modules as the ``cxsim``
command does (installed packages and ``PYTHONPATH``), never a stray file in the folder
the command happens to run from.
"""

import os
import sys

if __name__ == "__main__":
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]

    from cxsim.app.cli import main

    sys.exit(main())
