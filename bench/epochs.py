"""The site over time, as the shipped schedule archives it: a full crawl of epoch 1; on epoch 2 a `discover` run
then a `recheck` run (every article due); on epoch 3 (nothing changed) a `recheck` run, then a full crawl of the
unchanged site.

Reports, per run: wall time, CPU seconds of the crawl's processes (os.wait4), responses, 304s, new, changed and
removed articles, WARC bytes the run wrote (`warc_files` of the run), and how much the whole archive folder grew
(WARC + database + media), with the load average at the start. One archive, conditional requests on.

    python bench/epochs.py --articles 2000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compare import measure  # noqa: E402
from crawl import folder_bytes, start_replica  # noqa: E402

RUNS = ((1, "full"), (2, "discover"), (2, "recheck"), (3, "recheck"), (3, "full"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="write the rows here too")
    args = parser.parse_args()
    replica, url = start_replica(args.articles)
    rows = []
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "archive"
            env = dict(os.environ, http_proxy=url, https_proxy=url)
            for epoch, covers in RUNS:
                request = urllib.request.Request(f"{url}/_replica/epoch?n={epoch}", method="POST", data=b"")
                opener.open(request, timeout=300).read()
                time.sleep(1)  # the policy below rechecks what was not seen for a second
                before = folder_bytes(archive) if archive.exists() else 0
                # `full` is a plain `portal-archive crawl` (no covers: menus, listings, every page and file).
                scope = [] if covers == "full" else ["-s", f"PORTAL_COVERS={covers}", "-s", "PORTAL_RECHECK=[[null, 1]]"]
                measured = measure([sys.executable, "-m", "cli", "crawl", "--archive", str(archive),
                                    "--profile", "fast", "--job", covers, *scope,
                                    "-s", "LOG_LEVEL=WARNING", "-s", "PORTAL_PROGRESS_INTERVAL=0"],
                                   env, Path(tmp), Path(tmp) / "log.txt")
                if measured["returncode"]:
                    sys.exit(f"crawl failed:\n{(Path(tmp) / 'log.txt').read_text()[-3000:]}")
                db = sqlite3.connect(archive / "archive.db")
                run = db.execute("select id, pages, not_modified, articles_new, articles_changed, articles_removed "
                                 "from crawl_runs order by id desc limit 1").fetchone()
                warc = db.execute("select coalesce(sum(size), 0) from warc_files where run_id = ?", [run[0]]).fetchone()[0]
                db.close()
                rows.append({"epoch": epoch, "covers": covers, "wall_s": round(measured["wall_s"], 1),
                             "cpu_s": round(measured["cpu_s"], 1), "responses": run[1], "not_modified": run[2],
                             "articles_new": run[3], "articles_changed": run[4], "articles_removed": run[5],
                             "warc_bytes": warc, "archive_growth_bytes": folder_bytes(archive) - before,
                             "load_before": measured["load_before"]})
                print(json.dumps(rows[-1]), flush=True)
    finally:
        replica.terminate()
        replica.wait(10)
    first = rows[0]
    for row in rows[1:]:
        row["time_vs_first"] = round(row["wall_s"] / first["wall_s"], 3)
        row["warc_bytes_vs_first"] = round(row["warc_bytes"] / first["warc_bytes"], 3)
        row["growth_vs_first"] = round(row["archive_growth_bytes"] / first["archive_growth_bytes"], 3)
    print(json.dumps(rows, indent=1))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
