"""replay_url and parse_replay_path: the query stays a query, and nothing climbs out of the prefix."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from test_replay_html import REPLAY, TS

from archive.replay.urls import REPLAY_PREFIX, parse_replay_path, replay_url


def test_replay_url_keeps_the_query_and_stays_under_the_prefix():
    url = replay_url(TS, "https://thoxuan.vn/documents/anh (1).JPG?page=2&q=đ#x")
    assert url == f"{REPLAY}https://thoxuan.vn/documents/anh%20(1).JPG?page=2&q=%C4%91#x"
    parts = urlsplit(urljoin("http://ui.example/", url))
    assert parts.path == f"{REPLAY}https://thoxuan.vn/documents/anh%20(1).JPG" and parts.query == "page=2&q=%C4%91"
    assert parse_replay_path(parts.path + "?" + parts.query) == (
        TS, "https://thoxuan.vn/documents/anh%20(1).JPG?page=2&q=%C4%91")
    assert parse_replay_path("/elsewhere/1/x") is None and parse_replay_path(f"{REPLAY_PREFIX}/abc/x") is None
    assert replay_url(TS, "https://a/b", prefix="/ui/replay") == f"/ui/replay/{TS}/https://a/b"
    for climbing in ("https://a/b/../../../../../../etc", "https://../../../x", "../../../../x",
                     "https://a/%2e%2e/%2E%2e/.%2e/x", "https://a/b\\..\\..\\..\\..\\x"):
        path = urlsplit(urljoin("http://ui.example/", replay_url(TS, climbing))).path
        assert path.startswith(REPLAY), (climbing, path)
    for bad_prefix in ("//evil.example", "https://evil.example", "/x\\y", "replay"):
        with pytest.raises(ValueError):
            replay_url(TS, "https://a/", prefix=bad_prefix)
    for bad_ts in ("2025-03-14", "../..", "", "202503140830001"):
        with pytest.raises(ValueError):
            replay_url(bad_ts, "https://a/")
