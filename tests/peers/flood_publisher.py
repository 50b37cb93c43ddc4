"""An Autobahn|Python publisher that publishes as fast as it can, to flood a slow subscriber.

Usage: flood_publisher.py URL REALM SERIALIZER TOPIC SECONDS

Publishes events whose single positional arg is a sequence number (0, 1, 2, ...) and whose
kwarg `pad` is 200 bytes, for SECONDS, then prints `published <count>` and exits. Every
hundredth publication is acknowledged and waited for, so that the publisher goes as fast as the
router takes its events, and not faster into its own write buffer.
"""

import os
import sys
import time

from autobahn.asyncio.component import Component, run
from autobahn.wamp.types import PublishOptions

from interop_data import transport

url, realm, serializer, topic, seconds = sys.argv[1:6]
PAD = "x" * 200


async def main(reactor, session):
    deadline = time.monotonic() + float(seconds)
    sequence = 0
    while time.monotonic() < deadline:
        for _ in range(99):
            session.publish(topic, sequence, pad=PAD)
            sequence += 1
        await session.publish(topic, sequence, pad=PAD, options=PublishOptions(acknowledge=True))
        sequence += 1
    print(f"published {sequence}", flush=True)
    # Exit at once: after leaving over RawSocket, Autobahn's Component reconnects instead of finishing.
    os._exit(0)


component = Component(transports=[transport(url, serializer)], realm=realm, main=main)


if __name__ == "__main__":
    run([component], log_level="warn")
