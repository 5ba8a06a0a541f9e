"""The validator core: rule-id derivation, x-rule lookup, notes, and the fast verdict."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from vidukit.catalogue import BASE_URI, DIALECT, build_catalogue, catalogue, data_root
from vidukit.rules.derived import schema_rule_ids
from vidukit.validation import build_validator, is_valid, validate

FIXTURES = data_root("fixtures")


def _write(root: Path, relative: str, document: dict[str, Any]) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"$schema": DIALECT, "$id": BASE_URI + relative, **document}
    path.write_text(json.dumps(document), encoding="utf-8")


ROOT_SOURCE = "provider-docs/root.txt"
REQUEST = {
    "title": "t", "description": "d", "x-source": ROOT_SOURCE,
    "type": "object",
    "additionalProperties": False,
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string"},
        "duration": {"type": "integer", "maximum": 8},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}},
        "parts": {"type": "array", "items": {"$ref": "#/$defs/part"}},
        "pair": {"x-rule": "outer", "type": "object", "additionalProperties": False,
                 "properties": {"inner": {"$ref": "../_shared/inner.json"}}},
        "mode": {"anyOf": [{"const": "x"}, {"const": "y"}]},
    },
    "allOf": [{"if": {"required": ["tags"]},
               "then": {"x-rule": "tags-need-duration", "required": ["duration"]}}],
    "$defs": {"part": {"x-rule": "part-rule", "x-source": "provider-docs/part.txt",
                       "type": "string", "pattern": "^p"}},
}


@pytest.fixture
def cat(tmp_path: Path) -> Any:
    _write(tmp_path, "_shared/inner.json", {"x-rule": "inner-rule", "type": "string",
                                            "minLength": 2})
    _write(tmp_path, "wavespeed/submit-request.json", REQUEST)
    _write(tmp_path, "wavespeed/result-response.json", {
        "title": "t", "description": "d", "x-source": ROOT_SOURCE, "type": "object",
        "required": ["id"], "properties": {"id": {"type": "string"},
                                           "data": {"type": "object",
                                                    "properties": {"n": {"type": "integer"}}}}})
    return build_catalogue(tmp_path)


def found(cat: Any, instance: Any, message: str = "submit-request") -> list[tuple[str, str, str]]:
    validator = build_validator(cat, "wavespeed", message)
    return [(v.severity, v.path, v.rule) for v in validator.violations(instance)]


def test_rule_ids_come_from_path_and_keyword(cat: Any) -> None:
    assert found(cat, {"duration": 9, "tags": ["a", "z"], "extra": 1}) == [
        ("error", "", "prompt.required"),
        ("error", "", "unknown-field"),
        ("error", "/duration", "duration.maximum"),
        ("error", "/tags/1", "tags.enum"),
    ]


def test_nearest_x_rule_wins_through_refs_in_the_same_file_and_in_shared_files(cat: Any) -> None:
    assert found(cat, {"prompt": "p", "parts": ["q"], "pair": {"inner": "i", "z": 1}}) == [
        ("error", "/pair", "outer"),
        ("error", "/pair/inner", "inner-rule"),
        ("error", "/parts/0", "part-rule"),
    ]


def test_cross_field_rule_and_source_of_the_nearest_subschema(cat: Any) -> None:
    validator = build_validator(cat, "wavespeed", "submit-request")
    violations = validator.violations({"prompt": "p", "tags": ["a"], "parts": ["x"]})
    by_rule = {v.rule: v for v in violations}
    assert set(by_rule) == {"tags-need-duration", "part-rule"}
    assert by_rule["part-rule"].source == "provider-docs/part.txt"
    assert by_rule["tags-need-duration"].source == ROOT_SOURCE


def test_unknown_fields_are_named_in_the_message(cat: Any) -> None:
    validator = build_validator(cat, "wavespeed", "submit-request")
    (violation,) = validator.violations({"prompt": "p", "colour": "red"})
    assert violation.rule == "unknown-field" and "'colour'" in violation.message


def test_combinator_messages_stay_short(cat: Any) -> None:
    validator = build_validator(cat, "wavespeed", "submit-request")
    (violation,) = validator.violations({"prompt": "p", "mode": {"k": "v" * 5000}})
    assert violation.rule == "mode.anyOf"
    assert len(violation.message) <= 200 and "anyOf" in violation.message


def test_response_undeclared_fields_are_notes_not_errors(cat: Any) -> None:
    assert found(cat, {"id": "1", "new": True, "data": {"n": 1, "m": 2}}, "result-response") == [
        ("note", "", "unknown-field"),
        ("note", "/data", "unknown-field"),
    ]
    validator = build_validator(cat, "wavespeed", "result-response")
    assert validator.violations({"id": "1", "new": True}, notes=False) == []
    assert validator.is_valid({"id": "1", "new": True})


def test_schema_rule_ids_lists_what_the_validator_can_report(cat: Any) -> None:
    ids = schema_rule_ids(cat, "wavespeed", "submit-request")
    assert set(ids) == {
        "type", "unknown-field", "prompt.required", "prompt.type", "duration.type",
        "duration.maximum", "tags.type", "tags.enum", "parts.type", "part-rule", "outer",
        "inner-rule", "mode.anyOf", "tags-need-duration",
    }
    assert ids["part-rule"] == {"type", "pattern"}


def _all_fixtures() -> list[Any]:
    paths = sorted(FIXTURES.glob("*/*/*/*.json")) + sorted(FIXTURES.glob("*/*/*/*.json.gz"))
    messages = {(provider, m) for provider in catalogue().providers()
                for m in catalogue().messages(provider)}
    # A provider-local definition's fixtures (not a message: `validate` does not take it)
    # are its provider's tests' business (tests/test_fixtures.py, is_definition).
    return [pytest.param(p, id="/".join(p.parts[-4:])) for p in paths
            if p.parts[-2] in ("valid", "invalid", "warning")
            and (p.parts[-4], p.parts[-3]) in messages]


def _load(path: Path) -> Any:
    if path.suffix == ".gz":
        return json.loads(gzip.decompress(path.read_bytes()))
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _all_fixtures())
def test_fast_verdict_agrees_with_the_full_report(path: Path) -> None:
    provider, message = path.parts[-4], path.parts[-3]
    instance = _load(path)
    has_errors = any(v.severity == "error" for v in validate(provider, message, instance))
    assert is_valid(provider, message, instance) is not has_errors


def test_the_json_text_lets_the_checks_skip_data_uris_only_where_none_can_hide() -> None:
    """A submit whose text spells no ``data:`` (nor any escape that could spell one) holds
    no inline reference; an escaped one is still found and judged."""
    from vidukit.validation import may_hold_data_uri, validator

    check = validator("wavespeed", "submit-request")
    url = {"prompt": "a cat", "images": ["https://example.com/cat.png"]}
    raw_url = json.dumps(url).encode()
    assert not may_hold_data_uri(raw_url)
    assert check.is_valid(url, raw=raw_url)
    # Not base64 (the data-uri-base64 rule): refused however the text spells it.
    bad = {"prompt": "a cat", "images": ["data:image/png;base64,!!!!"]}
    plain = json.dumps(bad).encode()
    escaped = plain.replace(b"data:", b"\\u0064ata:")
    assert json.loads(escaped) == bad
    for raw in (plain, escaped):
        assert may_hold_data_uri(raw)
        assert not check.is_valid(bad, raw=raw)
    assert not check.is_valid(bad)


def test_the_errors_alone_are_the_full_reports_errors_for_every_fixture() -> None:
    """What the mock's 400 lists (``errors_only``, with the JSON text) is exactly the full
    report's errors, for every valid, invalid and warning fixture of every message."""
    from vidukit.validation import validator

    for param in _all_fixtures():
        path = param.values[0]
        provider, message = path.parts[-4], path.parts[-3]
        body = _load(path)
        check = validator(provider, message)
        raw = path.read_bytes() if path.suffix == ".json" else None
        full = [v for v in check.violations(body, notes=False) if v.severity == "error"]
        assert check.violations(body, notes=False, errors_only=True, raw=raw) == full, path


def test_the_checks_skipped_for_linked_bodies_read_only_inline_references() -> None:
    """A rule marked ``inline_only`` is skipped when the JSON text holds no ``data:``: it
    must find nothing in any body once its inline references are gone, and the verdict
    with the text must be the verdict without it, for every fixture."""
    from vidukit.rules._payload import Payload
    from vidukit.rules.registry import all_rules
    from vidukit.validation import validator

    inline = [r for r in all_rules() if r.inline_only]
    assert {r.id for r in inline} >= {"data-uri-base64", "data-uri-media-type"}
    for param in _all_fixtures():
        path = param.values[0]
        provider, message = path.parts[-4], path.parts[-3]
        body = _load(path)
        for rule in inline:
            if (provider, message) not in rule.targets:
                continue
            payload = Payload(body, provider)
            payload.no_data_uris()
            assert list(rule.fn(payload)) == [], (rule.id, path)
        if path.suffix == ".json":
            check = validator(provider, message)
            assert check.is_valid(body, raw=path.read_bytes()) is check.is_valid(body), path
