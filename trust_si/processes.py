"""Stopping a child process (a test's server or worker, a benchmark's gunicorn) politely first.

SIGTERM lets gunicorn and Celery finish the request or task in hand and exit; a process that
has not gone within `timeout` seconds is killed (and reaped, so no zombie outlives the caller).
"""

from __future__ import annotations

import subprocess


def process_stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
