"""Write the docs' generated blocks from real runs, so no transcript can go stale.

A generated block sits between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``
in README.md or a page under docs/. Each NAME has a producer here that runs what the block
shows: ``vidukit validate`` on a fixture, ``vidukit serve`` with the flags the transcript
prints and curl against it, or the real argparse parser for the command reference.

    python docs/_generate.py           # rewrite every block
    python docs/_generate.py --check   # exit 1, naming the stale blocks, when any differs

``tests/test_docs.py`` runs the check, so a transcript that a fresh server would not print
again (another id, another status) fails the suite. The server runs on a free loopback port;
its answers are written with the documented ``127.0.0.1:8000``, the one thing rewritten.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The origin every documented transcript shows (``vidukit serve``'s default).
DOC_ORIGIN = "127.0.0.1:8000"

_BLOCK = re.compile(
    r"(<!-- generated:(?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)",
    re.S,
)


def doc_files() -> list[Path]:
    """README.md and every Markdown page under docs/, in a stable order."""
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


# --- running things -----------------------------------------------------------------------

_VIDUKIT = [sys.executable, "-c", "import sys; from vidukit.cli import main; sys.exit(main())"]


def _run_vidukit(words: Sequence[str]) -> str:
    """stdout of one ``vidukit`` command run from the repository root (any exit status)."""
    done = subprocess.run([*_VIDUKIT, *words], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
    return done.stdout


@contextmanager
def serving(flags: Sequence[str]) -> Iterator[str]:
    """``vidukit serve FLAGS --port 0`` as a subprocess; yields its ``host:port``.

    Port 0 lets the server pick a free port and print it in its banner, so there is no
    race between choosing a port and binding it.
    """
    process = subprocess.Popen(
        [*_VIDUKIT, "serve", *flags, "--host", "127.0.0.1", "--port", "0",
         "--log-level", "warning"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        found = re.search(r"http://(127\.0\.0\.1:\d+)", banner)
        if found is None:
            raise RuntimeError(f"vidukit serve did not start: {banner.strip()!r}")
        origin = found.group(1)
        _wait_for(origin)
        yield origin
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _wait_for(origin: str, seconds: float = 30.0) -> None:
    host, port = origin.rsplit(":", 1)
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"vidukit serve did not listen on {origin}") from None
            time.sleep(0.05)


# --- the producers --------------------------------------------------------------------------

VALIDATE_EXAMPLE = ["validate", "--provider", "wavespeed", "--message", "submit-request",
                    "fixtures/wavespeed/submit-request/invalid/duration.maximum.json"]


def validate_transcript() -> str:
    """The README's first command: one invalid fixture and what the validator says."""
    return _console([("vidukit " + shlex.join(VALIDATE_EXAMPLE), _run_vidukit(VALIDATE_EXAMPLE))])


#: The flags the WaveSpeed session's server runs with (printed as its first line).
SESSION_SERVE = ["--clock", "virtual", "--seed", "0"]
_SUBMIT = '"$B/api/v3/vidu/reference-to-video-q2"'
_JSON = '-H "Authorization: Bearer my-key" -H "Content-Type: application/json"'
#: The session's commands; ``{id}`` is the task id the first submit answered.
SESSION = [
    "B=http://127.0.0.1:8000/wavespeed",
    f"curl -s -X POST {_SUBMIT} {_JSON} \\\n"
    """    -d '{"prompt":"a cat turns its head","images":["https://example.com/cat.png"],"duration":5}'""",
    '''curl -s "$B/api/v3/predictions/{id}/result" -H "Authorization: Bearer my-key"''',
    """curl -s -X POST http://127.0.0.1:8000/_mock/clock/advance -d '{"seconds": 10}'""",
    '''curl -s "$B/api/v3/predictions/{id}/result" -H "Authorization: Bearer my-key"''',
    f"curl -s -X POST {_SUBMIT} {_JSON} \\\n"
    """    -d '{"prompt":"x","images":[],"duration":9}'""",
]


def wavespeed_session() -> str:
    """Submit, poll, advance the virtual clock, poll again, and one invalid submit."""
    steps: list[tuple[str, str]] = [(f"vidukit serve {shlex.join(SESSION_SERVE)} &", "")]
    with serving(SESSION_SERVE) as origin:
        assignments: list[str] = []
        task_id = ""
        for template in SESSION:
            command = template.replace("{id}", task_id)
            if re.fullmatch(r"[A-Z_]+=\S+", command):
                assignments.append(command.replace(DOC_ORIGIN, origin))
                steps.append((command, ""))
                continue
            script = "\n".join([*assignments, command.replace(DOC_ORIGIN, origin)])
            done = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                                  timeout=60, check=True)
            answer = done.stdout.replace(origin, DOC_ORIGIN)
            if not task_id:
                task_id = str(json.loads(answer)["data"]["id"])
            steps.append((command, answer))
    return _console(steps)


#: The drift example: a mock with every drift profile on, whose tasks finish on the third
#: poll (not after wall-clock seconds), so the findings and their counts repeat exactly.
DRIFT_SERVE = ["--drift", "all", "--progression", "polls=3"]
DRIFT_PROBE = ["drift", "--provider", "wavespeed", "--base-url", f"http://{DOC_ORIGIN}/wavespeed",
               "--poll-interval", "0.05"]


def drift_example() -> str:
    """``vidukit drift`` against ``vidukit serve --drift all``: the report a drifted provider gets.

    The one wall-clock figure, the measured processing time, is written as ``N.NNN``.
    """
    command = "WAVESPEED_API_KEY=any-key vidukit " + shlex.join(DRIFT_PROBE)
    with serving(DRIFT_SERVE) as origin:
        words = [w.replace(DOC_ORIGIN, origin) for w in DRIFT_PROBE]
        done = subprocess.run([*_VIDUKIT, *words], cwd=REPO, capture_output=True, text=True,
                              timeout=120, check=False,
                              env={**os.environ, "WAVESPEED_API_KEY": "any-key"})
    report = re.sub(r"(timing: processing )[\d.]+( s)", r"\1N.NNN\2",
                    done.stdout.replace(origin, DOC_ORIGIN))
    return _console([(f"vidukit serve {shlex.join(DRIFT_SERVE)} &", ""), (command, report)])


#: Where the TLS transcript shows the CA: the default folder of a user named "you".
TLS_DOC_FOLDER = "/home/you/.cache/vidukit/tls"


def tls_banner() -> str:
    """``vidukit serve --tls``'s start-up lines, up to the last environment line.

    It runs on free ports with a temporary certificate folder; the transcript shows the
    default ports (8000, 8443) and the default folder (`TLS_DOC_FOLDER`).
    """
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            [*_VIDUKIT, "serve", "--tls", "--port", "0", "--tls-port", "0", "--tls-dir", folder,
             "--log-level", "warning"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True,
        )
        lines: list[str] = []
        try:
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                if "REQUESTS_CA_BUNDLE" in line:
                    break
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
            if process.stdout is not None:
                process.stdout.close()
    text = "\n".join(lines).replace(folder, TLS_DOC_FOLDER)
    text = re.sub(r"http://127\.0\.0\.1:\d+", f"http://{DOC_ORIGIN}", text)
    text = re.sub(r"https://127\.0\.0\.1:\d+", "https://127.0.0.1:8443", text)
    return _console([("vidukit serve --tls", text)])


def _console(steps: Sequence[tuple[str, str]]) -> str:
    lines = ["```console"]
    for command, output in steps:
        lines.append("$ " + command)
        if output:
            lines.append(output.rstrip("\n"))
    lines.append("```")
    return "\n".join(lines) + "\n"


def cli_reference() -> str:
    """Every ``vidukit`` command with every argument, read from the parser itself."""
    from vidukit.cli import build_parser

    out: list[str] = []
    _describe(build_parser(), "vidukit", out, level=1)
    return "\n".join(out).strip() + "\n"


def _describe(parser: argparse.ArgumentParser, name: str, out: list[str], level: int) -> None:
    subcommands: list[tuple[str, argparse.ArgumentParser]] = []
    rows: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subcommands.extend(action.choices.items())
        elif not isinstance(action, argparse._HelpAction):
            rows.append(f"| {_argument(action)} | {_cell(_help(action))} |")
    if level > 1:
        out.extend([f"{'#' * level} `{name}`", ""])
        if parser.description:
            out.extend([_cell(parser.description), ""])
    if rows:
        out.extend(["| argument | meaning |", "|---|---|", *rows, ""])
    for sub_name, sub in subcommands:
        _describe(sub, f"{name} {sub_name}", out, level + 1)


def _argument(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    metavar = ""
    if action.nargs != 0:
        if action.choices is not None:
            metavar = " {" + ",".join(str(c) for c in action.choices) + "}"
        else:
            metavar = f" {action.metavar or action.dest.upper()}"
    return ", ".join(f"`{o}{metavar}`" for o in action.option_strings).replace("|", "\\|")


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    return text % {"default": action.default, "prog": ""} if "%(" in text else text


def _cell(text: str) -> str:
    """One Markdown table cell or paragraph: one line, pipes escaped, no stray HTML tags."""
    text = " ".join(text.split()).replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def verify_checks() -> str:
    """The checks ``vidukit verify`` runs, as the check registry describes them."""
    from vidukit.contract_tests.checks import readme_table

    return readme_table() + "\n"


def drift_kinds() -> str:
    """Every kind of drift finding with its severity and meaning, from the report's table."""
    from vidukit.drift.report import KINDS

    rows = ["| kind | severity | what it means |", "|---|---|---|"]
    rows += [f"| `{kind}` | {severity} | {_cell(meaning)} |"
             for kind, (severity, meaning) in KINDS.items()]
    return "\n".join(rows) + "\n"


PRODUCERS: dict[str, Callable[[], str]] = {
    "validate-example": validate_transcript,
    "wavespeed-session": wavespeed_session,
    "cli-reference": cli_reference,
    "drift-example": drift_example,
    "verify-checks": verify_checks,
    "drift-kinds": drift_kinds,
    "tls-banner": tls_banner,
}


# --- rewriting the files ----------------------------------------------------------------------


def render(text: str, produce: Callable[[str], str]) -> str:
    """*text* with every generated block's body replaced by ``produce(name)``."""
    def body(match: re.Match[str]) -> str:
        return match.group(1) + produce(match.group("name")) + match.group(4)
    return _BLOCK.sub(body, text)


def block_names(text: str) -> list[str]:
    return [m.group("name") for m in _BLOCK.finditer(text)]


def refresh(files: Sequence[Path]) -> dict[Path, str]:
    """Each file whose generated blocks differ from a fresh run, with its fresh text."""
    cache: dict[str, str] = {}

    def produce(name: str) -> str:
        if name not in PRODUCERS:
            raise KeyError(f"no producer for generated block {name!r} (docs/_generate.py)")
        if name not in cache:
            cache[name] = PRODUCERS[name]()
        return cache[name]

    stale: dict[Path, str] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        fresh = render(text, produce)
        if fresh != text:
            stale[path] = fresh
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true",
                        help="rewrite nothing; exit 1 when a generated block is stale")
    args = parser.parse_args(argv)
    stale = refresh(doc_files())
    for path, text in stale.items():
        where = path.relative_to(REPO)
        if args.check:
            print(f"{where}: generated block is stale: run python docs/_generate.py",
                  file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"rewrote {where}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
