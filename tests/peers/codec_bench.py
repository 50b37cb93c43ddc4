"""The Autobahn|Python side of the codec benchmark (runtime/benches/codec.rs), run on the same
machine so that the Rust figures have a reference measured beside them.

Usage: codec_bench.py [--criterion DIR] [--facts FILE] [SERIALIZER,...] [SIZE,...]
(default: every serializer and size)

Measures EVENT messages whose single positional arg is the telemetry dict of Autobahn's
serialization benchmark, at its sizes (empty, small, medium, large, xl, xxl), built from the
payload files the Rust benchmark reads (tests/data/serialization). Serializing empties the
message's cache first (`uncache()`), since Autobahn keeps a message's serialization once made;
unserializing
parses the bytes into a message, as a session does with what it receives. Times are this
process's CPU time (time.process_time(), which is CLOCK_PROCESS_CPUTIME_ID), the median of
three rounds of about a quarter of a second each.

Prints one JSON line per cell and a Markdown table of thousand messages per second, serialize /
unserialize. With --criterion (the `target/criterion` folder of a run of
`cargo bench -p wamp-idl-runtime --bench codec -- /event/`), it then prints the Rust figures of
that run beside them, encode / decode, each with its ratio to Autobahn's figure measured here
and, when --facts names ../shared/wamp-idl-facts.md (the default, if it is there), to the figure
of its section 6, and counts the cells at 20x and more.
"""

import argparse
import json
import re
import os
import pathlib
import statistics
import sys
import time

import txaio

txaio.use_asyncio()

from autobahn.wamp import message  # noqa: E402  (txaio must choose its framework first)
from autobahn.wamp.serializer import create_transport_serializer  # noqa: E402

SERIALIZERS = ["json", "msgpack", "cbor", "ubjson"]
SIZES = ["empty", "small", "medium", "large", "xl", "xxl"]
DATA = pathlib.Path(__file__).resolve().parent.parent / "data" / "serialization"


def load(name):
    return json.loads((DATA / f"{name}.json").read_text())


SMALL, DATA1, DATA23 = load("small"), load("data1"), load("data23")


def args(size):
    if size == "empty":
        return [None]
    telemetry = dict(SMALL)
    if size in ("medium", "large"):
        telemetry.update(DATA1)
    if size == "large":
        telemetry.update(DATA23)
    if size == "xl":
        telemetry["frame"] = os.urandom(16 * 1024)
    if size == "xxl":
        telemetry["frame"] = os.urandom(128 * 1024)
    return [telemetry]


def event(payload):
    return message.Event(5_512_315_355_012_034, 4_429_313_566_823_941, args=payload)


def per_second(run):
    """Messages per second of `run(count)`, which returns the CPU time the count took: the
    median of three rounds of about a quarter of a second."""
    batch = 16
    while (took := run(batch)) < 0.05:
        batch *= 4
    batch = max(batch, int(batch * 0.25 / took))
    return statistics.median(batch / run(batch) for _ in range(3))


def measure(serializer_name, size):
    serializer = create_transport_serializer(serializer_name)
    payload = args(size)
    data, is_binary = serializer.serialize(event(payload))

    def serialize(count):
        each = event(payload)
        started = time.process_time()
        for _ in range(count):
            each.uncache()
            serializer.serialize(each)
        return time.process_time() - started

    def unserialize(count):
        started = time.process_time()
        for _ in range(count):
            serializer.unserialize(data, is_binary)
        return time.process_time() - started

    return per_second(serialize), per_second(unserialize)


def rust_figures(criterion, serializers, sizes):
    """Messages per second of each EVENT cell of a criterion run, encode and decode."""
    figures = {}
    for serializer in serializers:
        for size in sizes:
            pair = []
            for operation in ("encode", "decode"):
                path = criterion / f"{serializer}_event" / operation / size / "new" / "estimates.json"
                if not path.exists():
                    sys.exit(f"no figure for {serializer}/event/{operation}/{size}: {path} is missing")
                estimates = json.loads(path.read_text())
                # What criterion prints: the slope of its linear sampling, else the mean.
                nanoseconds = (estimates.get("slope") or estimates["mean"])["point_estimate"]
                pair.append(1e9 / nanoseconds)
            figures[serializer, size] = tuple(pair)
    return figures


def facts_figures(path):
    """The Autobahn figures of section 6 of the facts, thousand per second, as messages per second."""
    figures = {}
    lines = path.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| size | json | msgpack"))
    columns = [cell.strip() for cell in lines[header].strip("|").split("|")][1:]
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        for serializer, cell in zip(columns, cells[1:]):
            numbers = [float(number) * 1e3 for number in re.findall(r"[0-9.]+", cell)]
            figures[serializer, cells[0]] = tuple(numbers)
    return figures


def ratio_table(serializers, sizes, rust, references):
    """Rust figures with their ratios to each reference; the cells at 20x and more in bold."""
    print("| size | " + " | ".join(serializers) + " |")
    print("|---|" + "---|" * len(serializers))
    met = {name: 0 for name in references}
    for size in sizes:
        row = []
        for serializer in serializers:
            halves = []
            for operation in range(2):
                ratios = []
                for name, reference in references.items():
                    ratio = rust[serializer, size][operation] / reference[serializer, size][operation]
                    met[name] += ratio >= 20
                    ratios.append(f"{ratio:.0f}x")
                figure = f"{rust[serializer, size][operation] / 1e3:,.0f}".replace(",", " ")
                halves.append(f"{figure} ({', '.join(ratios)})")
            row.append(" / ".join(halves))
        print(f"| {size} | " + " | ".join(row) + " |")
    cells = 2 * len(serializers) * len(sizes)
    for name, count in met.items():
        print(f"at 20x or more against {name}: {count} of {cells} cells")


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", type=pathlib.Path, help="target/criterion of a codec bench run")
    parser.add_argument("--facts", type=pathlib.Path, default=here.parents[2] / "shared" / "wamp-idl-facts.md")
    parser.add_argument("serializers", nargs="?", default=",".join(SERIALIZERS))
    parser.add_argument("sizes", nargs="?", default=",".join(SIZES))
    options = parser.parse_args()
    serializers, sizes = options.serializers.split(","), options.sizes.split(",")
    rust = rust_figures(options.criterion, serializers, sizes) if options.criterion else None
    cells = {}
    for serializer in serializers:
        for size in sizes:
            serialized, unserialized = measure(serializer, size)
            cells[serializer, size] = (serialized, unserialized)
            print(json.dumps({"serializer": serializer, "size": size,
                              "serialize_per_s": round(serialized), "unserialize_per_s": round(unserialized)}),
                  flush=True)
    print("| size | " + " | ".join(serializers) + " |")
    print("|---|" + "---|" * len(serializers))
    for size in sizes:
        row = [f"{cells[s, size][0] / 1e3:.1f} / {cells[s, size][1] / 1e3:.1f}" for s in serializers]
        print(f"| {size} | " + " | ".join(row) + " |")
    if rust is None:
        return
    references = {"Autobahn measured here": cells}
    if options.facts.exists():
        references["facts section 6"] = facts_figures(options.facts)
    print()
    print("Rust, thousand per second, encode / decode (ratio to " + ", ".join(references) + "):")
    ratio_table(serializers, sizes, rust, references)


if __name__ == "__main__":
    main()
