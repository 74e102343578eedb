"""The replay's headers: a sandbox without scripts, loads from the UI's own origin only."""

from __future__ import annotations

from archive.replay.headers import REPLAY_CSP


def test_csp_sandboxes_without_scripts_and_allows_only_self():
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in REPLAY_CSP.split(";")) if d}
    assert directives["sandbox"] == []  # no allow-scripts, no allow-same-origin, no allow-forms or popups
    assert directives["default-src"] == ["'none'"]
    for name in ("script-src", "object-src", "connect-src", "base-uri", "form-action", "worker-src"):
        assert directives[name] == ["'none'"], name
    assert directives["frame-ancestors"] == ["'self'"]
    for name, sources in directives.items():
        assert set(sources) <= {"'self'", "'none'", "data:", "'unsafe-inline'"}, name
    assert "data:" not in directives["style-src"] + directives["frame-src"]
