"""What a crawl run did, read back from the archive for the report printed at its end."""

from __future__ import annotations

import json

from sqlite_utils import Database

NO_RUN = "No crawl run was recorded."


def last_run(db: Database, job: str | None = None) -> dict | None:
    where, args = ("where job = ?", [job]) if job else ("", [])
    rows = list(db.query(f"select * from crawl_runs {where} order by id desc limit 1", args))
    return rows[0] if rows else None


def summary(db: Database, run: dict | None) -> str:
    """The report of `run` and of what the archive holds now, in a few lines."""
    if run is None:
        return NO_RUN
    stats = json.loads(run["stats"] or "{}")
    failures = list(db.query(
        "select coalesce(cast(status as text), error) as what, count(*) as n from fetches "
        "where run_id = ? and (status is null or status >= 400) group by what order by n desc", [run["id"]]))
    totals = db.execute("select (select count(*) from articles), (select count(*) from images), "
                        "(select count(*) from files)").fetchone()
    lines = [f"Run {run['id']} ({run['job']}): {run['status']}, {run['started_at']} → {run['finished_at'] or '…'}",
             f"  fetched {run['pages'] or 0} responses, {(run['bytes'] or 0) / 1e6:.1f} MB; "
             f"{run['articles_new'] or 0} new and {run['articles_changed'] or 0} changed articles; "
             f"{run['errors'] or 0} errors"]
    sections = sorted((k.rsplit("/", 1)[1], v) for k, v in stats.items() if k.startswith("portal/section/"))
    if sections:
        lines.append("  article captures by section: " + ", ".join(f"{name or 'home'} {n}" for name, n in sections))
    if failures:
        lines.append("  failed fetches: " + ", ".join(f"{row['what']} ×{row['n']}" for row in failures[:8]))
    lines.append(f"  the archive holds {totals[0]} articles, {totals[1]} images and {totals[2]} files")
    return "\n".join(lines)
