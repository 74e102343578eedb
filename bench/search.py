"""Search benchmark: an archive of generated articles; Vietnamese queries with and without diacritics, timed
in process (`archive.db.search.search`, what `portal-archive search` runs) and over HTTP (the web UI's
`GET /search?q=...`, served by `portal-archive browse` in its own process).

The archive is generated straight into the database (not crawled): the replica's own generator
(`replica.content.base_pages`) writes the articles' text, and each article is stored as a crawl would store its
first version: `articles` (with the folded search column, through `archive.db.store.Content`, and the FTS index kept
by its triggers), `article_versions`, `categories`. It is made once per folder and reused.

    python bench/search.py --articles 100000 --archive /tmp/search-100k --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.page import records  # noqa: E402

from archive.db import schema
from archive.db.search import fts_query, search  # noqa: E402
from archive.db.content import Content, iso  # noqa: E402
from archive.db.store import Archive  # noqa: E402

# Ten queries, each also typed without its diacritics: common words first, rare names last.
QUERIES = ["Thọ Xuân", "Đảng bộ", "nông thôn mới nâng cao", "cải cách hành chính", "Lễ hội Lê Hoàn",
           "xã Xuân Lập", "sản phẩm OCOP", "chuyển đổi số", "Phạm Mai Anh", "Hội chợ"]


def queries() -> list[str]:
    return QUERIES + [strip_marks(q) for q in QUERIES]


def strip_marks(text: str) -> str:
    """What a user typing without diacritics writes: the letters without marks, case kept."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def generate(directory: Path, count: int, seed: int = 7, batch: int = 2000) -> dict:
    from replica.content import CATEGORY, MAIN_HOST, base_pages, slugify

    started = time.monotonic()
    pages, _ = base_pages(seed, count)
    pages = [p for p in pages if p.kind in ("article", "document")][:count]
    generated = time.monotonic() - started
    archive = Archive(directory)
    db = archive.db
    seen = iso(pages[0].published)
    with schema.transaction(db):
        db.table("categories").insert_all([{"path": c.path, "label": c.label} for c in CATEGORY.values()],
                                          ignore=True)
        for start in range(0, len(pages), batch):
            articles, versions = [], []
            for n, page in enumerate(pages[start:start + batch], start + 1):
                path = f"{page.category}/{slugify(page.title)}-{page.id}.html"
                url = f"https://{MAIN_HOST}/web/trang-chu/{urllib.parse.quote(path)}"
                read = records.Page(url, page.kind, title=page.title, published=page.published,
                                    published_precision="second", lead=page.lead, body=list(page.body),
                                    author=page.author,
                                    images=[records.ImageRef(i.url, i.caption) for i in page.images])
                content = Content.of(read)
                articles.append({"id": n, "identity_key": path, "canonical_url": url, "kind": page.kind,
                                 "category_path": page.category, "category_label": CATEGORY[page.category].label,
                                 **content.current_fields(), "method": "anchors", "current_version_id": n,
                                 "first_seen": seen, "last_seen": seen})
                versions.append({"id": n, "article_id": n, "content_hash": content.digest, "url": url,
                                 "title": content.title, "published": content.published,
                                 "published_precision": "second", "lead": content.lead, "body": content.body,
                                 "body_html": "".join(f"<p>{p}</p>" for p in (content.lead, *content.paragraphs)),
                                 "author": content.author, "method": "anchors", "first_seen": seen,
                                 "last_seen": seen})
            db.table("articles").insert_all(articles)
            db.table("article_versions").insert_all(versions)
    db.execute("pragma optimize")
    archive.close()
    return {"articles": len(pages), "generate_s": round(generated, 1),
            "store_s": round(time.monotonic() - started - generated, 1),
            "database_mb": round((directory / "archive.db").stat().st_size / 1e6, 1)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(times: dict[str, list[float]]) -> dict:
    every = [t for ts in times.values() for t in ts]
    return {"p50_ms": round(statistics.median(every) * 1000, 1), "p95_ms": round(percentile(every, 95) * 1000, 1),
            "max_ms": round(max(every) * 1000, 1), "samples": len(every)}


def in_process(directory: Path, repeat: int) -> tuple[dict, dict]:
    times: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    with Archive(directory) as archive:
        for query in queries():
            search(archive, query)  # warm: the first query of a word reads its pages from disk
            times[query] = []
            for _ in range(repeat):
                started = time.perf_counter()
                found = search(archive, query)
                times[query].append(time.perf_counter() - started)
            assert found, query
            hits[query] = archive.db.execute("select count(*) from articles_fts where articles_fts match ?",
                                             [fts_query(query)]).fetchone()[0]
    return times, hits


def over_http(directory: Path, repeat: int, port: int) -> tuple[dict, dict]:
    server = subprocess.Popen([sys.executable, "-m", "cli", "browse", "--archive", str(directory),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(base + "/search?q=x", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"browse did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        times: dict[str, list[float]] = {}
        totals: dict[str, int] = {}
        for query in queries():
            url = base + "/search?" + urllib.parse.urlencode({"q": query})
            opener.open(url, timeout=60).read()  # warm
            times[query] = []
            for _ in range(repeat):
                started = time.perf_counter()
                with opener.open(url, timeout=60) as response:
                    body = response.read()
                    assert response.status == 200, response.status
                times[query].append(time.perf_counter() - started)
            with opener.open(url + "&_format=json", timeout=60) as response:
                totals[query] = json.loads(response.read())["total"]
            assert body
    finally:
        server.terminate()
        server.wait(10)
    return times, totals


def cli_once(directory: Path) -> dict:
    """`portal-archive search` as a user runs it: a new process per query (start-up included)."""
    times = []
    for query in queries():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cli", "search", "--archive", str(directory), query],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return {"p50_ms": round(statistics.median(times) * 1000), "p95_ms": round(percentile(times, 95) * 1000),
            "samples": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--archive", type=Path, default=Path("/tmp/portal-archive-search-bench"))
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query (after one warm-up)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    out: dict = {"command": " ".join(["python", "bench/search.py", *sys.argv[1:]]), "load_before": os.getloadavg()}
    if not (args.archive / "archive.db").exists():
        out["generated"] = generate(args.archive, args.articles)
        print(json.dumps(out["generated"]), flush=True)
    local, hits = in_process(args.archive, args.repeat)
    web, totals = over_http(args.archive, args.repeat, args.port)
    out["in_process"] = {"all": summary(local), "with_diacritics": summary({q: local[q] for q in QUERIES}),
                         "without_diacritics": summary({q: t for q, t in local.items() if q not in QUERIES})}
    out["http"] = {"all": summary(web), "with_diacritics": summary({q: web[q] for q in QUERIES}),
                   "without_diacritics": summary({q: t for q, t in web.items() if q not in QUERIES})}
    out["cli_process"] = cli_once(args.archive)
    out["per_query"] = [{"query": q, "matches": hits[q], "http_total": totals[q],
                         "in_process_median_ms": round(statistics.median(local[q]) * 1000, 1),
                         "http_median_ms": round(statistics.median(web[q]) * 1000, 1)} for q in queries()]
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
