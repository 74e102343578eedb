"""The commands that write an archive: `crawl` and `rebuild`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.operations.child import BUSY
from cli.options import Failure, archive_option, reading


@click.command()
@archive_option
@click.option("--profile", type=click.Choice(["polite", "fast"]), default="polite", show_default=True,
              help="polite for the live portal; fast for the local replica and benchmarks.")
@click.option("--resume", is_flag=True, help="Go on with the crawl that was stopped or killed, where it stopped.")
@click.option("--start-url", "start_urls", multiple=True,
              help="Start here instead of both hosts' home pages (repeatable).")
@click.option("--contact", help="Contact URL or e-mail put in the User-Agent (or $PORTAL_ARCHIVE_CONTACT).")
@click.option("--job", default="crawl", show_default=True,
              help="Name of the run, and of its resumable state (a-z, 0-9, - and _).")
@click.option("-s", "--set", "overrides", multiple=True, metavar="KEY=VALUE", help="A Scrapy setting (repeatable).")
def crawl(archive_dir: Path, profile: str, resume: bool, start_urls: tuple[str, ...], contact: str | None,
          job: str, overrides: tuple[str, ...]) -> None:
    """Crawl the portal into the archive: every page, image and attachment; exits non-zero if the crawl failed.

    One crawl at a time writes an archive: a second one exits at once (status 75), naming the first.
    """
    from archive.operations.crawl import CrawlError, CrawlRequest, run_crawl

    settings = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--set")
        settings[key] = value
    request = CrawlRequest(archive_dir, job=job, profile=profile, resume=resume, start_urls=start_urls,
                           contact=contact, settings=settings)
    try:
        outcome = run_crawl(request, notify=lambda message: click.echo(message, err=True))
    except CrawlError as exc:
        raise Failure(str(exc), exc.exit_code) from None
    click.echo(outcome.summary)
    for message in outcome.messages:
        click.echo(message, err=True)
    if outcome.exit_code:
        sys.exit(outcome.exit_code)


@click.command()
@archive_option
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
def rebuild(archive_dir: Path, dest: Path) -> None:
    """Rebuild the archive from its WARC files alone into DEST: a new database, media and the same WARC files.

    The WARC files are the archive of record; this is how to prove it, or to recover a lost database.
    """
    from archive.operations.lock import Locked
    from archive.operations.rebuild import RebuildError, rebuild_archive

    try:
        report = rebuild_archive(archive_dir, dest)
    except RebuildError as exc:
        raise Failure(str(exc)) from None
    except Locked as exc:
        raise Failure(str(exc), BUSY) from None
    click.echo(f"Rebuilt {dest} from {report.files} WARC files: {report.records} records, {report.pages} article "
               f"captures, {report.media} images and files ({report.skipped} responses not stored: errors, "
               f"redirects, robots.txt).")


@click.command()
@archive_option
def reextract(archive_dir: Path) -> None:
    """Read every captured page again, from the WARC files, with the current extractor.

    A version whose capture now reads differently is rewritten in place, and versions that now read alike are
    merged: a better extractor improves the archive without spurious versions. The WARC files are not touched.
    """
    from archive.operations.lock import Locked
    from archive.operations.reextract import reextract as run_reextract

    reading(archive_dir).close()  # a mistyped --archive is an error, never a new archive
    try:
        report = run_reextract(archive_dir)
    except Locked as exc:
        raise Failure(str(exc), BUSY) from None
    click.echo(f"Read {report.versions} versions of {report.articles} articles again: {report.rewritten} read "
               f"differently now, {report.merged} merged into the version before them, {report.changed_articles} "
               "articles changed.")
    for error in report.errors:
        click.echo(f"not read: {error}", err=True)
    if report.errors:
        raise Failure(f"{len(report.errors)} captures could not be read (see above); `portal-archive verify` "
                      "checks the WARC files")
