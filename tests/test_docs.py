"""The docs keep working: every link resolves, every documented command parses, every
transcript is what a fresh run prints.

A newcomer walks the README and docs/ by copying commands and following links; a renamed
option or a moved page breaks that walk silently unless a test reads the docs as they do.
Commands are parsed with the real ``vidukit`` parser (never run); ``python -m`` and
``pytest`` commands must name modules and files that exist.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from vidukit.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.S | re.M)
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: Fenced block languages whose lines are shell commands.
SHELL_LANGUAGES = {"sh", "console", "shell", "bash"}
_OPERATORS = {"|", "||", "&&", ";", "&", ";;", "(", ")", "|&"}
_REDIRECTS = re.compile(r"^\d*(>|>>|<|&>|>&|<&)$")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", REPO / "docs" / "_generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def doc_files() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


# --- links ----------------------------------------------------------------------------------


def _prose(text: str) -> str:
    """The text outside fenced blocks and inline code, where links are links."""
    text = _FENCE.sub("", text)
    return re.sub(r"(`+).*?\1", "", text, flags=re.S)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())
    text = re.sub(r"[^\w\- ]", "", text.lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for match in re.finditer(r"^#{1,6} +(.+?) *#*$", _FENCE.sub("", text), flags=re.M):
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path: Path) -> list[str]:
    """Every relative link in *path* whose file, or heading after ``#``, does not exist."""
    problems: list[str] = []
    for target in _LINK.findall(_prose(path.read_text(encoding="utf-8"))):
        if _SCHEME.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.exists():
            problems.append(f"{path.name}: link to {target}: no such file")
        elif (anchor and resolved.suffix == ".md"
              and anchor not in anchors(resolved.read_text(encoding="utf-8"))):
            problems.append(f"{path.name}: link to {target}: no heading #{anchor}")
    return problems


# --- commands -------------------------------------------------------------------------------


def shell_commands(text: str) -> Iterator[str]:
    """Each command line of the fenced shell blocks, continuations joined, prompts dropped.

    In a ``console`` block only ``$ `` lines are commands (the rest is their output); in
    the other shell languages every line is.
    """
    for match in _FENCE.finditer(text):
        language, body = match.group(1), match.group(2)
        if language not in SHELL_LANGUAGES:
            continue
        current: str | None = None
        for line in body.splitlines():
            if current is not None:
                current += " " + line.strip()
            elif language == "console":
                if not line.startswith("$ "):
                    continue
                current = line[2:]
            else:
                current = line
            if current.endswith("\\"):
                current = current[:-1].rstrip()
                continue
            if current.strip():
                yield current.strip()
            current = None
        if current:
            yield current.strip()


def simple_commands(command: str) -> list[list[str]]:
    """*command* split at pipes, ``&&``, ``;`` and ``&``, redirections and comments dropped."""
    # "2>&1" lexes as a word "2" then ">&": drop the descriptor so only the operator is left.
    command = re.sub(r"(?<=\s)\d+(?=[<>])", "", command)
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    out: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token in _OPERATORS:
            out.append([])
        elif _REDIRECTS.match(token):
            skip_next = True
        else:
            out[-1].append(token)
    return [words for words in out if words]


def command_problems(command: str) -> list[str]:
    """Why *command* would not work as documented: a vidukit argument argparse refuses, a
    ``python -m`` module or a script or test file that does not exist."""
    problems: list[str] = []
    for words in simple_commands(command):
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]
        if not words:
            continue
        if words[0] == "vidukit":
            problems.extend(_vidukit_problems(words[1:], command))
        elif words[0] in ("python", "python3"):
            problems.extend(_python_problems(words[1:], command))
        elif words[0] == "pytest":
            problems.extend(_paths_missing([w for w in words[1:] if not w.startswith("-")],
                                           command))
    return problems


def _vidukit_problems(arguments: list[str], command: str) -> list[str]:
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            build_parser().parse_args(arguments)
    except SystemExit as exc:
        if exc.code not in (0, None):
            message = stderr.getvalue().strip().splitlines()[-1:] or ["refused"]
            return [f"{command}: {message[0]}"]
    return []


def _python_problems(arguments: list[str], command: str) -> list[str]:
    if arguments[:1] == ["-m"] and len(arguments) > 1:
        module = arguments[1]
        if module == "pytest":
            return _paths_missing([w for w in arguments[2:] if not w.startswith("-")], command)
        try:
            found = importlib.util.find_spec(module)
        except ModuleNotFoundError:
            found = None
        return [] if found is not None else [f"{command}: no module {module}"]
    if arguments and arguments[0].endswith(".py"):
        return _paths_missing(arguments[:1], command)
    return []


def _paths_missing(paths: list[str], command: str) -> list[str]:
    return [f"{command}: no such file {p}" for p in paths
            if not (REPO / p.split("::")[0]).exists()]


# --- the docs as they are ---------------------------------------------------------------------


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(path: Path) -> None:
    assert broken_links(path) == []


@pytest.mark.parametrize("path", doc_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_documented_command_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    problems = [p for command in shell_commands(text) for p in command_problems(command)]
    assert problems == []


def test_the_docs_document_commands_at_all() -> None:
    """The command check reads what it should: the README's tour runs vidukit several ways."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    vidukit = [c for c in shell_commands(readme) if c.startswith("vidukit ")]
    assert {c.split()[1] for c in vidukit} >= {"validate", "serve", "verify", "drift"}


def test_generated_blocks_equal_a_fresh_run() -> None:
    """Transcripts, ids included (the server is seeded), and the command reference."""
    generator = _generator()
    stale = generator.refresh(generator.doc_files())
    assert sorted(str(p.relative_to(REPO)) for p in stale) == [], (
        "run python docs/_generate.py")


def test_every_producer_has_a_block_and_every_block_a_producer() -> None:
    generator = _generator()
    names = [n for path in doc_files()
             for n in generator.block_names(path.read_text(encoding="utf-8"))]
    assert set(names) == set(generator.PRODUCERS)


# --- the checks themselves catch what they are for ----------------------------------------------


def test_a_broken_link_and_a_missing_anchor_are_reported(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text("# The guide\n\n## Set up twice: `it`\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[fine](guide.md) [fine too](guide.md#set-up-twice-it) [self](#page)\n"
        "[gone](missing.md) [no heading](guide.md#set-up-once) [web](https://example.com/x)\n"
        "`[not a link](nowhere.md)`\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "page.md: link to missing.md: no such file",
        "page.md: link to guide.md#set-up-once: no heading #set-up-once",
    ]


def test_a_misspelled_option_is_reported_through_prompts_continuations_and_pipes() -> None:
    doc = (
        "```console\n"
        "$ vidukit validate --provider wavespeed \\\n"
        "    --mesage submit-request f.json | head -3\n"
        "f.json: output lines are never commands\n"
        "$ vidukit serve --clock virtual --seed 3 &\n"
        "```\n"
        "```sh\n"
        "B=x vidukit serve --prot 8000 2>&1 > log.txt  # a comment --noise\n"
        "python -m vidukit.no_such_module --write\n"
        "python -m vidukit.capabilities --check && pytest tests/no_such_test.py::test_x -q\n"
        "python bench/no_such_script.py\n"
        "```\n"
        "```text\n"
        "vidukit serve --not-checked-in-text-blocks\n"
        "```\n"
    )
    problems = [p for command in shell_commands(doc) for p in command_problems(command)]
    assert len(problems) == 5, problems
    assert "--mesage" in problems[0] and "| head -3" in problems[0]
    assert "--prot" in problems[1]
    assert problems[2].endswith("no module vidukit.no_such_module")
    assert problems[3].endswith("no such file tests/no_such_test.py::test_x")
    assert problems[4].endswith("no such file bench/no_such_script.py")


def test_a_stale_transcript_is_found_and_rewritten(tmp_path: Path) -> None:
    generator = _generator()
    page = tmp_path / "page.md"
    page.write_text("before\n<!-- generated:validate-example -->\n```console\n$ vidukit "
                    "validate\nold output\n```\n<!-- /generated:validate-example -->\nafter\n",
                    encoding="utf-8")
    stale = generator.refresh([page])
    assert list(stale) == [page]
    fresh = stale[page]
    assert fresh.startswith("before\n") and fresh.endswith("after\n")
    assert "old output" not in fresh
    assert "[duration.maximum] 9 is greater than the maximum of 8" in fresh
    page.write_text(fresh, encoding="utf-8")
    assert generator.refresh([page]) == {}


def test_the_docs_count_the_broken_clients_there_are() -> None:
    """The README and the verify guide state how many broken clients the catch rate covers."""
    from examples.broken._registry import BROKEN

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    guide = (REPO / "docs" / "guide" / "verify.md").read_text(encoding="utf-8")
    assert f"`examples/broken/` {len(BROKEN)} broken ones" in readme
    assert f"`examples/broken/` holds {len(BROKEN)} broken clients" in guide
