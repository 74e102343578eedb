"""The web UI: `browse` an archive, and the `demo` that crawls the bundled replica and browses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from cli.options import archive_option, reading
from cli.read import search


@click.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to let other machines in; the UI has no login).")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--allow-sql/--no-sql", default=None,
              help="Whether visitors may run their own SQL [default: only when --host is loopback].")
@click.option("--public-url", default="",
              help="The address readers reach the UI at, for the Atom feed's links (default: relative links).")
@click.option("--debug-endpoints", is_flag=True,
              help="Serve datasette's /-/ introspection pages, which show paths and the Python installation.")
def browse(archive_dir: Path, host: str, port: int, allow_sql: bool | None, public_url: str,
           debug_endpoints: bool) -> None:
    """Serve the web UI on the archive: search, articles with their versions and diffs, pages as captured, and
    datasette's tables, SQL and JSON. Read-only: it can run while a crawl writes."""
    from browse.app import serve

    reading(archive_dir).close()
    click.echo(f"Browse the archive on http://{host}:{port}/ (Ctrl-C stops)")
    serve(archive_dir, host=host, port=port, allow_sql=allow_sql, public_url=public_url,
          debug_endpoints=debug_endpoints)


@click.command()
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default="demo-archive",
              show_default=True, help="Where the demo archive goes (crawled afresh each time).")
@click.option("--articles", default=300, show_default=True, help="Size of the replica to crawl.")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Then serve the browse UI on the archive (until Ctrl-C).")
@click.option("--port", default=8001, show_default=True, help="Port of the browse UI.")
def demo(archive_dir: Path, articles: int, serve: bool, port: int) -> None:
    """The main job on the bundled replica: serve it, crawl it through its proxy, show what the archive holds,
    then browse it in the web UI."""
    from replica.server import ReplicaServer, Settings

    with ReplicaServer(Settings(articles=articles)) as server:
        click.echo(f"Replica of the portal ({articles} articles) serving as a proxy on {server.url}")
        env = dict(os.environ, http_proxy=server.url, https_proxy=server.url)
        command = [sys.executable, "-m", "cli", "crawl", "--archive", str(archive_dir), "--profile", "fast",
                   "-s", "LOG_LEVEL=WARNING"]
        returncode = subprocess.run(command, env=env).returncode
    if returncode:
        sys.exit(returncode)
    for query in ("dang bo", "Lễ hội Lê Hoàn", "nong thon moi nang cao"):
        click.echo(f"\n$ portal-archive search --archive {archive_dir} {query!r} --limit 3")
        search.main([query, "--archive", str(archive_dir), "--limit", "3"], standalone_mode=False)
    click.echo(f"\nThe archive is in {archive_dir}/ (archive.db: open it with sqlite3 or datasette; media/: images "
               f"and files by content digest). Search it: portal-archive search --archive {archive_dir} 'Thọ Xuân'")
    if serve:
        browse.main(["--archive", str(archive_dir), "--port", str(port)], standalone_mode=False)
