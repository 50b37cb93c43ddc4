"""An Autobahn|Python caller that sends a callee generated from tests/data/e2e/stubs.fbs what
foreign peers send (extension values, JavaScript's `undefined`, CBOR tags, integers beyond
128 bits, `null` args), interleaved with good calls, round after round, and prints how each
call was answered.

Usage: foreign_caller.py URL REALM SERIALIZER PREFIX ROUNDS

Prints one line per call: `answer <case>: <error URI> <error args> <error kwargs>`, or
`answer <case>: accepted <result>` when the callee took it. The Rust test
(runtime/tests/it/crossbar_stubs.rs) compares the lines.
"""

import os
import sys

import cbor2
import msgpack
from autobahn.asyncio.component import Component, run
from autobahn.wamp import message

from interop_data import print_answers, transport

url, realm, serializer, prefix, rounds = sys.argv[1:6]

# Args that go out as `null` in the CALL, as fox-wamp sends them.
NULL_ARGS = "null args"
_marshal_call = message.Call.marshal


def _marshal_call_with_null_args(call):
    raw = _marshal_call(call)
    if len(raw) > 4 and isinstance(raw[4], (list, tuple)) and list(raw[4]) == [NULL_ARGS]:
        raw[4] = None
    return raw


message.Call.marshal = _marshal_call_with_null_args


def order(total=3, sku="tea"):
    return ["ada", 2, [{"sku": sku}], b"\x00", total]


# What stands for JavaScript's `undefined` in each serializer: JSON has none, and
# `JSON.stringify` writes `null`.
UNDEFINED = {"json": None, "msgpack": msgpack.ExtType(0, b"\x00"), "cbor": cbor2.undefined}[serializer]

# (case, procedure, args, kwargs)
CALLS = [
    ("good", "place", order(), {}),
    ("undefined", "search", ["tea"], {"limit": UNDEFINED}),
    ("null args", "search", [NULL_ARGS], {"limit": 3}),
]
CALLS += {
    "json": [
        ("integer beyond 128 bits", "place", order(total=2**200), {}),
    ],
    "msgpack": [
        ("timestamp", "search", ["tea"], {"limit": msgpack.Timestamp(1_700_000_000)}),
        ("extension", "place", order(sku=msgpack.ExtType(5, b"x")), {}),
    ],
    "cbor": [
        ("tag", "place", order(sku=cbor2.CBORTag(258, ["tea"])), {}),
        ("date", "search", ["tea"], {"limit": cbor2.CBORTag(1, 1_700_000_000)}),
        ("simple value", "search", ["tea"], {"limit": cbor2.CBORSimpleValue(16)}),
        ("bignum beyond 128 bits", "place", order(total=2**200), {}),
    ],
}[serializer]


async def main(reactor, session):
    status = await print_answers(session, prefix, CALLS * int(rounds))
    # Exit at once: after leaving over RawSocket, Autobahn's Component reconnects instead of finishing.
    os._exit(status)


component = Component(transports=[transport(url, serializer)], realm=realm, main=main)


if __name__ == "__main__":
    run([component], log_level="warn")
