"""An Autobahn|Python caller for the interop tests: calls a Rust callee and checks its answers.

Usage: caller.py URL REALM SERIALIZER PREFIX

Calls PREFIX.echo, PREFIX.fail and PREFIX.count (see runtime/tests/it/interop_autobahn.rs), prints
one line per check (`ok <what>` or `FAILED <what>: <why>`) and exits with 0 when all passed.
"""

import os
import sys

from autobahn.asyncio.component import Component, run
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallOptions

from interop_data import ARGS, KWARGS, transport

url, realm, serializer, prefix = sys.argv[1:5]
failures = []


def check(what, actual, expected):
    if actual == expected:
        print(f"ok {what}", flush=True)
    else:
        failures.append(what)
        print(f"FAILED {what}: got {actual!r}, expected {expected!r}", flush=True)


async def main(reactor, session):
    try:
        echoed = await session.call(f"{prefix}.echo", *ARGS, **KWARGS)
        check("echo args", list(echoed.results), ARGS)
        check("echo kwargs", echoed.kwresults, KWARGS)

        single = await session.call(f"{prefix}.echo", b"\x00bytes")
        check("echo of one value", single, b"\x00bytes")

        try:
            await session.call(f"{prefix}.fail", 7)
            check("fail raises", "no error", "ApplicationError")
        except ApplicationError as error:
            check("fail error uri", error.error, "com.example.error.rust")
            check("fail error args", list(error.args), ["rust says no", 7])
            check("fail error kwargs", error.kwargs, {"blob": b"\x01\x02"})

        progress = []
        final = await session.call(
            f"{prefix}.count", options=CallOptions(on_progress=lambda *args, **kwargs: progress.append(args))
        )
        check("progressive results", progress, [(1,), (2,), (3,)])
        check("final result after progress", final, "done")
    except Exception as error:
        failures.append(repr(error))
        print(f"FAILED unexpected error: {error!r}", flush=True)
    # Exit at once: after leaving over RawSocket, Autobahn's Component reconnects instead of finishing.
    os._exit(1 if failures else 0)


component = Component(transports=[transport(url, serializer)], realm=realm, main=main)


if __name__ == "__main__":
    run([component], log_level="warn")
