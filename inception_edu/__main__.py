"""``python -m inception_edu``: see :mod:`inception_edu.cli`."""

import sys

from inception_edu.cli import main

sys.exit(main())
