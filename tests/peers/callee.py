"""An Autobahn|Python callee for the interop tests.

Usage: callee.py URL REALM SERIALIZER PREFIX

Registers PREFIX.echo (returns its args and kwargs), PREFIX.types (the Python type names of
its args and kwargs), PREFIX.fail (raises an ApplicationError) and PREFIX.count (three
progressive results, then a final one). Prints READY once registered, and exits when stdin
reaches end of file.
"""

import sys

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallResult, RegisterOptions

from interop_data import run_peer, serve_until_stdin_ends

url, realm, serializer, prefix = sys.argv[1:5]


async def main(reactor, session):
    def echo(*args, **kwargs):
        return CallResult(*args, **kwargs)

    def types(*args, **kwargs):
        return CallResult(
            [type(arg).__name__ for arg in args],
            **{key: type(value).__name__ for key, value in kwargs.items()},
        )

    def fail(*args, **kwargs):
        raise ApplicationError("com.example.error.interop", "python says no", *args, **kwargs)

    async def count(*args, details=None, **kwargs):
        if details is not None and details.progress:
            for step in (1, 2, 3):
                details.progress(step, step=step)
        return CallResult("done", total=3)

    await session.register(echo, f"{prefix}.echo")
    await session.register(types, f"{prefix}.types")
    await session.register(fail, f"{prefix}.fail")
    await session.register(count, f"{prefix}.count", options=RegisterOptions(details=True))
    await serve_until_stdin_ends()


if __name__ == "__main__":
    run_peer(url, realm, serializer, main)
