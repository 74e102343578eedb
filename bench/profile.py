"""Where a crawl's time goes: py-spy samples `portal-archive crawl --profile fast` of the replica (all its
processes), and the samples are attributed to the parts of the crawl named below.

    pip install py-spy
    python bench/profile.py --articles 2000 --raw /tmp/crawl.prof      # record, then print the table
    python bench/profile.py --analyse /tmp/crawl.prof                  # the table of samples taken before

Each sample goes to the first part in PARTS (in that order) that any frame of its stack matches, so a part
includes what it calls. py-spy counts a thread as active while it holds the GIL or runs native code; the
Twisted thread pool's idle waits are listed apart and left out of the shares.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from crawl import start_replica  # noqa: E402

IDLE = "thread pool waiting (idle)"
PARTS = [
    (IDLE, r"^Condition\.wait "),
    ("pipeline: store an article (save_page)", r"^Archive\.save_page "),
    ("pipeline: store an image or file (save_media)", r"^Archive\.save_media "),
    ("pipeline: the rest", r"^ArchivePipeline\.process_item "),
    ("WARC: build, compress, write and fsync records", r"^WarcWriter\.write_(capture|revisit) "),
    ("WARC: index the records (SQLite)", r"^WarcIndex\.add_records "),
    ("WARC: look up originals for revisits (SQLite)", r"^WarcIndex\.(original|last_response) "),
    ("WARC: the rest of the recorder and the middleware", r"^(Recorder|WarcCaptureMiddleware)\."),
    ("fetch log: a row per response (SQLite)", r"^Archive\.record_fetch "),
    ("fetch log: validators (SQLite)", r"^History\.remember_validators "),
    ("fetch log: the rest", r"^FetchLogMiddleware\."),
    ("spider: extract() (parse, read, sanitise)", r"^extract \(archive/extract\.py"),
    ("spider: category labels (a second parse of menu pages)", r"^PortalSpider\.learn_labels "),
    ("spider: requisites via response.xpath (a second parse)", r"^(Selector|TextResponse)\.xpath |^TextResponse\.selector "),
    ("spider: the rest (link decisions, URL normalising)", r"^PortalSpider\."),
    ("resume cache (HTTPCACHE on SQLite)", r"^(HttpCacheMiddleware|DbmCacheStorage|SqliteDbm)\."),
    ("request queue on disk (JOBDIR)", r"^(Scheduler\.|.*queuelib|.*Pickle)"),
    ("conditional requests", r"^ConditionalRequestMiddleware\."),
    ("robots.txt", r"^RobotsTxtMiddleware\."),
    ("HTTP download (Twisted, TLS, decompression)",
     r"\((twisted/web/_newclient|twisted/protocols/tls|scrapy/core/downloader/handlers|"
     r"archive/warc/content_encoding)"),
]


def attribute(raw: Path) -> tuple[Counter, int]:
    counts: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        frames = [re.sub(r" \(/.*?/site-packages/", " (", f) for f in stack.split(";")]
        count = int(n)
        total += count
        if not any("scrapy crawl" in f for f in frames[:2]):
            counts["the `portal-archive crawl` parent (start, CDXJ index, summary)"] += count
            continue
        part = next((name for name, pattern in PARTS if any(re.search(pattern, f) for f in frames)),
                    "Scrapy, Twisted and asyncio machinery (scheduling, middlewares, signals)")
        counts[part] += count
    return counts, total


def table(counts: Counter, total: int) -> str:
    active = total - counts.get(IDLE, 0)
    lines = ["| share of active samples | part of the crawl |", "|---:|---|"]
    for name, count in counts.most_common():
        if name != IDLE:
            lines.append(f"| {count / active * 100:.1f} % | {name} |")
    lines.append(f"\n{active} active samples ({counts.get(IDLE, 0)} idle thread-pool samples left out)")
    return "\n".join(lines)


def record(articles: int, raw: Path, rate: int) -> None:
    replica, url = start_replica(articles)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, http_proxy=url, https_proxy=url)
            pyspy = Path(sys.executable).with_name("py-spy")
            subprocess.run([str(pyspy) if pyspy.exists() else "py-spy", "record", "--format", "raw", "--rate", str(rate), "--subprocesses",
                            "--output", str(raw), "--", sys.executable, "-m", "cli", "crawl", "--archive",
                            str(Path(tmp) / "archive"), "--profile", "fast", "-s", "LOG_LEVEL=WARNING",
                            "-s", "PORTAL_PROGRESS_INTERVAL=0"], env=env, check=True)
    finally:
        replica.terminate()
        replica.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--raw", type=Path, default=Path("crawl.prof"), help="where py-spy writes its samples")
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("--analyse", type=Path, help="only attribute the samples of an earlier recording")
    args = parser.parse_args()
    if args.analyse is None:
        record(args.articles, args.raw, args.rate)
    print(table(*attribute(args.analyse or args.raw)))


if __name__ == "__main__":
    main()
