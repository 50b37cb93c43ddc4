"""An Autobahn|Python caller of a shop generated from tests/data/e2e/stubs.fbs: reads its
stream of results with `on_progress` and its declared error as an ApplicationError.

Usage: shop_caller.py URL REALM SERIALIZER PREFIX

Calls PREFIX.pick and PREFIX.reserve (see runtime/tests/it/crossbar_stubs.rs), prints one line per
check (`ok <what>` or `FAILED <what>: <why>`) and exits with 0 when all passed.
"""

import sys

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallOptions

from interop_data import Checks, run_peer

url, realm, serializer, prefix = sys.argv[1:5]
checks = Checks()
check = checks.check


def order(lines):
    """An order's positional args: customer, priority, lines, note, total."""
    return ["Ada", 2, [{"sku": sku, "quantity": quantity} for sku, quantity in lines], b"", 0]


async def pick(session, lines):
    """Picks an order of `lines`: the progressive results (args, kwargs), then the final
    result or the error."""
    progress = []
    options = CallOptions(on_progress=lambda *args, **kwargs: progress.append((list(args), kwargs)))
    try:
        final = await session.call(f"{prefix}.pick", *order(lines), options=options)
    except ApplicationError as error:
        return progress, (error.error, list(error.args), error.kwargs)
    return progress, final


def picked(lines):
    """What a line of `lines` arrives as: its positional args."""
    return [([sku, quantity], {}) for sku, quantity in lines]


async def main(reactor, session):
    try:
        wanted = [("tea", 1), ("scone", 12), ("tea", 5), ("scone", 1)]
        progress, final = await pick(session, wanted)
        check("every line a progressive result, in order", progress, picked(wanted))
        # The Rust callee ends its stream with an empty RESULT, which Autobahn gives as None.
        check("an empty final result", final, None)

        progress, error = await pick(session, [("tea", 2), ("scone", 3), ("tea", 9), ("scone", 1)])
        check("the lines before the one out of stock", progress, picked([("tea", 2), ("scone", 3)]))
        check("the declared error", error, ("com.example.e2e.error.out_of_stock", ["tea"], {"available": 5}))

        reserved = await session.call(f"{prefix}.reserve", "tea", 5)
        check("reserve", list(reserved.results), ["tea", 5])
        try:
            await session.call(f"{prefix}.reserve", "tea", 6)
            check("reserve more than the shelf holds", "no error", "ApplicationError")
        except ApplicationError as error:
            check(
                "reserve more than the shelf holds",
                (error.error, list(error.args), error.kwargs),
                ("com.example.e2e.error.out_of_stock", ["tea"], {"available": 5}),
            )
    except Exception as error:
        checks.unexpected(error)
    checks.exit()


if __name__ == "__main__":
    run_peer(url, realm, serializer, main)
