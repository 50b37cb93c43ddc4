"""Runs one Crossbar.io node for a test process and stops it when that process goes away.

Usage: router_guard.py CROSSBAR_EXECUTABLE CBDIR

The node logs to CBDIR/node.log. The test process holds this script's stdin open: at end of
file (the test process exited, however it exited) the node gets SIGTERM and CBDIR is removed.
When the node exits on its own, this script exits with the node's status and leaves CBDIR,
so the test process can show the log.
"""

import shutil
import signal
import subprocess
import sys
import threading


def main() -> int:
    crossbar, cbdir = sys.argv[1], sys.argv[2]
    with open(f"{cbdir}/node.log", "wb") as log:
        node = subprocess.Popen(
            [crossbar, "start", "--cbdir", cbdir],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    stopped_by_us = threading.Event()

    def stop_node(*_signal_args) -> None:
        stopped_by_us.set()
        node.send_signal(signal.SIGTERM)

    def stop_when_test_process_leaves() -> None:
        sys.stdin.buffer.read()
        stop_node()

    # A signal meant for the test run (Ctrl-C, a timeout) stops the node too.
    for signal_number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signal_number, stop_node)
    threading.Thread(target=stop_when_test_process_leaves, daemon=True).start()
    try:
        status = node.wait()
    finally:
        if node.poll() is None:
            node.kill()
    if stopped_by_us.is_set():
        shutil.rmtree(cbdir, ignore_errors=True)
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
