"""``--store`` and ``--workers``: the URL grammar, the refusals, and the workers' factory."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from vidukit.cli import build_parser, main
from vidukit.cli.serve_cmd import banner, build_config
from vidukit.cli.serve_workers import ENV, app_from_env, encode_args
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.storage import StoreSpec, parse_store_url
from vidukit.mock_server.storage.sqlite import SqliteTaskStore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("memory", StoreSpec("memory")),
        ("sqlite:mock.db", StoreSpec("sqlite", path="mock.db")),
        ("sqlite:/var/lib/vidukit/mock.db", StoreSpec("sqlite", path="/var/lib/vidukit/mock.db")),
        ("redis://cache", StoreSpec("redis", host="cache", port=6379, db=0)),
        ("redis://10.0.0.5:6380/3", StoreSpec("redis", host="10.0.0.5", port=6380, db=3)),
        ("redis://h:1/2?prefix=ci-42", StoreSpec("redis", host="h", port=1, db=2, prefix="ci-42")),
    ],
)
def test_store_urls_are_read(text: str, expected: StoreSpec) -> None:
    assert parse_store_url(text) == expected
    assert parse_store_url(text).persistent == (expected.kind != "memory")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("postgres://db/x", "expected 'memory', 'sqlite:PATH'"),
        ("sqlite:", "needs a file path"),
        ("sqlite:///tmp/x.db", "no //"),
        ("redis://", "redis://HOST"),
        ("redis://h:99999/0", "port"),
        ("redis://h/zero", "database must be a number"),
        ("redis://user:pw@h/0", "no user, password"),
        ("redis://h/0?db=1", "unknown option"),
        ("redis://h/0?prefix=a*b", "prefix must be"),
    ],
)
def test_bad_store_urls_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_store_url(text)
    assert says in str(caught.value)
    with pytest.raises(ConfigError, match="store:"):
        MockConfig(store=text)


def test_store_option_reaches_the_configuration_and_the_banner(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    args = build_parser().parse_args(["serve", "--store", f"sqlite:{path}"])
    config = build_config(args)
    assert (config.store, args.workers) == (f"sqlite:{path}", 1)
    state = create_app(config).state.mock
    assert isinstance(state.store, SqliteTaskStore) and path.exists()
    assert f"  store: sqlite:{path}" in banner(state, "http://127.0.0.1:8000")
    state.store.close()


def test_workers_without_a_shared_store_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["serve", "--port", "0", "--workers", "2"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--store sqlite:PATH" in err
    store = f"sqlite:{tmp_path / 'never.db'}"
    assert main(["serve", "--port", "0", "--workers", "0", "--store", store]) == 2
    assert "--workers: expected 1 to 64" in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()  # refused before anything was opened


def test_the_worker_factory_rebuilds_the_parents_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    with pytest.raises(RuntimeError, match="--workers"):
        app_from_env()
    store = f"sqlite:{tmp_path / 'm.db'}"
    argv = ["serve", "--store", store, "--workers", "3", "--seed", "7", "--clock", "virtual"]
    monkeypatch.setenv(ENV, encode_args(build_parser().parse_args(argv)))
    state = app_from_env().state.mock
    assert (state.config.store, state.config.seed, state.clock.kind) == (store, 7, "virtual")
    state.store.close()


def test_an_unreachable_redis_is_a_config_error_naming_it() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigError, match=f"redis://127.0.0.1:{port}/0: cannot reach Redis"):
        create_app(MockConfig(store=f"redis://127.0.0.1:{port}/0"))


def test_a_sqlite_file_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SqliteTaskStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE name = 'schema'")
    conn.close()
    with pytest.raises(ConfigError, match="schema version 0"):
        SqliteTaskStore(path)
