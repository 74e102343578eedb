"""Start the web UI: datasette over ARCHIVE/archive.db with the browse plugin and its metadata."""

from __future__ import annotations

from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.plugins import pm

import browse

METADATA = Path(__file__).with_name("metadata.yml")
SETTINGS = {
    "sql_time_limit_ms": 5000,  # a researcher's query over 100,000 articles may take a moment
    "default_page_size": 50,
    "max_returned_rows": 5000,
    "allow_download": False,  # the database file is the archive; it is copied from disk, not over the web
    "num_sql_threads": 4,
}


def make_datasette(archive_dir: Path) -> Datasette:
    """A datasette serving the archive in `archive_dir` read-only, with the browse pages."""
    database = Path(archive_dir) / "archive.db"
    if not database.is_file():
        raise FileNotFoundError(f"no archive database at {database}: crawl first (portal-archive crawl)")
    if not pm.is_registered(browse):  # an installed checkout registers it through its entry point
        pm.register(browse, name="portal_archive_browse")
    metadata = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    return Datasette(files=[str(database)], metadata=metadata, settings=SETTINGS, cors=False)


def serve(archive_dir: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    import uvicorn

    ds = make_datasette(archive_dir)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
