"""Throughput of the replica: requests/s it serves to a concurrent keep-alive client, by size and by kind of page.

Starts `portal-archive replica serve` in its own process (one core), drives it from this process (the other
core) with CONCURRENCY keep-alive connections asking for gzip like Scrapy does, and prints a Markdown table.

    python bench/replica_throughput.py --articles 300 5000 --seconds 10 --concurrency 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote, urlsplit


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Read one response; returns (status, body bytes)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
    if status == 304:
        return status, 0
    if length:
        body = await reader.readexactly(int(length.group(1)))
        return status, len(body)
    total = 0
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return status, total
        total += len(await reader.readexactly(size + 2)) - 2


async def worker(port: int, urls: list[str], deadline: float, tls: ssl.SSLContext | None, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    host = urlsplit(urls[0]).hostname
    if tls is not None:  # a CONNECT tunnel, as Scrapy opens for https:// through a proxy
        writer.write(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
        await reader.readuntil(b"\r\n\r\n")
        await writer.start_tls(tls, server_hostname=host)
    rng = random.Random()
    while time.monotonic() < deadline:
        url = rng.choice(urls)
        parts = urlsplit(url)
        target = url if tls is None else parts.path + (f"?{parts.query}" if parts.query else "")
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {parts.hostname}\r\nAccept-Encoding: gzip, deflate\r\n"
                     f"User-Agent: bench\r\n\r\n".encode())
        status, size = await read_response(reader)
        counts[0] += 1
        counts[1] += size
    writer.close()


async def drive(port: int, urls: list[str], seconds: float, concurrency: int, tls: ssl.SSLContext | None) -> dict:
    counts = [0, 0]
    started = time.monotonic()
    await asyncio.gather(*(worker(port, urls, started + seconds, tls, counts) for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    return {"requests": counts[0], "rps": counts[0] / elapsed, "mb_per_s": counts[1] / elapsed / 1e6}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_replica(articles: int) -> tuple[subprocess.Popen, int, float]:
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "cli", "replica", "serve", "--port", "0", "--articles", str(articles)],
                            stdout=subprocess.PIPE, text=True)
    proc.stdout.readline()
    port = int(re.search(r":(\d+)/", proc.stdout.readline()).group(1))
    return proc, port, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[300, 5000])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    rows = []
    for articles in args.articles:
        proc, port, startup = start_replica(articles)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_replica/truth", timeout=300) as response:
                truth = json.load(response)
            pages = [p["canonical_url"] for p in truth["pages"] if p["canonical_url"].startswith("https://thoxuan.thanhhoa")]
            listings = [f"{x['url']}?page={n}" for x in truth["listings"] if x["host"] == "thoxuan.thanhhoa.gov.vn"
                        for n in range(1, x["pages"] + 1)]
            images = [quote(i["url"], safe=":/") for p in truth["pages"] for i in p["images"]
                      if i["url"].startswith("https://thoxuan.thanhhoa") and not i["broken"] and not i["large"]]
            http = lambda urls: [u.replace("https://", "http://", 1) for u in urls]  # noqa: E731
            tls = ssl.create_default_context()
            tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
            mixes = {"articles, http proxy": (http(pages), None), "listings, http proxy": (http(listings), None),
                     "images, http proxy": (http(images), None), "articles, https CONNECT": (pages, tls)}
            for name, (urls, context) in mixes.items():
                asyncio.run(drive(port, urls, 1, args.concurrency, context))  # warm up
                cpu = cpu_seconds(proc.pid)
                result = asyncio.run(drive(port, urls, args.seconds, args.concurrency, context))
                result["server_cpu"] = (cpu_seconds(proc.pid) - cpu) / args.seconds
                rows.append((articles, startup, name, result))
                print(f"{articles:>6} articles  {name:<26} {result['rps']:8.0f} req/s  {result['mb_per_s']:6.1f} MB/s  server CPU {result['server_cpu']:.0%}",
                      file=sys.stderr)
        finally:
            proc.terminate()
            proc.wait(10)
    print("| articles | start-up (s) | requests | req/s | MB/s (gzip) | replica CPU |")
    print("|---:|---:|---|---:|---:|---:|")
    for articles, startup, name, result in rows:
        print(f"| {articles} | {startup:.1f} | {name} | {result['rps']:.0f} | {result['mb_per_s']:.1f} "
              f"| {result['server_cpu']:.0%} |")


if __name__ == "__main__":
    main()
