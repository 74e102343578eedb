"""`export`: the archive for other tools, a pywb collection or a WACZ file."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import Failure, archive_option, reading


@click.group()
def export() -> None:
    """Export the archive for other tools."""


@export.command("pywb")
@archive_option
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--collection", default="portal", show_default=True, help="Name of the pywb collection.")
def export_pywb_command(archive_dir: Path, dest: Path, collection: str) -> None:
    """Set up (or refresh) a pywb collection in DEST that replays the archive's WARC files.

    Then `cd DEST && wayback` serves it on http://localhost:8080/COLLECTION/.
    """
    from archive.export.pywb import export_pywb
    from archive.warc.cdxj import WARC_PATTERN

    reading(archive_dir).close()  # an archive, and a readable one, before anything is made in DEST
    if not any(path.is_file() for path in (archive_dir / "warcs").glob(WARC_PATTERN)):
        raise Failure(f"no closed WARC files in {archive_dir / 'warcs'}: nothing to export")
    folder = export_pywb(archive_dir / "warcs", dest, collection)
    click.echo(f"pywb collection ready in {folder}; run `wayback` in {dest} and open "
               f"http://localhost:8080/{collection}/https://thoxuan.thanhhoa.gov.vn/web/trang-chu")


@export.command("wacz")
@archive_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", help="Title of the collection, shown by ReplayWeb.page (default: the portal's name).")
def export_wacz_command(archive_dir: Path, file: Path, title: str | None) -> None:
    """Write FILE (….wacz), a WACZ of the archive's closed WARC files with an index and a page list of the articles.

    Open it in ReplayWeb.page (https://replayweb.page); `wacz validate -f FILE` checks it. FILE is replaced, in one
    step, when the export succeeds.
    """
    from archive.export.wacz import WaczError, export_wacz

    reading(archive_dir).close()
    try:
        summary = export_wacz(archive_dir, file, title)
    except WaczError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"Wrote {summary.path}: {summary.warcs} WARC files, {summary.index_lines} index lines, "
               f"{summary.pages} pages ({summary.uncaptured} articles never captured with a 200 left out), "
               f"{summary.bytes} bytes.")
