"""The Autobahn|Python side of the end-to-end benchmark (runtime/benches/e2e.rs).

Usage: bench_caller.py URL REALM SERIALIZER PROCEDURE CALLS CONCURRENCY

Calls PROCEDURE with the benchmark payload CALLS times one after another (latency), then
CALLS times with CONCURRENCY calls in flight (throughput), and prints one JSON line:
{"sequential_calls_per_s", "p50_us", "p99_us", "concurrent_calls_per_s",
 "sequential_cpu_us_per_call", "concurrent_cpu_us_per_call"}.

The CPU figures are this process's CPU time (user + system, all threads: time.process_time(),
CLOCK_PROCESS_CPUTIME_ID) over each measured phase, divided by its number of calls; warm-up and
start-up are excluded.
"""

import asyncio
import json
import os
import sys
import time

from autobahn.asyncio.component import Component, run

from interop_data import transport

url, realm, serializer, procedure = sys.argv[1:5]
calls, concurrency = int(sys.argv[5]), int(sys.argv[6])

ARGS = [1, "hello", {"x": 1.5, "tags": ["a", "b"]}]


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


async def main(reactor, session):
    try:
        print(json.dumps(await measure(session)), flush=True)
        status = 0
    except Exception as error:
        print(f"benchmark failed: {error!r}", file=sys.stderr, flush=True)
        status = 1
    # Exit at once: after leaving over RawSocket, Autobahn's Component reconnects instead of finishing.
    os._exit(status)


async def measure(session):
    for _ in range(100):
        await session.call(procedure, *ARGS)

    cpu_before = time.process_time_ns()
    latencies = []
    started = time.perf_counter_ns()
    for _ in range(calls):
        before = time.perf_counter_ns()
        await session.call(procedure, *ARGS)
        latencies.append(time.perf_counter_ns() - before)
    sequential_s = (time.perf_counter_ns() - started) / 1e9
    sequential_cpu_ns = time.process_time_ns() - cpu_before

    remaining = calls

    async def worker():
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await session.call(procedure, *ARGS)

    cpu_before = time.process_time_ns()
    started = time.perf_counter_ns()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    concurrent_s = (time.perf_counter_ns() - started) / 1e9
    concurrent_cpu_ns = time.process_time_ns() - cpu_before
    latencies.sort()

    return {
        "sequential_calls_per_s": calls / sequential_s,
        "p50_us": percentile(latencies, 0.50) / 1000,
        "p99_us": percentile(latencies, 0.99) / 1000,
        "concurrent_calls_per_s": calls / concurrent_s,
        "sequential_cpu_us_per_call": sequential_cpu_ns / 1000 / calls,
        "concurrent_cpu_us_per_call": concurrent_cpu_ns / 1000 / calls,
    }


component = Component(transports=[transport(url, serializer)], realm=realm, main=main)

if __name__ == "__main__":
    run([component], log_level="warn")
