"""Autobahn|Python's serializers on the payloads of the codec benchmark (bench/benches/codec.rs),
measured on this machine, optionally interleaved with the Rust benchmark cell by cell.

Usage: codec_bench.py [--rust] [--facts FILE] [SERIALIZER,...] [SIZE,...]
(default: every serializer and size)

Measures EVENT messages whose single positional arg is the telemetry dict of Autobahn's
serialization benchmark, at its sizes (empty, small, medium, large, xl, xxl), built from the
payload files the Rust benchmark reads (tests/data/serialization). Serializing empties the
message's cache first (`uncache()`), since Autobahn keeps a message's serialization once made;
unserializing parses the bytes into a message, as a session does with what it receives. Times
are this process's CPU time (time.process_time(), which is CLOCK_PROCESS_CPUTIME_ID), the median
of three rounds of about a quarter of a second each.

With --rust, each cell's Rust figures come from running the criterion benchmark for that cell
(`cargo bench -p wamp-idl-bench --bench codec -- '^SERIALIZER/event/(encode|decode)/SIZE$'`)
just before Autobahn's, so that both meet the same conditions on a shared machine, and every
Rust figure is printed with its ratio to Autobahn's and, when --facts names a readable
../shared/wamp-idl-facts.md (the default), to the figure in its section 6.

Prints one JSON line per cell, then the table(s).
"""

import argparse
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

import txaio

txaio.use_asyncio()

from autobahn.wamp import message  # noqa: E402  (txaio must choose its framework first)
from autobahn.wamp.serializer import create_transport_serializer  # noqa: E402

SERIALIZERS = ["json", "msgpack", "cbor", "ubjson"]
SIZES = ["empty", "small", "medium", "large", "xl", "xxl"]
REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
DATA = REPOSITORY / "tests" / "data" / "serialization"


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


def autobahn_figures(serializer_name, size):
    """Autobahn's messages per second, serialize and unserialize."""
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


def rust_figures(serializer, size):
    """The Rust messages per second, encode and decode, from a criterion run of the cell."""
    cell = f"^{serializer}/event/(encode|decode)/{size}$"
    command = ["cargo", "bench", "-q", "-p", "wamp-idl-bench", "--bench", "codec", "--", cell,
               "--warm-up-time", "1", "--measurement-time", "3"]
    ran = subprocess.run(command, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if ran.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{ran.stderr}")
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPOSITORY / "target"))
    figures = []
    for operation in ("encode", "decode"):
        path = target / "criterion" / f"{serializer}_event" / operation / size / "new" / "estimates.json"
        estimates = json.loads(path.read_text())
        # What criterion prints: the slope of its linear sampling, else the mean.
        nanoseconds = (estimates.get("slope") or estimates["mean"])["point_estimate"]
        figures.append(1e9 / nanoseconds)
    return tuple(figures)


def facts_figures(path):
    """The Autobahn figures in section 6 of the facts (thousand per second), per second."""
    figures = {}
    lines = path.read_text().splitlines()
    header = next((i for i, line in enumerate(lines) if line.startswith("| size | json | msgpack")), None)
    if header is None:
        sys.exit(f"{path} has no table of Autobahn figures (a line starting '| size | json | msgpack')")
    columns = [cell.strip() for cell in lines[header].strip("|").split("|")][1:]
    for line in lines[header + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        for serializer, cell in zip(columns, cells[1:]):
            figures[serializer, cells[0]] = tuple(float(number) * 1e3 for number in re.findall(r"[0-9.]+", cell))
    return figures


def thousands(per_second):
    return f"{per_second / 1e3:,.0f}".replace(",", " ")


def autobahn_table(serializers, sizes, autobahn):
    print("Autobahn|Python, thousand per second, serialize / unserialize:")
    print("| size | " + " | ".join(serializers) + " |")
    print("|---|" + "---|" * len(serializers))
    for size in sizes:
        row = [f"{autobahn[s, size][0] / 1e3:.1f} / {autobahn[s, size][1] / 1e3:.1f}" for s in serializers]
        print(f"| {size} | " + " | ".join(row) + " |")


def ratio_table(serializers, sizes, rust, references):
    """Rust figures with their ratios to each reference, and how many cells reach 20x."""
    print("Rust, thousand per second, encode / decode (ratio to " + ", ".join(references) + "):")
    print("| size | " + " | ".join(serializers) + " |")
    print("|---|" + "---|" * len(serializers))
    met = dict.fromkeys(references, 0)
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
                halves.append(f"{thousands(rust[serializer, size][operation])} ({', '.join(ratios)})")
            row.append(" / ".join(halves))
        print(f"| {size} | " + " | ".join(row) + " |")
    cells = 2 * len(serializers) * len(sizes)
    for name, count in met.items():
        print(f"at 20x or more against {name}: {count} of {cells} cells")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rust", action="store_true", help="run the Rust benchmark of each cell first")
    parser.add_argument("--facts", type=pathlib.Path, default=REPOSITORY.parent / "shared" / "wamp-idl-facts.md")
    parser.add_argument("serializers", nargs="?", default=",".join(SERIALIZERS))
    parser.add_argument("sizes", nargs="?", default=",".join(SIZES))
    options = parser.parse_args()
    serializers, sizes = options.serializers.split(","), options.sizes.split(",")
    autobahn, rust = {}, {}
    for serializer in serializers:
        for size in sizes:
            line = {"serializer": serializer, "size": size}
            if options.rust:
                rust[serializer, size] = rust_figures(serializer, size)
                line["rust_encode_per_s"], line["rust_decode_per_s"] = map(round, rust[serializer, size])
            autobahn[serializer, size] = autobahn_figures(serializer, size)
            line["autobahn_serialize_per_s"], line["autobahn_unserialize_per_s"] = map(round, autobahn[serializer, size])
            print(json.dumps(line), flush=True)
    autobahn_table(serializers, sizes, autobahn)
    if options.rust:
        references = {"Autobahn measured here": autobahn}
        if options.facts.exists():
            references["facts section 6"] = facts_figures(options.facts)
        print()
        ratio_table(serializers, sizes, rust, references)


if __name__ == "__main__":
    main()
