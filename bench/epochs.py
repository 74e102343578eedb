"""The site over time: crawl epoch 1, advance the replica to epoch 2 and crawl, then epoch 3 (unchanged) and crawl.

Reports, per run: wall time, fetches, 304s, new and changed articles, WARC bytes written.

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
            for epoch in (1, 2, 3):
                request = urllib.request.Request(f"{url}/_replica/epoch?n={epoch}", method="POST", data=b"")
                urllib.request.urlopen(request, timeout=300).read()
                started = time.monotonic()
                subprocess.run([sys.executable, "-m", "archive", "crawl", "--archive", str(archive), "--profile", "fast",
                                "-s", "LOG_LEVEL=WARNING", "-s", "PROGRESS_INTERVAL=0"], env=env, check=True,
                               capture_output=True)
                wall = time.monotonic() - started
                db = sqlite3.connect(archive / "archive.db")
                run = db.execute("select id, pages, not_modified, articles_new, articles_changed, articles_removed "
                                 "from crawl_runs order by id desc limit 1").fetchone()
                warc = db.execute("select coalesce(sum(size), 0) from warc_files where run_id = ?", [run[0]]).fetchone()[0]
                rows.append({"epoch": epoch, "wall_s": round(wall, 1), "responses": run[1], "not_modified": run[2],
                             "articles_new": run[3], "articles_changed": run[4], "articles_removed": run[5],
                             "warc_bytes": warc})
                db.close()
    finally:
        replica.terminate()
        replica.wait(10)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
