"""`python -m incidents COMMAND`: the command line lives in `incidents.cli`, one module a command."""

import os
import sys

from incidents.cli import main

if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # A reader such as `head` closed the pipe: stop quietly as Unix tools do, with 141 (128 + SIGPIPE).
        # stdout is pointed at devnull so the interpreter's final flush does not raise again (Python docs' recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 141
    sys.exit(status)
