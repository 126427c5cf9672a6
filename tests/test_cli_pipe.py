"""The command line under a reader that stops early (`… | head -1`): a quiet stop with status 141, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Commands whose output is far larger than a pipe's buffer, so the writer meets the closed pipe mid-stream.
LONG_OUTPUTS = [("schema",)]


@pytest.mark.parametrize("argv", LONG_OUTPUTS)
def test_closed_pipe_stops_quietly(argv: tuple[str, ...]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "incidents", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as `head -1` does
    err = proc.stderr.read().decode()
    status = proc.wait(timeout=60)
    assert first.strip(), "the command printed nothing before the pipe closed"
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert status == 141
