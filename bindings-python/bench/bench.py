"""Throughput of authbridge against the usual Python HTTP clients, and import time.

Every client sends the same nevisIDM password login to the same sandbox endpoint (run in a
separate process, so its threads do not share this interpreter) over keep-alive connections,
and parses the JSON answer. Prints the median requests/s of several runs and the ratios.

    python bindings-python/bench/bench.py [--runs 5] [--sync-requests 2000] [--async-requests 6000]

Needs: authbridge (built with `maturin develop --release` or `pip install ./bindings-python`),
httpx, requests, aiohttp. A benchmark, not a test: it prints figures, it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Awaitable, Callable, Dict, List

CLIENT, USER, PASSWORD = "1000", "alice", "bench-password"
CONCURRENCY = 64

SANDBOX = f"""
import sys, authbridge
with authbridge.Sandbox() as sandbox:
    sandbox.nevis.add_client("{CLIENT}")
    sandbox.nevis.add_user("{CLIENT}", "{USER}")
    sandbox.nevis.set_password("{CLIENT}", "{USER}", "{PASSWORD}")
    print(sandbox.url("nevisidm"), flush=True)
    sys.stdin.read()
"""


def start_sandbox() -> "tuple[subprocess.Popen[str], str]":
    process = subprocess.Popen(
        [sys.executable, "-c", SANDBOX], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def timed(n: int, call: Callable[[], None]) -> float:
    started = time.perf_counter()
    for _ in range(n):
        call()
    return n / (time.perf_counter() - started)


def timed_async(n: int, call: Callable[[], Awaitable[None]]) -> float:
    async def worker(share: int) -> None:
        for _ in range(share):
            await call()

    async def run() -> float:
        shares = [n // CONCURRENCY + (1 if i < n % CONCURRENCY else 0) for i in range(CONCURRENCY)]
        started = time.perf_counter()
        await asyncio.gather(*(worker(share) for share in shares))
        return n / (time.perf_counter() - started)

    return asyncio.get_event_loop().run_until_complete(run())


def sync_clients(base: str) -> Dict[str, Callable[[], None]]:
    import httpx
    import requests

    import authbridge

    url = f"{base}/nevisidm/api/auth/v1/{CLIENT}/users/{USER}/password/login/"
    body = {"password": PASSWORD}
    ours = authbridge.NevisClient(base)
    hx = httpx.Client()
    session = requests.Session()

    def with_authbridge() -> None:
        assert ours.password_login(CLIENT, USER, PASSWORD).code == 5

    def with_httpx() -> None:
        assert hx.post(url, json=body).json()["statusCode"] == 5

    def with_requests() -> None:
        assert session.post(url, json=body).json()["statusCode"] == 5

    return {"authbridge": with_authbridge, "httpx.Client": with_httpx, "requests.Session": with_requests}


def async_clients(base: str) -> Dict[str, Callable[[], Awaitable[None]]]:
    import aiohttp
    import httpx

    import authbridge

    url = f"{base}/nevisidm/api/auth/v1/{CLIENT}/users/{USER}/password/login/"
    body = {"password": PASSWORD}
    ours = authbridge.NevisClient(base).aio
    hx = httpx.AsyncClient(limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY))
    holder: Dict[str, aiohttp.ClientSession] = {}

    async def close() -> None:
        await hx.aclose()
        if "session" in holder:
            await holder["session"].close()

    async def with_authbridge() -> None:
        assert (await ours.password_login(CLIENT, USER, PASSWORD)).code == 5

    async def with_httpx() -> None:
        assert (await hx.post(url, json=body)).json()["statusCode"] == 5

    async def with_aiohttp() -> None:
        if "session" not in holder:
            holder["session"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))
        async with holder["session"].post(url, json=body) as response:
            assert (await response.json())["statusCode"] == 5

    _closers.append(close)
    return {"authbridge": with_authbridge, "httpx.AsyncClient": with_httpx, "aiohttp": with_aiohttp}


_closers: List[Callable[[], Awaitable[None]]] = []


async def close_async_clients(_clients: object) -> None:
    for close in _closers:
        await close()


def import_time(module: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    samples = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(samples) * 1000


def measure(name: str, runs: int, bench: Callable[[], float]) -> float:
    bench()  # warm-up: connections, caches
    samples = [bench() for _ in range(runs)]
    median = statistics.median(samples)
    print(f"  {name:<20} {median:>9.0f} req/s   (runs: {', '.join(f'{s:.0f}' for s in samples)})", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sync-requests", type=int, default=2000)
    parser.add_argument("--async-requests", type=int, default=6000)
    args = parser.parse_args()
    asyncio.set_event_loop(asyncio.new_event_loop())

    process, base = start_sandbox()
    try:
        print(f"sandbox nevisIDM at {base}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        print(f"\nsync, 1 thread, {args.sync_requests} logins per run, median of {args.runs}:")
        sync = {
            name: measure(name, args.runs, lambda call=call: timed(args.sync_requests, call))  # type: ignore[misc]
            for name, call in sync_clients(base).items()
        }
        print(f"\nasyncio, {CONCURRENCY} concurrent, {args.async_requests} logins per run, median of {args.runs}:")
        clients = async_clients(base)
        aio = {
            name: measure(name, args.runs, lambda call=call: timed_async(args.async_requests, call))  # type: ignore[misc]
            for name, call in clients.items()
        }
        asyncio.get_event_loop().run_until_complete(close_async_clients(clients))
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=10)

    print(f"\nimport time, fresh interpreter, median of {max(args.runs, 7)}:")
    imports = {module: import_time(module, max(args.runs, 7)) for module in ("authbridge", "httpx")}
    for module, ms in imports.items():
        print(f"  import {module:<14} {ms:>7.1f} ms")

    ratios = {
        "sync: authbridge / httpx.Client": (sync["authbridge"] / sync["httpx.Client"], 1.5),
        "sync: authbridge / requests.Session": (sync["authbridge"] / sync["requests.Session"], None),
        "asyncio: authbridge / aiohttp": (aio["authbridge"] / aio["aiohttp"], 1.0),
        "asyncio: authbridge / httpx.AsyncClient": (aio["authbridge"] / aio["httpx.AsyncClient"], None),
        "import: httpx / authbridge": (imports["httpx"] / imports["authbridge"], 1.0),
    }
    print("\nratios (target in brackets):")
    for label, (ratio, target) in ratios.items():
        verdict = "" if target is None else f"  [>= {target}: {'met' if ratio >= target else 'MISSED'}]"
        print(f"  {label:<42} {ratio:5.2f}x{verdict}")
    print("\n" + json.dumps({"sync": sync, "asyncio": aio, "import_ms": imports}))


if __name__ == "__main__":
    main()
