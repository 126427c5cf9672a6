"""`python -m incidents COMMAND`: the command line lives in `incidents.cli`, one module a command."""

import sys

from incidents.cli import main

if __name__ == "__main__":
    sys.exit(main())
