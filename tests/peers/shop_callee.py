"""An Autobahn|Python shop that declares errors and streams its results, for a caller generated
from tests/data/e2e/stubs.fbs (runtime/tests/it/crossbar_stubs.rs).

Usage: shop_callee.py URL REALM SERIALIZER PREFIX

Registers PREFIX.reserve and PREFIX.pick on the shelves the Rust shop keeps (`on_shelf` in
runtime/tests/it/shop.rs): a line the shelf cannot fill raises the declared error URI with the
table `OutOfStock` as args and kwargs, a product not sold an undeclared error. `pick` sends every
line but the last as a progressive result and answers the last as its final result, as the WAMP
spec's examples do; an order without lines is answered with `None` (`[null]`). Prints READY once
registered, and exits when stdin reaches end of file.
"""

import sys

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import CallResult, RegisterOptions

from interop_data import run_peer, serve_until_stdin_ends

url, realm, serializer, prefix = sys.argv[1:5]

ON_SHELF = {"tea": 5, "scone": 12}


def fill(sku, quantity=1):
    """The line as its positional args `[sku, quantity]`, once the shelf is found to hold it."""
    if sku not in ON_SHELF:
        raise ApplicationError("com.example.e2e.error.no_such_product", f"no product {sku}")
    if quantity > ON_SHELF[sku]:
        raise ApplicationError("com.example.e2e.error.out_of_stock", sku, available=ON_SHELF[sku])
    return [sku, quantity]


async def main(reactor, session):
    def reserve(sku, quantity=1):
        return CallResult(*fill(sku, quantity))

    def pick(customer, priority, lines, note, total, details=None):
        for index, line in enumerate(lines):
            # A line of an order is a dict; a line on its own travels as positional args.
            filled = fill(line["sku"], line.get("quantity", 1))
            if index == len(lines) - 1:
                return CallResult(*filled)
            details.progress(*filled)
        return None

    await session.register(reserve, f"{prefix}.reserve")
    await session.register(pick, f"{prefix}.pick", options=RegisterOptions(details=True))
    await serve_until_stdin_ends()


if __name__ == "__main__":
    run_peer(url, realm, serializer, main)
