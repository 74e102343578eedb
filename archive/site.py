"""The portal's facts, read from its site file (archive/sites/NAME.yaml): hosts, start pages, requisite hosts,
renamed categories, time zone. Code holds no fact about the portal; it reads them here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

SITE_FILE = Path(__file__).with_name("sites") / "thoxuan.yaml"


@dataclass(frozen=True)
class Site:
    name: str
    title: str
    hosts: tuple[str, ...]  # main host first: the order of preference of canonical addresses
    home_path: str
    start_urls: tuple[str, ...]
    requisite_hosts: tuple[str, ...]
    category_renames: tuple[tuple[str, str], ...]  # longest first
    timezone: str  # the portal's dates are in it (Vietnam: UTC+7)

    @classmethod
    def load(cls, path: Path) -> Site:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        renames = sorted(dict(data.get("category_renames") or {}).items(), key=lambda item: -len(item[0]))
        return cls(name=data["name"], title=data.get("title", ""), hosts=tuple(data["hosts"]),
                   home_path=data["home_path"].rstrip("/"), start_urls=tuple(data["start_urls"]),
                   requisite_hosts=tuple(data.get("requisite_hosts") or ()), category_renames=tuple(renames),
                   timezone=data["timezone"])


SITE = Site.load(SITE_FILE)
TIMEZONE = ZoneInfo(SITE.timezone)
