"""The schema-driven strategies, tested the way hypothesis-jsonschema tests itself.

Every value drawn for a provider message must pass that message's full
validator (schema and error-severity named checks). Beyond validity: every
status a result response can report must be reachable, strict request
objects must never grow extra keys, ``extra_fields=True`` must really add
unknown fields to open responses, and an unsupported keyword must be named.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import Phase, find, given, note, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from vidukit.catalogue import REQUEST_MESSAGES, catalogue
from vidukit.contract_tests.strategies import UnsupportedSchema, from_schema, from_subschema
from vidukit.contract_tests.strategies._patterns import KNOWN
from vidukit.validation import validate

CATALOGUE = catalogue()
PAIRS = [(p, m) for p in CATALOGUE.providers() for m in CATALOGUE.messages(p)]
REQUESTS = [(p, m) for p, m in PAIRS if m in REQUEST_MESSAGES]
RESPONSES = [(p, m) for p, m in PAIRS if m not in REQUEST_MESSAGES]
#: Searches for a rare shape stop at the first hit; no shrinking is needed for that.
SEARCH = settings(max_examples=300, database=None, phases=[Phase.generate])


def _ids(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{p}-{m}" for p, m in pairs]


def _errors(provider: str, message: str, value: Any) -> list[Any]:
    return [v for v in validate(provider, message, value) if v.severity == "error"]


@pytest.mark.parametrize(("provider", "message"), PAIRS, ids=_ids(PAIRS))
@given(data=st.data())
def test_every_generated_value_validates(provider: str, message: str, data: st.DataObject) -> None:
    extra = data.draw(st.booleans(), label="extra_fields")
    value = data.draw(from_schema(provider, message, extra_fields=extra), label="value")
    errors = _errors(provider, message, value)
    for violation in errors:
        note(f"{violation.rule} at {violation.path!r}: {violation.message}")
    assert not errors


#: The fields a result's status word sits in: ``status``, or ``state`` where an API names it so.
STATUS_FIELDS = ("status", "state")


def _schema_statuses(schema: Any, resolver: Any, seen: set[int]) -> set[Any]:
    """Values a ``status`` property may take, read from the schema's positive positions.

    ``not`` and ``if`` only test values, so they are not read.
    """
    if not isinstance(schema, Mapping) or id(schema) in seen:
        return set()
    seen.add(id(schema))
    found: set[Any] = set()
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        found |= _schema_statuses(resolved.contents, resolved.resolver, seen)
    properties = schema.get("properties", {})
    for status in (properties.get(name) for name in STATUS_FIELDS):
        if not isinstance(status, Mapping):
            continue
        found |= set(status.get("enum", ()))
        if "const" in status:
            found.add(status["const"])
        if "$ref" in status:
            target = resolver.lookup(status["$ref"]).contents
            found |= set(target.get("enum", ()))
    children: list[Any] = [*properties.values(), schema.get("items"),
                           schema.get("then"), schema.get("else")]
    for keyword in ("allOf", "anyOf", "oneOf", "prefixItems"):
        children.extend(schema.get(keyword, ()))
    for child in children:
        found |= _schema_statuses(child, resolver, seen)
    return found


def _value_statuses(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in STATUS_FIELDS and not isinstance(inner, dict | list):
                yield inner
            yield from _value_statuses(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _value_statuses(inner)


RESULT_STATUSES = [
    (provider, status)
    for provider in CATALOGUE.providers()
    for status in sorted(_schema_statuses(
        CATALOGUE.schema(provider, "result-response"),
        CATALOGUE.registry.resolver(base_uri=CATALOGUE.uri(provider, "result-response")),
        set(),
    ))
]


def test_result_statuses_are_read_from_every_provider() -> None:
    assert {p for p, _ in RESULT_STATUSES} == set(CATALOGUE.providers())


@pytest.mark.parametrize(("provider", "status"), RESULT_STATUSES,
                         ids=[f"{p}-{s}" for p, s in RESULT_STATUSES])
def test_every_result_status_is_reachable(provider: str, status: str) -> None:
    found = find(from_schema(provider, "result-response"),
                 lambda v: status in _value_statuses(v), settings=SEARCH)
    assert not _errors(provider, "result-response", found)


@pytest.mark.parametrize(("provider", "message"), REQUESTS, ids=_ids(REQUESTS))
@given(data=st.data())
def test_strict_requests_never_get_extra_keys(provider: str, message: str,
                                              data: st.DataObject) -> None:
    value = data.draw(from_schema(provider, message, extra_fields=True))
    unknown = [v for v in validate(provider, message, value) if v.rule == "unknown-field"]
    note(repr(unknown))
    assert not unknown


@pytest.mark.parametrize(("provider", "message"), RESPONSES, ids=_ids(RESPONSES))
def test_extra_fields_reach_open_responses(provider: str, message: str) -> None:
    found = find(
        from_schema(provider, message, extra_fields=True),
        lambda v: any(x.rule == "unknown-field" for x in validate(provider, message, v)),
        settings=SEARCH,
    )
    assert not _errors(provider, message, found)


@pytest.mark.parametrize("provider", CATALOGUE.providers())
def test_inline_images_are_drawn_and_pass_the_media_checks(provider: str) -> None:
    found = find(from_schema(provider, "submit-request"),
                 lambda v: "data:image/png;base64," in json.dumps(v), settings=SEARCH)
    assert not _errors(provider, "submit-request", found)


def test_default_draws_add_no_unknown_fields() -> None:
    @settings(max_examples=10, database=None)
    @given(from_schema("vtrix", "result-response"))
    def check(value: Any) -> None:
        assert not [v for v in validate("vtrix", "result-response", value)
                    if v.rule == "unknown-field"]

    check()


@pytest.mark.parametrize(("schema", "keyword"), [
    ({"type": "object", "patternProperties": {"^x": {}}}, "patternProperties"),
    ({"type": "string", "format": "uri"}, "format"),
    ({"properties": {"a": {"minContains": 1}}}, "minContains"),
    ({"not": {"type": "string", "pattern": "^a"}}, "pattern"),
    ({"additionalProperties": {"type": "string"}}, "additionalProperties"),
])
def test_unsupported_keywords_fail_early_with_their_location(schema: dict[str, Any],
                                                             keyword: str) -> None:
    resolver = CATALOGUE.registry.resolver(base_uri="https://vidukit.dev/schemas/test.json")
    with pytest.raises(UnsupportedSchema, match=keyword) as caught:
        from_subschema(schema, resolver, location="https://vidukit.dev/schemas/test.json#")
    assert caught.value.location.startswith("https://vidukit.dev/schemas/test.json#")


def test_unsupported_location_points_into_the_schema() -> None:
    schema = {"properties": {"a": {"items": {"patternProperties": {}}}}}
    resolver = CATALOGUE.registry.resolver(base_uri="https://vidukit.dev/schemas/test.json")
    with pytest.raises(UnsupportedSchema) as caught:
        from_subschema(schema, resolver, location="https://vidukit.dev/schemas/test.json#")
    assert caught.value.location.endswith("#/properties/a/items")


def test_subschemas_resolve_relative_references() -> None:
    uri = CATALOGUE.uri("runware", "submit-request")
    resolver = CATALOGUE.registry.resolver(base_uri=uri)
    strategy = from_subschema({"$ref": "#/$defs/dimensions"}, resolver, location=uri + "#")
    pairs = CATALOGUE.schema("runware", "submit-request")["$defs"]["dimensions"]["oneOf"]
    allowed = {(b["properties"]["width"]["const"], b["properties"]["height"]["const"])
               for b in pairs}

    @settings(max_examples=10, database=None)
    @given(strategy)
    def check(value: dict[str, Any]) -> None:
        assert (value["width"], value["height"]) in allowed

    check()


def test_every_special_cased_pattern_is_still_used() -> None:
    text = "\n".join(json.dumps(doc) for doc in CATALOGUE.resources.values())
    unused = [p for p in KNOWN if json.dumps(p) not in text]
    assert not unused


#: Keywords the catalogue does not use (yet) but the builder claims to support.
SYNTHETIC = {
    "unevaluated": {"type": "object", "properties": {"a": {"type": "integer"}},
                    "allOf": [{"properties": {"b": {"const": 1}}, "required": ["b"]}],
                    "unevaluatedProperties": False},
    "numbers": {"type": "array", "minItems": 1, "uniqueItems": True,
                "items": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 60,
                          "multipleOf": 5}},
    "negated-bounds": {"type": "object", "required": ["n", "s"],
                       "properties": {"n": {"type": "number", "not": {"minimum": 0}},
                                      "s": {"type": "string",
                                            "not": {"maxLength": 3}}}},
    "one-of-overlapping": {"type": "object", "properties": {"x": {"type": "integer"}},
                           "oneOf": [{"required": ["x"]}, {"required": ["y"]}]},
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
@given(data=st.data())
def test_synthetic_schemas_for_keywords_the_catalogue_does_not_use(name: str,
                                                                   data: st.DataObject) -> None:
    schema = SYNTHETIC[name]
    resolver = CATALOGUE.registry.resolver(base_uri="https://vidukit.dev/schemas/test.json")
    value = data.draw(from_subschema(schema, resolver, extra_fields=data.draw(st.booleans())))
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(value)]
    note(repr(errors))
    assert not errors
