"""Runs one Crossbar.io node for a test process and stops it when that process goes away.

Usage: router_guard.py CROSSBAR_EXECUTABLE CBDIR

The node logs to CBDIR/node.log. The test process holds this script's stdin open: at end of
file (the test process exited, however it exited) the node gets SIGTERM and CBDIR is removed.
When the node exits on its own, this script exits with the node's status and leaves CBDIR,
so the test process can show the log.

Fault tests also write commands to stdin, one a line, each acknowledged on stdout:
- `kill`: SIGKILL to the node's whole process group (controller and router worker), as a
  crash would; answers `killed` once every process of it is gone.
- `start`: starts the node again, on the same ports; answers `started` (the test waits for
  the ports itself).
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time


def start_node(crossbar: str, cbdir: str) -> subprocess.Popen:
    with open(f"{cbdir}/node.log", "ab") as log:
        # A session of its own, so that `kill` reaches the worker processes too.
        return subprocess.Popen(
            [crossbar, "start", "--cbdir", cbdir],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def main() -> int:
    crossbar, cbdir = sys.argv[1], sys.argv[2]
    # Re-entrant: a signal handler may run while the main thread holds it.
    lock = threading.RLock()
    node = {"process": start_node(crossbar, cbdir), "killed": False}
    stopped_by_us = threading.Event()

    def stop_node(*_signal_args) -> None:
        stopped_by_us.set()
        with lock:
            if node["process"].poll() is None:
                node["process"].send_signal(signal.SIGTERM)

    def kill_node() -> None:
        process = node["process"]
        node["killed"] = True
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        # The workers of the group are gone when their group has no process left.
        while True:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)

    def follow_commands() -> None:
        for line in sys.stdin:
            command = line.strip()
            with lock:
                if command == "kill":
                    kill_node()
                    answer = "killed"
                elif command == "start":
                    node["process"] = start_node(crossbar, cbdir)
                    node["killed"] = False
                    answer = "started"
                else:
                    answer = f"unknown command {command!r}"
            print(answer, flush=True)
        stop_node()

    # A signal meant for the test run (Ctrl-C, a timeout) stops the node too.
    for signal_number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signal_number, stop_node)
    threading.Thread(target=follow_commands, daemon=True).start()
    try:
        while True:
            with lock:
                process, killed = node["process"], node["killed"]
                status = process.poll()
            if status is not None and (stopped_by_us.is_set() or not killed):
                break
            time.sleep(0.1)
    finally:
        with lock:
            process = node["process"]
            if process.poll() is None:
                process.kill()
    if stopped_by_us.is_set():
        shutil.rmtree(cbdir, ignore_errors=True)
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
