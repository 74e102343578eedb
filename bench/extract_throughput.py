"""Throughput of `archive.page.extract.extract` on one core, over replica article pages rendered in-process.

Renders the article pages of a replica site (articles, documents; both templates, NFD pages included) in one
markup variant, then times `extract()` over all of them; prints the median of the runs.

    python bench/extract_throughput.py --articles 2000 --seed 1 --runs 3 --variant 0
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from urllib.parse import unquote, urlsplit

from archive.page.extract import extract
from replica.catalog import Catalog
from replica.epochs import build_site
from replica.markup import make_variant


def render(articles: int, seed: int, variant: int) -> list[tuple[str, bytes, str]]:
    """(URL, body, Content-Type) of every article and document page, as the replica serves them."""
    site = build_site(seed, articles, 1)
    catalog = Catalog(site, make_variant(variant))
    pages = []
    for page in site.pages:
        if page.kind not in ("article", "document"):
            continue
        parts = urlsplit(page.canonical_url)
        res = catalog.lookup(parts.hostname, unquote(parts.path))
        pages.append((page.canonical_url, b"".join(p if isinstance(p, bytes) else b"0" for p in res.parts),
                      res.content_type))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the replica site (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="replica seed (default 1)")
    parser.add_argument("--variant", type=int, default=0, help="markup variant (default 0)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the median is reported (default 3)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):  # one core, as a crawl's parsing thread has
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pages = render(args.articles, args.seed, args.variant)
    size = sum(len(body) for _, body, _ in pages)
    print(f"{len(pages)} article pages, {size / len(pages) / 1024:.1f} KiB each on average, variant {args.variant}")
    timings = []
    for run in range(args.runs):
        start = time.perf_counter()
        kinds = [extract(url, body, content_type).kind for url, body, content_type in pages]
        timings.append(time.perf_counter() - start)
        assert kinds.count("other") == 0, "some pages were not read as articles"
        print(f"run {run + 1}: {len(pages) / timings[-1]:.0f} articles/s")
    median = statistics.median(timings)
    print(f"median of {args.runs}: {len(pages) / median:.0f} articles/s, {1000 * median / len(pages):.2f} ms/article")


if __name__ == "__main__":
    main()
