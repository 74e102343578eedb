"""The commands that read an archive and never change it: `search`, `diff`, `verify`, `status`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from cli.options import Failure, archive_option, load_schedule, reading, schedule_option


@click.command()
@archive_option
@click.argument("query")
@click.option("--limit", default=10, show_default=True, help="How many results.")
@click.option("--offset", default=0, show_default=True, help="Skip this many results (paging).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(archive_dir: Path, query: str, limit: int, offset: int, as_json: bool) -> None:
    """Search the archive in Vietnamese, with or without diacritics; ranked, with date, category, URL and snippet.

    Every word must match; "quoted words" match as a phrase.
    """
    from archive.db.search import search as run_search

    db = reading(archive_dir)
    try:
        results = run_search(db, query, limit=limit, offset=offset)
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
        return
    if not results:
        click.echo(f"Nothing found for {query!r}.")
    for n, result in enumerate(results, offset + 1):
        day = ".".join(reversed((result.published or "")[:10].split("-"))).replace(".", "/")
        click.echo(f"{n}. {result.title} ({day or 'no date'}) · {result.category_path}")
        click.echo(f"   {result.canonical_url}")
        click.echo(f"   {result.snippet}")


@click.command()
@archive_option
@click.argument("article")
@click.option("--from", "from_version", type=int,
              help="Compare from this version (1 = the first); default: the one before --to.")
@click.option("--to", "to_version", type=int, help="Compare to this version; default: the latest.")
def diff(archive_dir: Path, article: str, from_version: int | None, to_version: int | None) -> None:
    """Show what changed between two versions of ARTICLE (its id or any URL it was seen at), paragraph by paragraph."""
    from archive.db.diff import changes, find_article, versions, word_diff

    db = reading(archive_dir)
    try:
        article_id = find_article(db, article)
        if article_id is None:
            raise Failure(f"no archived article at {article}")
        found = versions(db, article_id)
        to_n = to_version or len(found)
        from_n = from_version or to_n - 1
        if len(found) < 2 or not (1 <= from_n < to_n <= len(found)):
            raise Failure(f"article {article_id} has {len(found)} version(s): nothing to compare"
                          if len(found) < 2 else f"versions go from 1 to {len(found)}")
        old, new = found[from_n - 1], found[to_n - 1]
        click.echo(f"Article {article_id}: version {from_n} (first seen {old['first_seen']}) → version {to_n} "
                   f"(first seen {new['first_seen']})")
        for change in changes(db, old, new):
            if len(change.removed) == len(change.added) == 1:
                click.echo(f"~ {change.kind}: {word_diff(change.removed[0], change.added[0])}")
                continue
            for text in change.removed:
                click.echo(f"- {change.kind}: {text}")
            for text in change.added:
                click.echo(f"+ {change.kind}: {text}")
    finally:
        db.close()


@click.command()
@archive_option
def verify(archive_dir: Path) -> None:
    """Check the archive's fixity: every WARC and media file unaltered, every database link to a WARC record resolvable.

    Exits non-zero with a report of each problem found.
    """
    from archive.operations.verify import verify as run_verify

    db = reading(archive_dir)
    try:
        report = run_verify(db, archive_dir)
    finally:
        db.close()
    click.echo(f"{report.files} WARC files, {report.records} indexed records, {report.links} database links, "
               f"{report.media} media files checked")
    for problem in report.problems:
        click.echo(f"  PROBLEM {problem}", err=True)
    if not report.ok:
        raise Failure(f"{len(report.problems)} problem(s) found in {archive_dir}")
    click.echo("All files are as they were stored, and every link resolves.")


@click.command()
@schedule_option
def status(schedule_path: Path) -> None:
    """Show each job of the schedule: its trigger, what it covers, its next run and its last run."""
    from archive.operations.summary import last_run
    from archive.schedule.config import next_runs

    schedule = load_schedule(schedule_path)
    upcoming = next_runs(schedule)
    db = reading(schedule.archive) if (schedule.archive / "archive.db").exists() else None  # else: never run
    try:
        for name, job in schedule.jobs.items():
            following, last = upcoming[name], (last_run(db, name) if db else None)
            click.echo(f"{name}: {job.describe()}, covers {job.covers}; "
                       + (f"next {following.isoformat(timespec='minutes')}" if following else "disabled") + "; "
                       + (f"last run {last['id']} {last['status']} at {last['started_at']}" if last else "never run"))
    finally:
        if db:
            db.close()
