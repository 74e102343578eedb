"""Crawl benchmark: `portal-archive crawl --profile fast` of the replica, through its proxy.

Starts the replica in its own process, crawls it into a fresh archive, and reports wall time, pages/s,
CPU seconds of the crawl (all its processes), peak RSS, bytes written and what was archived.

    python bench/crawl.py --articles 2000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def start_replica(articles: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "cli", "replica", "serve", "--port", "0",
                             "--articles", str(articles)], stdout=subprocess.PIPE, text=True)
    proc.stdout.readline()
    url = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline()).group(0)
    return proc, url


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def crawl_once(url: str, archive: Path) -> dict:
    env = dict(os.environ, http_proxy=url, https_proxy=url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "cli", "crawl", "--archive", str(archive), "--profile", "fast",
                             "-s", "LOG_LEVEL=WARNING", "-s", "PORTAL_PROGRESS_INTERVAL=0"], env=env,
                            capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
    db = sqlite3.connect(archive / "archive.db")
    pages = db.execute("select count(*) from fetches").fetchone()[0]
    articles = db.execute("select count(*) from articles").fetchone()[0]
    db.close()
    return {"wall_s": wall, "fetches": pages, "fetches_per_s": pages / wall, "articles": articles,
            "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "peak_rss_mb": after.ru_maxrss / 1024, "bytes_written": folder_bytes(archive)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    replica, url = start_replica(args.articles)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = crawl_once(url, Path(tmp) / "archive")
    finally:
        replica.terminate()
        replica.wait(10)
    result["cpu_s_per_1000_fetches"] = result["cpu_s"] / result["fetches"] * 1000
    print(json.dumps({"articles_in_replica": args.articles, **{k: round(v, 2) if isinstance(v, float) else v
                                                                for k, v in result.items()}}, indent=1))


if __name__ == "__main__":
    main()
