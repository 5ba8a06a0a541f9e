"""The mock's drift profiles: parsing, ``vidukit serve --drift``, and what the layer touches."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx
import pytest
from drift_support import mock_app

from vidukit.cli import build_parser
from vidukit.cli.serve_cmd import build_config
from vidukit.mock_server.drift import BUILTIN, builtin, load_drift_profile, mutate, parse_profile
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.testing import serving


def test_mutations_rename_replace_and_wrap_in_order() -> None:
    profile = parse_profile({"mutations": [
        {"provider": "runware", "message": "result-response", "op": "rename",
         "path": "/data/*/videoUUID", "to": "videoUuid"},
        {"provider": "runware", "message": "result-response", "op": "replace",
         "path": "/data/*/status", "from": "processing", "to": "pending"},
        {"provider": "runware", "message": "result-response", "op": "wrap", "key": "result"},
    ]})
    body = {"data": [{"status": "processing", "videoUUID": "a"}, {"status": "success"}]}
    assert mutate(body, profile.mutations) == {"result": {"data": [
        {"status": "pending", "videoUuid": "a"}, {"status": "success"}]}}


@pytest.mark.parametrize(("data", "complaint"), [
    ({"mutations": [{"provider": "nope", "op": "wrap", "key": "e", "message": "webhook"}]},
     "mutations[0].provider"),
    ({"mutations": [{"provider": "vtrix", "op": "explode"}]}, "mutations[0].op"),
    ({"mutations": [{"provider": "vtrix", "op": "rename", "message": "result-response",
                     "path": "status"}]}, "rename needs to"),
    ({"mutations": [{"provider": "vtrix", "op": "replace", "message": "result-response",
                     "path": "/status", "to": 1, "color": "red"}]}, "unknown key(s) color"),
    ({"rules": []}, "'mutations' list"),
])
def test_bad_profiles_are_one_line_errors(data: object, complaint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_profile(data, source="p.yaml")
    assert complaint in str(caught.value)
    assert "\n" not in str(caught.value)


def test_builtin_names_and_files(tmp_path: Path) -> None:
    # every profile but rename-terminal, which would hide the finished status, and the
    # callback profiles, which a probe without a callback URL cannot see
    left_out = {"rename-terminal", "drop-callbacks", "bad-callback-signature"}
    assert builtin("all").mutations == tuple(
        m for name, ms in BUILTIN.items() if name not in left_out for m in ms)
    assert builtin("new-status,error-shape").name == "new-status,error-shape"
    with pytest.raises(ConfigError, match="built-in: rename-field"):
        builtin("rename-feild")
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"mutations": [{"provider": "novita", "op": "regress"}]}))
    assert [m.op for m in load_drift_profile(str(path)).mutations] == ["regress"]


def test_serve_takes_a_drift_profile() -> None:
    parser: argparse.ArgumentParser = build_parser()
    config = build_config(parser.parse_args(["serve", "--drift", "error-shape"]))
    assert config.drift is not None and config.drift.name == "error-shape"
    assert build_config(parser.parse_args(["serve"])).drift is None


def test_drift_leaves_admin_media_and_other_answers_alone() -> None:
    """Only the named messages change; the admin API and media bytes are the faithful ones."""
    with serving(mock_app("error-shape")) as live, httpx.Client() as http:
        base = live.base_url("wavespeed")
        auth = {"Authorization": "Bearer k"}
        body = {"prompt": "a cat", "images": ["https://example.com/cat.png"]}
        created = http.post(f"{base}/api/v3/vidu/reference-to-video-q2", json=body, headers=auth)
        refused = http.post(f"{base}/api/v3/vidu/reference-to-video-q2", json={}, headers=auth)
        admin = http.get(f"{live.url}/_mock/tasks")
    assert created.json()["data"]["status"] == "created"  # submit-response untouched
    assert set(refused.json()) == {"error"}  # error-response wrapped
    assert refused.json()["error"]["code"] == 400
    assert int(refused.headers["content-length"]) == len(refused.content)
    assert admin.status_code == 200 and "tasks" in admin.json()
