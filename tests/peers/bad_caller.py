"""An Autobahn|Python caller that sends payloads breaking the schema to a callee generated
from tests/data/e2e/stubs.fbs, and prints how each was answered.

Usage: bad_caller.py URL REALM SERIALIZER PREFIX

Calls PREFIX.place and PREFIX.search (see runtime/tests/it/crossbar_stubs.rs) with bad payloads and
prints one line per call: `answer <case>: <error URI> <error args> <error kwargs>`, or
`answer <case>: accepted <result>` when the callee took it. The Rust test compares the lines.
"""

import os
import sys

from autobahn.asyncio.component import Component, run

from interop_data import print_answers, transport

url, realm, serializer, prefix = sys.argv[1:5]

# (case, procedure, args, kwargs); a valid order is ("ada", 2, [{"sku": "tea"}], b"\x00", 3).
BAD_CALLS = [
    ("missing positional", "place", ["ada", 2, [{"sku": "tea"}], b"\x00"], {}),
    ("extra positional", "place", ["ada", 2, [{"sku": "tea"}], b"\x00", 3, "surplus"], {}),
    ("unknown kwarg", "search", ["tea"], {"limits": 3}),
    ("wrong type", "place", ["ada", 2, [{"sku": "tea"}], b"\x00", "three"], {}),
    ("wrong type in a nested table", "place", ["ada", 2, [{"sku": 5}], b"\x00", 3], {}),
    ("wrong type of a kwarg", "search", ["tea"], {"limit": "ten"}),
    ("unknown enum value", "search", ["tea"], {"priority": 9}),
]


async def main(reactor, session):
    status = await print_answers(session, prefix, BAD_CALLS)
    # Exit at once: after leaving over RawSocket, Autobahn's Component reconnects instead of finishing.
    os._exit(status)


component = Component(transports=[transport(url, serializer)], realm=realm, main=main)


if __name__ == "__main__":
    run([component], log_level="warn")
