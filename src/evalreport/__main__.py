"""`python -m evalreport`: the same command line as `evalreport`."""

import sys

from evalreport.cli import main

sys.exit(main())
