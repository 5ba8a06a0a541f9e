"""Every fixture keeps the promise of its folder and name, and every rule has fixtures.

- ``valid/*``: no error (warnings and notes allowed).
- ``invalid/<rule>[--<variant>]``: exactly one error, of rule ``<rule>``.
- ``warning/<rule>[--<variant>]``: no error and exactly one warning, of rule ``<rule>``.

A fixture is ``*.json``, or ``*.json.gz`` for the few bodies that must be tens
of megabytes (size limits) and compress to almost nothing.

Coverage: every rule id a schema can produce (see `vidukit.rules.derived`)
has an invalid fixture, except ids produced only by ``type``: every typed
field would need one, each such fixture would test the validator rather than
a provider rule, and a wrong ``type`` keyword is caught by the metaschema and
by the valid fixtures. Every named check has, for each provider it targets, a
failing fixture (``invalid/`` for errors, ``warning/`` for warnings) and a
``valid/<rule>[--<variant>]`` fixture showing the accepted side of its line.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vidukit.catalogue import MESSAGES, catalogue, data_root
from vidukit.rules import all_rules
from vidukit.rules.derived import schema_rule_ids
from vidukit.validation import validate

FIXTURES = data_root("fixtures")
KINDS = ("valid", "invalid", "warning")
#: Fixture folders that are not messages (recorded live exchanges, with their own layout).
NOT_MESSAGES = frozenset({"recorded"})
SUFFIXES = (".json.gz", ".json")


@dataclass(frozen=True)
class Fixture:
    path: Path
    provider: str
    message: str
    kind: str

    @property
    def stem(self) -> str:
        name = self.path.name
        return next(name.removesuffix(s) for s in SUFFIXES if name.endswith(s))

    @property
    def rule(self) -> str:
        return self.stem.split("--", 1)[0]

    @property
    def id(self) -> str:
        return f"{self.provider}-{self.message}-{self.kind}-{self.stem}"

    def load(self) -> Any:
        if self.path.name.endswith(".gz"):
            with gzip.open(self.path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
        return json.loads(self.path.read_text(encoding="utf-8"))


def is_definition(provider: str, name: str) -> bool:
    """Fixtures of a provider-local definition (``schemas/<id>/<name>.json``, "not a
    message"): `vidukit validate` does not take them, so the provider's own tests validate
    them against that schema (the WaveSpeed prediction list, say)."""
    return name not in MESSAGES and (data_root("schemas") / provider / f"{name}.json").is_file()


def message_dirs() -> Iterator[tuple[str, str, Path]]:
    for provider_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for message_dir in sorted(p for p in provider_dir.iterdir() if p.is_dir()):
            if message_dir.name not in NOT_MESSAGES and not is_definition(
                    provider_dir.name, message_dir.name):
                yield provider_dir.name, message_dir.name, message_dir


def collect() -> list[Fixture]:
    found = []
    for provider, message, directory in message_dirs():
        for kind in KINDS:
            for path in sorted((directory / kind).glob("*")):
                if path.name.endswith(SUFFIXES):
                    found.append(Fixture(path, provider, message, kind))
    return found


ALL = collect()


def by_kind(kind: str) -> list[Any]:
    return [pytest.param(f, id=f.id) for f in ALL if f.kind == kind]


def pairs() -> list[tuple[str, str]]:
    cat = catalogue()
    return [(p, m) for p in cat.providers() for m in cat.messages(p)]


@pytest.mark.parametrize("fixture", by_kind("valid"))
def test_valid_fixture_has_no_error(fixture: Fixture) -> None:
    errors = [v for v in validate(fixture.provider, fixture.message, fixture.load())
              if v.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("fixture", by_kind("invalid"))
def test_invalid_fixture_breaks_exactly_its_rule(fixture: Fixture) -> None:
    errors = [v for v in validate(fixture.provider, fixture.message, fixture.load())
              if v.severity == "error"]
    assert [v.rule for v in errors] == [fixture.rule], errors


@pytest.mark.parametrize("fixture", by_kind("warning"))
def test_warning_fixture_has_exactly_its_warning(fixture: Fixture) -> None:
    found = validate(fixture.provider, fixture.message, fixture.load())
    errors = [v for v in found if v.severity == "error"]
    warnings = [v for v in found if v.severity == "warning"]
    assert errors == []
    assert [v.rule for v in warnings] == [fixture.rule], warnings


@pytest.mark.parametrize(("provider", "message", "directory"),
                         [pytest.param(p, m, d, id=f"{p}-{m}") for p, m, d in message_dirs()])
def test_fixture_directory_has_a_schema(provider: str, message: str, directory: Path) -> None:
    cat = catalogue()
    assert provider in cat.providers(), f"{directory}: no schemas/{provider}/"
    assert message in cat.messages(provider), f"{directory}: no schemas/{provider}/{message}.json"
    unexpected = sorted(p.name for p in directory.iterdir() if p.name not in KINDS)
    assert unexpected == [], f"{directory}: only {', '.join(KINDS)} belong here"


KNOWN_GAPS: dict[str, str] = json.loads(
    (FIXTURES / "known-gaps.json").read_text(encoding="utf-8"))["gaps"]


def _stems(provider: str, message: str, kind: str) -> set[str]:
    return {f.rule for f in ALL if (f.provider, f.message, f.kind) == (provider, message, kind)}


@pytest.mark.parametrize(("provider", "message"),
                         [pytest.param(p, m, id=f"{p}-{m}") for p, m in pairs()])
def test_every_schema_rule_has_an_invalid_fixture(provider: str, message: str) -> None:
    ids = schema_rule_ids(catalogue(), provider, message)
    wanted = {rule for rule, keywords in ids.items() if keywords != {"type"}}
    gaps = {g.rsplit("/", 1)[1] for g in KNOWN_GAPS if g.startswith(f"{provider}/{message}/")}
    missing = sorted(wanted - gaps - _stems(provider, message, "invalid"))
    assert missing == [], f"fixtures/{provider}/{message}/invalid/ lacks {missing}"


def test_known_gaps_are_real_and_still_needed() -> None:
    """Every known gap names a rule the schema produces and no invalid fixture isolates."""
    cat = catalogue()
    for gap, reason in KNOWN_GAPS.items():
        provider, message, rule = gap.split("/")
        assert reason.strip(), f"{gap}: give the reason"
        assert rule in schema_rule_ids(cat, provider, message), f"{gap}: rule not produced"
        assert rule not in _stems(provider, message, "invalid"), f"{gap}: has a fixture now"


def _named_targets() -> list[Any]:
    known = set(pairs())
    return [
        pytest.param(r.id, r.severity, p, m, id=f"{p}-{m}-{r.id}")
        for r in all_rules() for p, m in sorted(r.targets) if (p, m) in known
    ]


@pytest.mark.parametrize(("rule_id", "severity", "provider", "message"), _named_targets())
def test_every_named_rule_has_fixtures(rule_id: str, severity: str, provider: str,
                                       message: str) -> None:
    failing_kind = "invalid" if severity == "error" else "warning"
    assert rule_id in _stems(provider, message, failing_kind), (
        f"fixtures/{provider}/{message}/{failing_kind}/{rule_id}.json is missing")
    assert rule_id in _stems(provider, message, "valid"), (
        f"fixtures/{provider}/{message}/valid/{rule_id}.json is missing")


def test_fixture_names_only_known_rules() -> None:
    """A fixture named after a rule nothing produces would pass vacuously only if mistyped."""
    cat = catalogue()
    named = {r.id for r in all_rules()}
    known = {(p, m): set(schema_rule_ids(cat, p, m)) | named for p, m in pairs()}
    stale = [
        str(f.path.relative_to(FIXTURES)) for f in ALL
        if f.kind != "valid" and (f.provider, f.message) in known
        and f.rule not in known[(f.provider, f.message)]
    ]
    assert stale == []
