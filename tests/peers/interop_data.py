"""What the Autobahn|Python interop peers send and expect (runtime/tests/it/interop_autobahn.rs
holds the same values on the Rust side), and how a peer joins, serves and reports its checks."""

import asyncio
import os
import sys

ARGS = [
    None,
    True,
    0,
    -1,
    1000,
    2**53,
    -(2**53),
    2**32,
    1.5,
    -0.25,
    "",
    "ünïcödé ✓",
    b"",
    bytes(range(256)),
    [1, "two", None, False, [b"\x07", {"deep": -3}]],
    {"list": [1, "two"], "bytes": b"\x00\x01\x02\xfe\xff", "empty_list": [], "empty_dict": {}},
]

KWARGS = {
    "name": "rust",
    "count": 42,
    "blob": b"\xde\xad\xbe\xef",
    "nested": {"ids": [1, 2, 3], "flags": {"on": True, "off": False}},
}

# The Python type of each positional arg as a callee sees it.
ARG_TYPES = [type(arg).__name__ for arg in ARGS]


def transport(url: str, serializer: str) -> dict:
    """An autobahn Component transport for a ws:// or rs:// URL and one serializer."""
    if url.startswith("rs://"):
        return {"type": "rawsocket", "url": url, "serializer": serializer, "max_retries": 0}
    return {"type": "websocket", "url": url, "serializers": [serializer], "max_retries": 0}


def run_peer(url: str, realm: str, serializer: str, main) -> None:
    """Joins `realm` at `url` with `serializer` and runs `main(reactor, session)`."""
    from autobahn.asyncio.component import Component, run

    run([Component(transports=[transport(url, serializer)], realm=realm, main=main)], log_level="warn")


async def serve_until_stdin_ends() -> None:
    """Prints READY, serves until the test closes stdin, then exits at once: after leaving over
    RawSocket, Autobahn's Component reconnects instead of finishing."""
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    os._exit(0)


class Checks:
    """A caller's checks, printed one line each: `ok <what>` or `FAILED <what>: <why>`."""

    def __init__(self):
        self.failures = []

    def check(self, what, actual, expected):
        if actual == expected:
            print(f"ok {what}", flush=True)
        else:
            self.failures.append(what)
            print(f"FAILED {what}: got {actual!r}, expected {expected!r}", flush=True)

    def unexpected(self, error):
        self.failures.append(repr(error))
        print(f"FAILED unexpected error: {error!r}", flush=True)

    def exit(self):
        """Exits at once, with 0 when every check passed: after leaving over RawSocket,
        Autobahn's Component reconnects instead of finishing."""
        os._exit(1 if self.failures else 0)


async def print_answers(session, prefix: str, calls: list) -> int:
    """Makes each call `(case, procedure, args, kwargs)` of `calls` under `prefix` and prints
    how it was answered, one line each: `answer <case>: <error URI> <error args> <error kwargs>`,
    or `answer <case>: accepted <result>`. Returns the exit status: 1 if a call failed otherwise
    than with a WAMP error."""
    from autobahn.wamp.exception import ApplicationError

    status = 0
    for case, procedure, args, kwargs in calls:
        try:
            result = await session.call(f"{prefix}.{procedure}", *args, **kwargs)
            print(f"answer {case}: accepted {result!r}", flush=True)
        except ApplicationError as error:
            print(f"answer {case}: {error.error} {list(error.args)!r} {error.kwargs!r}", flush=True)
        except Exception as error:
            status = 1
            print(f"answer {case}: unexpected {error!r}", flush=True)
    return status
