"""``--html FILE`` of ``vidukit verify`` and ``vidukit drift``: what the page says, from real
runs, with payloads that carry markup; and the parts (escaping, the bundled timeline script,
the timeline's input) on their own.

The browser half (the timeline drawn, nothing fetched, nothing run) is
tests/browser/test_html_report_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from html_report_support import (
    DRIFT_KEY,
    DRIFT_PAYLOAD,
    VERIFY_PAYLOAD,
    read_page,
    run_drift,
    run_verify,
    visible,
)

from vidukit.cli import main
from vidukit.reports._assets import AssetError, bundle, dashboard_static, report_script
from vidukit.reports._html import Html, script_json, tag
from vidukit.reports._timeline import from_journal

# --------------------------------------------------------------------------- verify


@pytest.fixture(scope="module")
def verify_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, int, Path]:
    """The broken adapter's run without and with --html: both exit statuses and the page."""
    folder = tmp_path_factory.mktemp("verify")
    with pytest.MonkeyPatch.context() as patch:
        plain = run_verify(folder, patch)
        status = run_verify(folder, patch, "--html", str(folder / "report.html"))
    return plain, status, folder / "report.html"


def test_verify_exit_status_is_the_same_with_html(verify_page: tuple[int, int, Path]) -> None:
    plain, status, _ = verify_page
    assert plain == status == 1


def test_verify_page_names_the_run_and_every_check(verify_page: tuple[int, int, Path]) -> None:
    page = read_page(verify_page[2])
    text = visible(page)
    assert "vidukit verify: wavespeed" in text and "FAILED" in text
    rows = {}
    for row in re.findall(r"<tr class=\"broke\">(.*?)</tr>|<tr>(.*?)</tr>",
                          verify_page[2].read_text(encoding="utf-8")):
        cells = row[0] or row[1]
        name = re.search(r"<code>([a-z-]+)</code>", cells)
        if name:
            rows[name.group(1)] = ("broke" if row[0] else "held", cells)
    assert rows["request-faithful"][0] == "broke"
    assert "✗ broke" in rows["request-faithful"][1]
    assert rows["outcome-matches"][0] == rows["no-crash"][0] == "held"
    assert "the submit carries the canonical request" in rows["request-faithful"][1]
    assert "no exception escapes the adapter" in rows["no-crash"][1]  # passing ones described
    assert "seed 3" in text and "--seed 3" in text
    assert re.search(r"examples run \d+", text)


def test_verify_page_shows_the_minimal_example(verify_page: tuple[int, int, Path]) -> None:
    page = read_page(verify_page[2])
    text = visible(page)
    for part in ("Minimal failing example", "Canonical request", "Provider behaviour",
                 "request-faithful broke", "What the adapter did",
                 "POST /wavespeed/api/v3/vidu/reference-to-video-q2"):
        assert part in text, part
    # The payload is on the page as text: in the failing request and in the check's message.
    assert f"prompt: sent {VERIFY_PAYLOAD!r}" in text  # the check's message
    assert f'"prompt": {json.dumps(VERIFY_PAYLOAD)}' in text  # the request as sent


def test_verify_page_escapes_payloads_and_keeps_no_key(verify_page: tuple[int, int, Path]) -> None:
    raw = verify_page[2].read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in raw and "<img" not in raw
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in raw
    assert "vidukit-verify-" not in raw and "Bearer" not in raw  # the harness's keys
    page = read_page(verify_page[2])
    scripts = [a for t, a in page.tags if t == "script"]
    assert [a.get("type") for a in scripts] == ["application/json", None]  # data, our script
    assert not [a for _, a in page.tags if "src" in a or "href" in a]  # nothing to fetch
    [policy] = [a["content"] for t, a in page.tags
                if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert policy is not None and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy


def test_verify_timeline_data_is_the_exchange_that_failed(
        verify_page: tuple[int, int, Path]) -> None:
    page = read_page(verify_page[2])
    [timeline] = page.data.values()
    [task] = timeline["tasks"]
    assert task["provider"] == "wavespeed" and task["state"] == "succeeded"
    kinds = [e["kind"] for e in task["exchanges"]]
    assert kinds[0] == "submit" and set(kinds[1:]) <= {"poll"}
    assert task["id"] in visible(page)  # the same task as the exchange shows
    times = [e["time"] for e in task["exchanges"]]
    assert times == sorted(times) and task["created"] <= times[0] <= timeline["now"]


def test_html_into_a_missing_folder_is_a_usage_error_before_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    status = run_verify(tmp_path, monkeypatch, "--html", str(tmp_path / "nope" / "r.html"))
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == "" and "--html" in captured.err and "nope" in captured.err


def test_a_passing_run_says_every_check_held(tmp_path: Path) -> None:
    path = tmp_path / "ok.html"
    status = main(["verify", "--provider", "novita", "--adapter", "examples.novita_client:adapter",
                   "--examples", "2", "--seed", "1", "--checks", "requests-valid,no-crash",
                   "--html", str(path)])
    page = read_page(path)
    text = visible(page)
    assert status == 0
    assert "PASSED" in text and text.count("✓ held on every example") == 2
    assert "Minimal failing example" not in text and page.data == {}


# --------------------------------------------------------------------------- drift


@pytest.fixture(scope="module")
def drift_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, int, Path]:
    folder = tmp_path_factory.mktemp("drift")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        plain = run_drift(patch)
        status = run_drift(patch, "--html", str(folder / "drift.html"))
    return plain, status, folder / "drift.html"


def test_drift_exit_status_is_the_same_with_html(drift_page: tuple[int, int, Path]) -> None:
    plain, status, _ = drift_page
    assert plain == status == 1  # a finished task regressed: breaking


def test_drift_page_lists_findings_by_severity(drift_page: tuple[int, int, Path]) -> None:
    raw = drift_page[2].read_text(encoding="utf-8")
    breaking = raw.index('id="findings-breaking"')
    notable = raw.index('id="findings-notable"')
    assert breaking < raw.index("lifecycle-order") < notable < raw.index("enum-value")
    text = visible(read_page(drift_page[2]))
    assert "1 breaking, 1 notable, 0 informational" in text
    assert "finished task went from 'completed' to 'processing'" in text
    assert f"{DRIFT_PAYLOAD!r}"[1:-1] in text or DRIFT_PAYLOAD in text  # the drifted value
    for part in ("Timings", "queue", "processing", "Exchanges (10)", "unknown-task", "no-key"):
        assert part in text, part


def test_drift_page_escapes_and_scrubs(drift_page: tuple[int, int, Path]) -> None:
    raw = drift_page[2].read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in raw
    assert "&lt;script&gt;window.__pwned = 3&lt;/script&gt;" in raw
    assert DRIFT_KEY not in raw and "SECRET" not in raw


def test_drift_timeline_follows_the_probed_task(drift_page: tuple[int, int, Path]) -> None:
    page = read_page(drift_page[2])
    [timeline] = page.data.values()
    [task] = timeline["tasks"]
    assert task["state"] == "succeeded"
    assert list(task["entered"]) == ["queued", "processing", "succeeded"]
    polls = [e for e in task["exchanges"] if e["kind"] == "poll"]
    assert len(polls) == 4  # three to the finished status, one to confirm it
    assert "lifecycle-order" in (polls[-1]["fault"] or "")  # the regressed answer
    assert all("enum-value" in (p["fault"] or "") for p in polls)


# --------------------------------------------------------------------------- parts


def test_tags_escape_text_and_attributes() -> None:
    markup = tag("p", {"title": '"><script>x</script>'}, "<b>&", Html("<i>ok</i>"), None, 3)
    assert markup == ('<p title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">'
                      "&lt;b&gt;&amp;<i>ok</i>3</p>")
    with pytest.raises(ValueError):
        tag("p onclick=x", {})
    with pytest.raises(ValueError):
        tag("p", {"onclick=x y": "1"})


def test_script_json_cannot_close_its_script() -> None:
    text = script_json({"a": "</script><!-- \u2028 &"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text


def test_the_report_runs_the_dashboards_own_timeline_code() -> None:
    script = report_script()
    source = (dashboard_static() / "timeline.js").read_text(encoding="utf-8")
    start = source.index("function renderTimeline")
    body = source[start:source.index("\n}\n", start) + 3]
    assert len(body.splitlines()) > 40
    assert body in script  # verbatim: one timeline, two places
    assert not re.search(r"^\s*(import|export)\b", script, re.MULTILINE)


def test_the_bundler_scopes_modules_and_refuses_what_it_does_not_know() -> None:
    script = bundle({"a.js": "export const X = 1;\nconst private1 = 2;",
                     "main.js": "import { X } from './a.js';\nconsole.log(X);"}, "main.js")
    assert script.index("const X = 1") < script.index("const { X } = __mod_a;")
    with pytest.raises(AssetError, match="not given"):
        bundle({"main.js": "import { X } from './b.js';"}, "main.js")
    with pytest.raises(AssetError, match="module syntax"):
        bundle({"main.js": "export default 1;"}, "main.js")
    with pytest.raises(AssetError, match="cycle"):
        bundle({"a.js": "import { b } from './b.js';", "b.js": "import { a } from './a.js';"},
               "a.js")


def test_journal_entries_become_submit_and_polls_of_their_task() -> None:
    task = {"id": "abcdef0123456789", "provider": "wavespeed", "state": "succeeded",
            "created_at": "2026-01-01T00:00:01.000Z",
            "entered": {"queued": "2026-01-01T00:00:01.000Z",
                        "processing": "2026-01-01T00:00:02.000Z",
                        "succeeded": "2026-01-01T00:00:04.000Z"}}

    def entry(seq: int, at: str, path: str, status: int, body: object = None) -> dict:
        return {"seq": seq, "at": f"2026-01-01T00:00:0{at}Z", "provider": "wavespeed",
                "request": {"method": "GET", "path": path, "query": ""},
                "response": {"status": status, "body": body}, "fault": None}

    exchange = [
        entry(1, "0.500", "/wavespeed/submit", 400, {"message": "bad"}),
        entry(2, "1.001", "/wavespeed/submit", 200, {"data": {"id": "abcdef0123456789"}}),
        entry(3, "3.000", "/wavespeed/predictions/abcdef0123456789/result", 200),
        entry(4, "5.000", "/wavespeed/predictions/abcdef0123456789/result", 200),
    ]
    timeline = from_journal([task], exchange)
    [row] = timeline.tasks
    assert [(e["kind"], e["seq"]) for e in row["exchanges"]] == [
        ("submit", 2), ("poll", 3), ("poll", 4)]
    assert timeline.untasked == [1]
    assert row["finished"] == row["entered"]["succeeded"] == row["created"] + 3
    assert timeline.now == row["exchanges"][-1]["time"]
