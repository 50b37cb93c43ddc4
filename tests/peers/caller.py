"""An Autobahn|Python caller for the interop tests: calls a Rust callee and checks its answers.

Usage: caller.py URL REALM SERIALIZER PREFIX

Calls PREFIX.echo, PREFIX.fail and PREFIX.count (see runtime/tests/it/interop_autobahn.rs), prints
one line per check (`ok <what>` or `FAILED <what>: <why>`) and exits with 0 when all passed.
"""

import sys

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallOptions

from interop_data import ARGS, KWARGS, Checks, run_peer

url, realm, serializer, prefix = sys.argv[1:5]
checks = Checks()
check = checks.check


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
        checks.unexpected(error)
    checks.exit()


if __name__ == "__main__":
    run_peer(url, realm, serializer, main)
