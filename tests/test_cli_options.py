"""Every bad option value is one line on stderr, exit 2, naming the flag: never a traceback.

The table feeds each subcommand's value-taking options something wrong (ports out
of range, negative sizes, words for numbers, broken hosts, missing files and
folders, unknown choices) and holds the answer to the dispatcher's contract
(``vidukit/cli/__init__.py``): ``vidukit COMMAND: error: FLAG: ...``, one line.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from argparse import ArgumentTypeError
from pathlib import Path

import pytest

from vidukit.catalogue import catalogue
from vidukit.cli import build_parser, main
from vidukit.cli._options import host, port
from vidukit.cli.serve_config import FLAGS
from vidukit.drift.observer import Observer
from vidukit.drift.render import render_table
from vidukit.mock_server import create_app
from vidukit.mock_server.config import MockConfig
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.storage.sqlite import SqliteTaskStore
from vidukit.providers import provider_ids, spec
from vidukit.validation import _enum_choices, validate

#: Each provider id: the providers are discovered from their folders (ARCHITECTURE.md, "One
#: provider, one place"), so a new provider's folders add it here too.
PROVIDERS = provider_ids()
#: What a user types when they mistype a path: a folder that is not there, then a name.
MISSING = "{tmp}/no-such-folder/out"

#: Commands with their own subcommands: errors are headed with the full program name.
NESTED = ("export openapi", "schemas show", "schemas rules")
PROXY = ("proxy", "--provider", "vtrix", "--upstream", "http://127.0.0.1:9")
DRIFT = ("drift", "--provider", "vtrix", "--dry-run")
VERIFY = ("verify", "--provider", "wavespeed", "--adapter", "examples.wavespeed_client:adapter")
VALIDATE = ("validate", "--provider", "vtrix", "--message", "submit-request")
EXPORT = ("export", "openapi", "--provider", "vtrix")

#: (argv, the name the user typed that must be named, a phrase the line must hold).
TABLE: list[tuple[tuple[str, ...], str, str]] = [
    # serve: ports, hosts, sizes, counts, text, choices, files, store URLs, MockConfig rules
    (("serve", "--port", "70000"), "--port", "70000 is not a port (0-65535)"),
    (("serve", "--port", "-1"), "--port", "-1 is not a port (0-65535)"),
    (("serve", "--port", "http"), "--port", "'http' is not a port"),
    (("serve", "--host", "127.0.0.300"), "--host", "not an IP address or a resolvable host"),
    (("serve", "--host", "bad host!"), "--host", "not an IP address or a resolvable host"),
    (("serve", "--host", "::1::2"), "--host", "not an IP address or a resolvable host"),
    (("serve", "--host", "nothing.invalid"), "--host", "not an IP address or a resolvable"),
    (("serve", "--host", "0.0.0.0"), "--admin-token", "required when binding to 0.0.0.0"),
    (("serve", "--journal-size", "-1"), "--journal-size", "expected 0 or more, got -1"),
    (("serve", "--journal-size", "lots"), "--journal-size", "expected a whole number"),
    (("serve", "--journal-max-bytes", "-5"), "--journal-max-bytes", "0 or more"),
    (("serve", "--journal-max-age", "-1"), "--journal-max-age", "0 or more"),
    (("serve", "--journal-max-age", "inf"), "--journal-max-age", "0 or more"),
    (("serve", "--max-body-bytes", "0"), "--max-body-bytes", "expected 1 or more, got 0"),
    (("serve", "--max-body-bytes", "1e6"), "--max-body-bytes", "expected a whole number"),
    (("serve", "--max-tasks", "-1"), "--max-tasks", "0 or more"),
    (("serve", "--workers", "0"), "--workers", "expected 1 to 64, got 0"),
    (("serve", "--workers", "65"), "--workers", "expected 1 to 64, got 65"),
    (("serve", "--seed", "x"), "--seed", "expected a whole number"),
    (("serve", "--jitter", "1"), "--jitter", "from 0 to below 1"),
    (("serve", "--jitter", "-0.1"), "--jitter", "from 0 to below 1"),
    (("serve", "--jitter", "nan"), "--jitter", "from 0 to below 1"),
    (("serve", "--api-key", ""), "--api-key", "cannot be empty"),
    (("serve", "--admin-token", ""), "--admin-token", "cannot be empty"),
    (("serve", "--webhook-secret", ""), "--webhook-secret", "cannot be empty"),
    (("serve", "--public-url", "example.com"), "--public-url", "expected an http(s) URL"),
    (("serve", "--clock", "sundial"), "--clock", "invalid choice: 'sundial'"),
    (("serve", "--webhook-targets", "mars"), "--webhook-targets", "invalid choice"),
    (("serve", "--log-level", "loud"), "--log-level", "invalid choice"),
    (("serve", "--store", "postgres://db/x"), "--store", "expected 'memory', 'sqlite:PATH'"),
    (("serve", "--store", f"sqlite:{MISSING}.db"), "--store", "no-such-folder does not exist"),
    (("serve", "--progression", "slowly"), "--progression", "bad progression 'slowly'"),
    (("serve", "--outcome", "maybe"), "--outcome", "bad outcome 'maybe'"),
    (("serve", "--quotas", "generous"), "--quotas", "unknown profile 'generous'"),
    (("serve", "--quotas", "documented,wavespeed.concurrency=-1"), "--quotas",
     "wavespeed.concurrency"),
    (("serve", "--scenarios", f"{MISSING}.yaml"), "--scenarios", "cannot read"),
    (("serve", "--drift", "sideways"), "--drift", "unknown profile"),
    # proxy
    ((*PROXY, "--port", "70000"), "--port", "70000 is not a port (0-65535)"),
    ((*PROXY, "--port", "-1"), "--port", "-1 is not a port (0-65535)"),
    ((*PROXY, "--port", "eighty"), "--port", "'eighty' is not a port"),
    (("proxy", "--provider", "vtrix", "--upstream", "ftp://x"), "--upstream", "http(s) URL"),
    (("proxy", "--provider", "acme", "--upstream", "http://x"), "--provider", "invalid choice"),
    ((*PROXY, "--journal", f"{MISSING}.jsonl"), "--journal", "no-such-folder does not exist"),
    ((*PROXY, "--record", MISSING), "--record", "no-such-folder does not exist"),
    ((*PROXY, "--propose-patch", MISSING), "--propose-patch", "no-such-folder does not exist"),
    ((*PROXY, "--output", MISSING), "--output", "no-such-folder does not exist"),
    ((*PROXY, "--format", "html"), "--format", "invalid choice: 'html'"),
    ((*PROXY, "--fail-on", "sometimes"), "--fail-on", "invalid choice"),
    # drift
    ((*DRIFT, "--max-cost", "cheap"), "--max-cost", "expected a number of USD"),
    ((*DRIFT, "--max-cost", "-1"), "--max-cost", "non-negative"),
    ((*DRIFT, "--poll-interval", "0"), "--poll-interval", "positive number of seconds"),
    ((*DRIFT, "--timeout", "soon"), "--timeout", "expected seconds"),
    ((*DRIFT, "--base-url", "api.vtrix.ai"), "--base-url", "http(s) URL"),
    ((*DRIFT, "--output", MISSING), "--output", "no-such-folder does not exist"),
    ((*DRIFT, "--html", f"{MISSING}.html"), "--html", "no-such-folder does not exist"),
    ((*DRIFT, "--record", MISSING), "--record", "no-such-folder does not exist"),
    ((*DRIFT, "--propose-patch", MISSING), "--propose-patch", "no-such-folder does not exist"),
    (("drift", "--provider", "acme"), "--provider", "invalid choice: 'acme'"),
    # verify
    (("verify", "--provider", "acme", "--adapter", "m:f"), "--provider",
     "unknown provider 'acme'"),
    ((*VERIFY, "--examples", "0"), "--examples", "positive"),
    ((*VERIFY, "--examples", "many"), "--examples", "expected a number"),
    ((*VERIFY, "--seed", "x"), "--seed", "expected a whole number"),
    ((*VERIFY, "--poll-rate-limit", "-2"), "--poll-rate-limit", "positive"),
    ((*VERIFY, "--budget", "0"), "--budget", "positive"),
    ((*VERIFY, "--poll-timeout", "-1"), "--poll-timeout", "positive"),
    ((*VERIFY, "--mode", "carrier-pigeon"), "--mode", "invalid choice"),
    ((*VERIFY, "--junit-xml", f"{MISSING}.xml"), "--junit-xml", "no-such-folder does not exist"),
    ((*VERIFY, "--html", f"{MISSING}.html"), "--html", "no-such-folder does not exist"),
    # validate
    (("validate", "--provider", "acme", "--message", "submit-request", "-"), "--provider",
     "unknown provider 'acme'"),
    (("validate", "--provider", "vtrix", "--message", "poll-request", "-"), "--message",
     "no message 'poll-request'"),
    ((*VALIDATE, "--format", "yaml", "-"), "--format", "invalid choice"),
    ((*VALIDATE, f"{MISSING}.json"), f"{MISSING}.json", "No such file"),
    # export
    (("export", "openapi", "--provider", "acme"), "--provider", "unknown provider 'acme'"),
    ((*EXPORT, "--format", "xml"), "--format", "invalid choice"),
    ((*EXPORT, "--server", "127.0.0.1:8000"), "--server", "http(s) URL"),
    ((*EXPORT, "-o", f"{MISSING}.json"), "-o/--output", "no-such-folder does not exist"),
    (("export", "openapi", "--provider", "all", "-o", MISSING), "-o/--output",
     "no-such-folder does not exist"),
    (("export", "yaml"), "KIND", "invalid choice: 'yaml'"),
    # schemas
    (("schemas", "show", "vtrix", "poll-request"), "poll-request", "no message 'poll-request'"),
    (("schemas", "rules", "acme", "submit-request"), "acme", "unknown provider 'acme'"),
    (("schemas", "list"), "ACTION", "invalid choice: 'list'"),
]


def _ids() -> list[str]:
    return [" ".join(argv[:1] + argv[-2:]) for argv, _, _ in TABLE]


def run_failing(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command in this process: `main` returns argparse's refusals as statuses too."""
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(("argv", "flag", "says"), TABLE, ids=_ids())
def test_a_bad_option_is_one_line_naming_the_flag(
    argv: tuple[str, ...], flag: str, says: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    flag = flag.replace("{tmp}", str(tmp_path))
    status, out, err = run_failing(args, capsys)
    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    line = err.rstrip("\n")
    nested = " ".join(args[:2])  # the innermost (sub)command speaks, as argparse does
    command = nested if nested in NESTED else args[0]
    assert line.startswith(f"vidukit {command}: error: "), line
    assert flag in line and says in line, line
    assert not (tmp_path / "no-such-folder").exists()  # refused, not created


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(MockConfig)])
def test_config_field_errors_are_shown_under_the_serve_flag(field: str) -> None:
    """A new MockConfig field must either map to its flag or be declared unreachable."""
    unreachable = {"virtual_start", "check_responses", "webhook_timeout"}
    if field in unreachable:
        assert field not in FLAGS
        return
    flags = {a for action in _serve_actions() for a in action.option_strings}
    assert FLAGS[field] in flags


def _serve_actions() -> list[argparse.Action]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices["serve"]._actions)


def test_host_accepts_addresses_and_names_the_resolver_knows() -> None:
    assert host("127.0.0.1") == "127.0.0.1"
    assert host("::1") == "::1"
    assert host("[::1]") == "::1"  # brackets as in URLs; bind() wants them off
    assert host("localhost") == "localhost"  # /etc/hosts, the resolver's own answer
    for broken in ("127.0.0.300", "256.1.1.1", "10", "", "a..b", "-lead.example"):
        with pytest.raises(ArgumentTypeError, match="not an IP address"):
            host(broken)


def test_ports_are_0_to_65535() -> None:
    assert (port("0"), port("1"), port("65535")) == (0, 1, 65535)
    for bad in ("65536", "-1", "8080.0", "0x50", ""):
        with pytest.raises(ArgumentTypeError, match="is not a port"):
            port(bad)


def test_the_console_script_prints_one_line_for_an_out_of_range_port() -> None:
    """The issue's own command line, through a real process: no 15-line traceback."""
    done = subprocess.run([sys.executable, "-m", "vidukit", "serve", "--port", "70000"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr == "vidukit serve: error: --port: 70000 is not a port (0-65535)\n"
    assert done.stdout == ""


def test_export_all_creates_the_named_folder_but_not_its_parents(tmp_path: Path) -> None:
    target = tmp_path / "openapi"
    assert main(["export", "openapi", "--provider", "all", "-o", str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(
        f"{p}.openapi.json" for p in catalogue().providers())
    assert main(["export", "openapi", "--provider", "all", "-o",
                 str(tmp_path / "a" / "b")]) == 2
    assert not (tmp_path / "a").exists()


def test_the_sqlite_store_refuses_a_missing_folder_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state" / "mock.db"
    with pytest.raises(ConfigError, match=r"folder .*state does not exist"):
        SqliteTaskStore(path)
    with pytest.raises(ConfigError, match=r"folder .*state does not exist"):
        create_app(MockConfig(store=f"sqlite:{path}"))
    assert not (tmp_path / "state").exists()
    SqliteTaskStore(tmp_path / "mock.db").close()  # an existing folder is enough
    assert (tmp_path / "mock.db").is_file()


def test_help_opens_with_what_vidukit_is_for_users(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    description = text.split("\n\n")[1]  # after the usage paragraph
    assert "Vidu Q2" in description and "``" not in description
    assert "module" not in description and "entry point" not in description
    for provider in provider_ids():  # every provider, by the name its spec gives
        assert spec(provider).title in " ".join(description.split())
    for command in ("validate", "schemas", "serve", "export", "verify", "proxy", "drift"):
        assert f"    {command} " in text


def test_the_proxy_report_is_headed_as_the_proxy() -> None:
    report = Observer("vtrix").report(mode="proxy", source="http://127.0.0.1:9")
    text = render_table(report)
    assert text.splitlines()[0] == "vidukit proxy: vtrix traffic relayed to http://127.0.0.1:9"
    assert "vidukit drift" not in text
    probe = Observer("vtrix").report(mode="probe", source="http://127.0.0.1:9")
    assert render_table(probe).startswith("vidukit drift: vtrix (probe)")


def test_enum_violations_list_the_choices() -> None:
    """WaveSpeed's resolutions per provider-docs/README.md: 720p, 360p, 540p, 1080p."""
    found = validate("wavespeed", "submit-request",
                     {"prompt": "a fox", "images": ["https://example.com/fox.jpg"],
                      "resolution": "4k"})
    (violation,) = [v for v in found if v.rule == "resolution.enum"]
    assert "other candidates" not in violation.message
    assert violation.message.startswith('"4k" is not one of ')
    listed = violation.message.removeprefix('"4k" is not one of ').split(", ")
    assert sorted(listed) == sorted(['"360p"', '"540p"', '"720p"', '"1080p"'])


def test_enum_messages_stop_listing_after_ten() -> None:
    choices = [f"c{i}" for i in range(12)]
    assert _enum_choices(choices) == ('"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", '
                                      '"c8", "c9" and 2 more')
    assert _enum_choices(["720p"]) == '"720p"'
