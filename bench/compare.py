"""Crawl benchmark side by side with peers: each contender crawls the replica through its proxy, in turn.

Contenders (`--contenders`, in this order within each round; rounds alternate them):

- `archive`: `portal-archive crawl --profile fast` into a fresh archive (WARC + database + media);
- `wget`: `wget --recursive --level=inf --page-requisites --warc-file=...` limited to the two portal hosts
  (`--span-hosts --domains=...`), robots.txt obeyed (wget's default), the replica's CA trusted, pages deleted
  after parsing (`--delete-after`): it writes the WARC only;
- `bare`: bench/bare_spider.py, a Scrapy spider with the same link following and settings that writes nothing.

For each run: wall time until the process exits, responses and responses/s, CPU seconds (user + system) of the
contender's whole process tree from `os.wait4` (the replica runs in its own process and is not counted; its own
CPU is reported beside), peak RSS (sampled from /proc every 0.1 s: the largest single process, and the sum over
the whole tree; `portal-archive crawl` runs Scrapy in a child process), bytes written (the size of the output folder afterwards), the load average before and after, and
completeness: how many of the ground truth's pages (`/_replica/truth`: articles, documents, static pages,
chapters) were captured with a 200 under any of their URLs (the archive's `fetches` table; the WARC's response
records for wget, read with warcio; the URLs the bare spider was answered 200 at), plus, for `archive`, how many
are articles of its database.

    python bench/compare.py --articles 2000 5000 --rounds 3 --json results.json
    python bench/compare.py --articles 20000 --rounds 1 --contenders archive     # RSS against site size
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from crawl import folder_bytes, start_replica  # noqa: E402

from archive.urls import START_URLS, normalise  # noqa: E402

WGET = "/usr/bin/wget"
CONTENDERS = ("archive", "wget", "bare")
TICKS = os.sysconf("SC_CLK_TCK")


def local(url: str, timeout: float = 600) -> bytes:
    """GET from the replica's control endpoints, never through a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return response.read()


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """Resident memory of a process and all its descendants, and of the largest of them, in KiB."""
    total, largest, stack = 0, 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                rss = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            total, largest = total + rss, max(largest, rss)
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total, largest


def cpu_seconds(pid: int) -> float:
    """user + system CPU of a running process (the replica), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> dict:
    """Run a command to its end: wall, CPU and peak RSS of its process tree, and the peak of its summed RSS."""
    load_before = os.getloadavg()
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            total, largest = tree_rss_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is not used: Linux carries the high-water mark of the forking process (this one, which holds the
    # ground truth) over exec into the child's, so small children (wget) report this process's size.
    return {"returncode": proc.returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "cpu_user_s": usage.ru_utime, "cpu_sys_s": usage.ru_stime, "ru_maxrss_mb": usage.ru_maxrss / 1024,
            "peak_rss_mb": peak[1] / 1024, "peak_tree_rss_mb": peak[0] / 1024,
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()]}


def missing_pages(truth: dict, captured: set[str]) -> list[str]:
    return [p["canonical_url"] for p in truth["pages"] if not any(normalise(u) in captured for u in p["urls"])]


def run_archive(url: str, env: dict, work: Path) -> tuple[list[str], Path, dict]:
    out = work / "out"
    command = [sys.executable, "-m", "cli", "crawl", "--archive", str(out / "archive"), "--profile", "fast",
               "-s", "LOG_LEVEL=WARNING", "-s", "PORTAL_PROGRESS_INTERVAL=0"]

    def result(truth: dict) -> dict:
        db = sqlite3.connect(out / "archive" / "archive.db")
        responses = db.execute("select count(*) from fetches where status is not null").fetchone()[0]
        ok = {u for (u,) in db.execute("select url from fetches where status = 200 and warc_record_id is not null")}
        aliases = {u for (u,) in db.execute("select url from url_aliases")}
        articles = db.execute("select count(*) from articles").fetchone()[0]
        db.close()
        return {"responses": responses, "missing": missing_pages(truth, ok),
                "missing_in_database": len(missing_pages(truth, aliases)), "database_articles": articles}

    return command, out, {"result": result}


def run_wget(url: str, env: dict, work: Path) -> tuple[list[str], Path, dict]:
    out = work / "out"
    (out / "mirror").mkdir(parents=True)
    ca = work / "ca.pem"
    ca.write_bytes(local(f"{url}/_replica/ca.pem"))
    command = [WGET, "--recursive", "--level=inf", "--page-requisites", "--span-hosts",
               "--domains=thoxuan.thanhhoa.gov.vn,thoxuan.vn", "--delete-after", "--no-verbose",
               f"--ca-certificate={ca}", f"--warc-file={out / 'portal'}", "--directory-prefix", str(out / "mirror"),
               *START_URLS]

    def result(truth: dict) -> dict:
        from warcio.archiveiterator import ArchiveIterator

        ok, responses = set(), 0
        with open(out / "portal.warc.gz", "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    responses += 1
                    if record.http_headers.get_statuscode() == "200":
                        ok.add(normalise(record.rec_headers.get_header("WARC-Target-URI")))
        return {"responses": responses, "missing": missing_pages(truth, ok)}

    return command, out, {"result": result, "ok_codes": (0, 8)}  # 8: some answers were errors (the broken image)


def run_bare(url: str, env: dict, work: Path) -> tuple[list[str], Path, dict]:
    out = work / "out"
    out.mkdir()
    fetched = work / "fetched.json"  # the benchmark's record, outside the measured output
    command = [sys.executable, str(ROOT / "bench" / "bare_spider.py"), "--fetched", str(fetched)]

    def result(truth: dict) -> dict:
        data = json.loads(fetched.read_text())
        return {"responses": data["responses"], "missing": missing_pages(truth, {normalise(u) for u in data["fetched"]})}

    return command, out, {"result": result}


RUNNERS = {"archive": run_archive, "wget": run_wget, "bare": run_bare}


def one_run(name: str, url: str, truth: dict, replica_pid: int, pythonpath: str | None = None) -> dict:
    env = dict(os.environ, http_proxy=url, https_proxy=url, HTTP_PROXY=url, HTTPS_PROXY=url)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        work = Path(tmp)
        command, out, extra = RUNNERS[name](url, env, work)
        replica_cpu = cpu_seconds(replica_pid)
        measured = measure(command, env, work, work / "log.txt")
        measured["replica_cpu_s"] = cpu_seconds(replica_pid) - replica_cpu
        if measured["returncode"] not in extra.get("ok_codes", (0,)):
            sys.exit(f"{name} failed ({measured['returncode']}):\n{(work / 'log.txt').read_text()[-3000:]}")
        measured["bytes_written"] = folder_bytes(out)
        found = extra["result"](truth)
    missing = found.pop("missing")
    measured.update(found, pages=len(truth["pages"]), captured=len(truth["pages"]) - len(missing),
                    missing_examples=missing[:5])
    measured["responses_per_s"] = measured["responses"] / measured["wall_s"]
    measured["cpu_s_per_1000_responses"] = measured["cpu_s"] / measured["responses"] * 1000
    return measured


def summarise(runs: list[dict]) -> dict:
    keys = ("wall_s", "responses", "responses_per_s", "cpu_s", "cpu_s_per_1000_responses", "peak_rss_mb",
            "peak_tree_rss_mb", "bytes_written", "captured", "replica_cpu_s")
    summary = {k: statistics.median(r[k] for r in runs) for k in keys}
    summary["pages"] = runs[0]["pages"]
    summary["complete_runs"] = sum(r["captured"] == r["pages"] for r in runs)
    summary["runs"] = len(runs)
    return summary


def table(results: dict) -> str:
    lines = ["| articles | contender | complete | wall s | responses | responses/s | CPU s | CPU s / 1,000 responses "
             "| peak RSS MB (largest process / tree) | written MB |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size, by_name in results.items():
        for name, s in by_name.items():
            lines.append(f"| {size} | {name} | {s['captured']:.0f}/{s['pages']} ({s['complete_runs']}/{s['runs']} runs) "
                         f"| {s['wall_s']:.1f} | {s['responses']:.0f} | {s['responses_per_s']:.0f} | {s['cpu_s']:.1f} "
                         f"| {s['cpu_s_per_1000_responses']:.2f} | {s['peak_rss_mb']:.0f} / {s['peak_tree_rss_mb']:.0f} "
                         f"| {s['bytes_written'] / 1e6:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--contenders", default=",".join(CONTENDERS),
                        help=f"comma-separated, in the order of the first round ({', '.join(CONTENDERS)})")
    parser.add_argument("--json", type=Path, help="write every run and the medians here")
    parser.add_argument("--pythonpath", help="run the contenders with this PYTHONPATH (a modified copy of the "
                                             "project, to measure a change before making it)")
    args = parser.parse_args()
    names = [n for n in args.contenders.split(",") if n]
    for name in names:
        if name not in RUNNERS:
            parser.error(f"unknown contender {name!r}")
    everything: dict = {"command": " ".join(["python", "bench/compare.py", *sys.argv[1:]]),
                        "cpus": os.cpu_count(), "runs": [], "medians": {}}
    for size in args.articles:
        replica, url = start_replica(size)
        try:
            truth = json.loads(local(f"{url}/_replica/truth"))
            by_name: dict[str, list[dict]] = {n: [] for n in names}
            for round_no in range(args.rounds):
                order = names[round_no % len(names):] + names[:round_no % len(names)]  # who goes first alternates
                for name in order:
                    run = one_run(name, url, truth, replica.pid, args.pythonpath)
                    run.update(articles=size, contender=name, round=round_no + 1)
                    by_name[name].append(run)
                    everything["runs"].append(run)
                    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in run.items()}),
                          flush=True)
                    if args.json:
                        args.json.write_text(json.dumps(everything, indent=1))
            everything["medians"][size] = {n: summarise(r) for n, r in by_name.items()}
        finally:
            replica.terminate()
            replica.wait(10)
        if args.json:
            args.json.write_text(json.dumps(everything, indent=1))
    print(table(everything["medians"]))


if __name__ == "__main__":
    main()
