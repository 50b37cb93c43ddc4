"""Runs the router of xconn 0.5.1 for a test process, and stops when that process goes away.

Usage: xconn_router.py PORT UNIX_SOCKET

Serves realm `realm1` with xconn's own `Router` and `Server`, as its README starts them:
WebSocket at ws://127.0.0.1:PORT/ws and at the unix domain socket UNIX_SOCKET (path `/`).
Prints READY once both listen. The test process holds this script's stdin open: at end of
file (the test process exited, however it exited) the router stops, removing the socket and,
when nothing else is left in it, the socket's directory.
"""

import asyncio
import contextlib
import os
import sys

from xconn.router import Router
from xconn.server import Server


async def main() -> None:
    port, unix_socket = int(sys.argv[1]), sys.argv[2]
    router = Router()
    router.add_realm("realm1")
    server = Server(router)
    await server.start("127.0.0.1", port)
    await server.start_unix_server(unix_socket)
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
    with contextlib.suppress(OSError):
        os.unlink(unix_socket)
        os.rmdir(os.path.dirname(unix_socket))


if __name__ == "__main__":
    asyncio.run(main())
