"""The site over time, as the shipped schedule archives it: a full crawl of epoch 1; on epoch 2 a `discover` run
then a `recheck` run (every article due); on epoch 3 (nothing changed) a `recheck` run.

Reports, per run: wall time, responses, 304s, new, changed and removed articles, WARC bytes written.

    python bench/epochs.py --articles 2000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from crawl import start_replica  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    replica, url = start_replica(args.articles)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            archive = Path(tmp) / "archive"
            env = dict(os.environ, http_proxy=url, https_proxy=url)
            for epoch, covers in ((1, "full"), (2, "discover"), (2, "recheck"), (3, "recheck")):
                request = urllib.request.Request(f"{url}/_replica/epoch?n={epoch}", method="POST", data=b"")
                urllib.request.urlopen(request, timeout=300).read()
                time.sleep(1)  # the policy below rechecks what was not seen for a second
                started = time.monotonic()
                subprocess.run([sys.executable, "-m", "archive", "crawl", "--archive", str(archive), "--profile", "fast",
                                "--job", covers, "-s", f"PORTAL_COVERS={covers}", "-s", "PORTAL_RECHECK=[[null, 1]]",
                                "-s", "LOG_LEVEL=WARNING", "-s", "PROGRESS_INTERVAL=0"], env=env, check=True,
                               capture_output=True)
                wall = time.monotonic() - started
                db = sqlite3.connect(archive / "archive.db")
                run = db.execute("select id, pages, not_modified, articles_new, articles_changed, articles_removed "
                                 "from crawl_runs order by id desc limit 1").fetchone()
                warc = db.execute("select coalesce(sum(size), 0) from warc_files where run_id = ?", [run[0]]).fetchone()[0]
                rows.append({"epoch": epoch, "covers": covers, "wall_s": round(wall, 1), "responses": run[1], "not_modified": run[2],
                             "articles_new": run[3], "articles_changed": run[4], "articles_removed": run[5],
                             "warc_bytes": warc})
                db.close()
    finally:
        replica.terminate()
        replica.wait(10)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
