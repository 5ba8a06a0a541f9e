"""`vidukit export openapi`: valid OpenAPI 3.1, true to the mock, true to the schemas.

Three promises are checked for every provider's document:

- it is a valid OpenAPI 3.1 document (``openapi-spec-validator``, which checks
  the 3.1 schema, ``$ref`` resolution and path-parameter consistency);
- every path and method in it is one the mock serves (a request built from the
  document, with ids taken through its own links, answers 200 with a body the
  document's 200 schema accepts), and the mock serves no provider route the
  document leaves out;
- bundling kept the schemas' meaning: the document's components give every
  fixture the same verdict as the catalogue's files (valid fixtures accepted,
  fixtures breaking a schema rule rejected).
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route

from vidukit.catalogue import DIALECT, build_catalogue, catalogue, data_root
from vidukit.cli import main
from vidukit.errors import SchemaError
from vidukit.mock_server import MockConfig, create_app
from vidukit.mock_server.app import ADMIN_PREFIX
from vidukit.mock_server.provider_root import ROUTE_NAME as ROOT_ROUTE
from vidukit.openapi import build_document, surfaces
from vidukit.openapi.bundle import bundle
from vidukit.providers import spec
from vidukit.rules.derived import schema_rule_ids
from vidukit.validation import validate

PROVIDERS = tuple(p for p in catalogue().providers() if p in surfaces())
FIXTURES = data_root("fixtures")
DOC_URI = "urn:vidukit:openapi-under-test"
KEY = "openapi-test-key"


def auth(provider: str) -> dict[str, str]:
    """The key in the provider's own Authorization scheme (its surface says which)."""
    return {"Authorization": spec(provider).surface.authorization(KEY)}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@pytest.fixture(scope="module", params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def document(provider: str) -> dict[str, Any]:
    return build_document(provider)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def absolute(schema: Any) -> Any:
    """*schema* with its document-local ``$ref``s made absolute (under `DOC_URI`)."""
    return json.loads(json.dumps(schema).replace('"$ref": "#/', f'"$ref": "{DOC_URI}#/'))


def validator_for(document: dict[str, Any], schema: Any) -> Draft202012Validator:
    """A validator for *schema* (a piece of *document*), resolving refs inside *document* only.

    The document is registered as one resource, so the components' local refs resolve
    exactly as an OpenAPI tool resolves them, and nothing else can be reached.
    """
    registry: Registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator(absolute(schema), registry=registry)


def component(document: dict[str, Any], message: str) -> Draft202012Validator:
    return validator_for(document, {"$ref": f"#/components/schemas/{message}"})


def load_fixture(path: Path) -> Any:
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return json.load(handle)
    return json.loads(path.read_text(encoding="utf-8"))


def fixtures(provider: str, message: str, kind: str) -> list[Path]:
    folder = FIXTURES / provider / message / kind
    return sorted(p for p in folder.glob("*") if p.name.endswith((".json", ".json.gz")))


# -- the document is OpenAPI 3.1 ------------------------------------------------------------


def test_document_validates_against_openapi_31(document: dict[str, Any]) -> None:
    errors = [str(e).splitlines()[0] for e in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    assert document["openapi"].startswith("3.1.")
    assert document["jsonSchemaDialect"] == DIALECT


def test_every_ref_stays_inside_the_document(document: dict[str, Any]) -> None:
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            assert "$id" not in node, "a bundled component must not open a new base URI"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    outside = [r for r in refs if not r.startswith("#/")]
    assert outside == []
    for ref in set(refs):
        node: Any = document
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        assert isinstance(node, dict | bool), ref


def test_every_message_is_a_component(provider: str, document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    assert set(catalogue().messages(provider)) <= set(components)
    used = {k: document.get(k, {}) for k in ("paths", "webhooks")}
    bodies = json.dumps(used) + json.dumps(document["components"].get("responses", {}))
    for message in catalogue().messages(provider):
        assert f'"#/components/schemas/{message}"' in bodies, f"{message} is used nowhere"


def test_webhook_section_uses_the_webhook_schema(provider: str, document: dict[str, Any]) -> None:
    if "webhook" not in catalogue().messages(provider):
        assert "webhooks" not in document
        return
    (item,) = document["webhooks"].values()
    schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/webhook"}


# -- every operation is served by the mock ----------------------------------------------------


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for token in node["$ref"][2:].split("/"):
            target = target[token]
        node = target
    return node


def _body_for(provider: str, message: str, submitted: dict[str, Any]) -> Any:
    """A valid fixture of *message*; a Runware poll names the task the submit just created."""
    body = load_fixture(fixtures(provider, message, "valid")[0])
    if provider == "runware" and message == "submit-request":
        for task in body:
            if task.get("taskType") == "videoInference":
                task["taskUUID"] = submitted["taskUUID"] = str(uuid.uuid4())
    if provider == "runware" and message == "poll-request":
        body = [{"taskType": "getResponse", "taskUUID": submitted["taskUUID"]}]
    return body


def _evaluate(expression: str, answer: Any) -> Any:
    """The value of a ``$response.body#/pointer`` link expression in *answer*."""
    prefix = "$response.body#"
    assert expression.startswith(prefix), expression
    node = answer
    for token in filter(None, expression[len(prefix):].split("/")):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _request_messages(op: dict[str, Any]) -> list[str | None]:
    """The messages an operation's body may be (one request each), or ``[None]`` for no body."""
    if "requestBody" not in op or "application/json" not in op["requestBody"]["content"]:
        return [None]
    if "$ref" not in str(op["requestBody"]["content"]["application/json"]["schema"]):
        return [None]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    return [s["$ref"].rsplit("/", 1)[-1] for s in schema.get("oneOf", [schema])]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_every_operation_answers_200_on_the_mock(
    provider: str, document: dict[str, Any]
) -> None:
    """Served means answered as documented: 200, with a body the 200 schema accepts."""
    app = create_app(MockConfig(clock="virtual", jitter=0.0))
    base = document["servers"][1]["url"].replace("http://127.0.0.1:8000", "http://mock")
    linked: dict[tuple[str, str], Any] = {}
    submitted: dict[str, Any] = {}
    surface_ops = {o.operation_id: o for o in spec(provider).surface.operations}
    # Operations with a body (the submits) first: their links give the polls their ids.
    ordered = sorted(operations(document), key=lambda o: "requestBody" not in o[2])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        for path, method, op in ordered:
            url, query = path, {}
            for param in op.get("parameters", []):
                if param["in"] == "query" and not param["required"]:
                    continue
                value = linked[(op["operationId"], f"{param['in']}.{param['name']}")]
                if param["in"] == "path":
                    url = url.replace("{" + param["name"] + "}", str(value))
                else:
                    query[param["name"]] = value
            ok = _resolve(document, op["responses"]["200"])
            declared = ok.get("content", {}).get("application/json", {}).get("schema", True)
            check = validator_for(document, declared)
            for message in _request_messages(op):
                body = _body_for(provider, message, submitted) if message else None
                inline = op.get("requestBody", {}).get("content", {}) if not message else {}
                files = None
                if "application/json" in inline:  # an SDK-only route: its documented example
                    body = next(iter(inline["application/json"]["examples"].values()))["value"]
                elif "multipart/form-data" in inline:
                    files = {"file": ("f.png", b"\x89PNG\r\n\x1a\n", "image/png")}
                answer = await client.request(method.upper(), base + url, params=query,
                                              json=body, files=files, headers=auth(provider))
                early = surface_ops[op["operationId"]].before_finish
                if early is not None:  # the task is unfinished: its documented error
                    assert answer.status_code == early, (method, path, answer.text)
                    assert validate(provider, "error-response", answer.json()) == []
                    continue
                assert answer.status_code == 200, (method, path, message, answer.text)
                errors = [e.message for e in check.iter_errors(answer.json())]
                assert errors == [], (method, path, errors)
                for link in ok.get("links", {}).values():
                    for name, expression in link["parameters"].items():
                        linked[(link["operationId"], name)] = _evaluate(expression, answer.json())
        control = await client.post(base + "/surely/not/a/route", json={}, headers=auth(provider))
        assert control.status_code == 404, "an unknown route must not answer 200"


def test_mock_serves_no_route_the_document_leaves_out(
    provider: str, document: dict[str, Any]
) -> None:
    """The provider's own routes (served at the root with ``provider=``), admin excluded."""
    app = create_app(MockConfig(provider=provider, clock="virtual"))
    served = {
        (route.path, method.lower())
        for route in app.router.routes
        if isinstance(route, Route)
        and "{path:path}" not in route.path
        and not route.path.startswith(ADMIN_PREFIX)
        and route.name != ROOT_ROUTE  # the mock's own route listing at the base URL
        for method in (route.methods or set()) - {"HEAD"}
    }
    documented = {(path, method) for path, method, _ in operations(document)}
    assert documented <= served, "documented but not served"
    assert served - documented == set(), "served but not documented"


# -- bundling keeps the schemas' meaning ----------------------------------------------------


def _messages() -> list[Any]:
    cat = catalogue()
    return [pytest.param(p, m, id=f"{p}-{m}") for p in PROVIDERS for m in cat.messages(p)]


@pytest.mark.parametrize(("provider_id", "message"), _messages())
def test_bundled_schema_judges_every_fixture_like_the_catalogue(
    provider_id: str, message: str
) -> None:
    cat = catalogue()
    document = build_document(provider_id)
    bundled = component(document, message)
    original = Draft202012Validator(dict(cat.schema(provider_id, message)), registry=cat.registry)
    schema_rules = set(schema_rule_ids(cat, provider_id, message))
    wrong: list[str] = []
    seen = 0
    for kind in ("valid", "warning", "invalid"):
        for path in fixtures(provider_id, message, kind):
            seen += 1
            instance = load_fixture(path)
            verdict = bundled.is_valid(instance)
            rule = path.name.split(".json")[0].split("--")[0]
            if kind != "invalid" and not verdict:
                wrong.append(f"{kind}/{path.name}: rejected")
            elif kind == "invalid" and rule in schema_rules and verdict:
                wrong.append(f"{kind}/{path.name}: accepted, but it breaks schema rule {rule}")
            elif verdict != original.is_valid(instance):
                wrong.append(f"{kind}/{path.name}: verdict differs from the catalogue's")
    assert seen, f"no fixtures for {provider_id} {message}"
    assert wrong == []


def test_request_bodies_accept_every_valid_fixture(
    provider: str, document: dict[str, Any]
) -> None:
    for path, method, op in operations(document):
        if "requestBody" not in op or _request_messages(op) == [None]:
            continue  # no body, or an SDK-only route's inline body (no catalogue message)
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        check = validator_for(document, schema)
        for message in _request_messages(op):
            assert message is not None
            valid = fixtures(provider, message, "valid")
            assert valid, f"no valid fixtures for {message}"
            rejected = [p.name for p in valid if not check.is_valid(load_fixture(p))]
            assert rejected == [], f"{method} {path} rejects valid {message}"


def test_every_body_has_examples_its_own_schema_accepts(
    provider: str, document: dict[str, Any]
) -> None:
    """Prism and Postman answer with the first example: each must pass the schema it
    illustrates (in the document itself, not only in the catalogue)."""
    bodies = 0
    for path, method, op in operations(document):
        media = [op["responses"]["200"].get("content", {}).get("application/json")]
        media.append(op.get("requestBody", {}).get("content", {}).get("application/json"))
        for body in filter(None, media):
            shown = body.get("examples", {})
            assert shown, f"{method} {path}: a body without examples"
            check = validator_for(document, body["schema"])
            rejected = [name for name, ex in shown.items() if not check.is_valid(ex["value"])]
            assert rejected == [], f"{method} {path}: examples break the schema"
            bodies += 1
    assert bodies > 0


def test_bundling_rewrites_references_but_not_data(tmp_path: Path) -> None:
    base = "https://vidukit.dev/schemas/"
    shared = {"$schema": DIALECT, "$id": base + "_shared/n.json",
              "$defs": {"small": {"type": "integer", "maximum": 3}}}
    message = {
        "$schema": DIALECT, "$id": base + "acme/submit-request.json",
        "type": "object",
        "properties": {
            "n": {"$ref": "../_shared/n.json#/$defs/small"},
            "$ref": {"type": "string"},
            "x-tag": {"$ref": "#/$defs/word"},
        },
        "$defs": {"word": {"type": "string", "minLength": 2}},
        "examples": [{"$ref": "../_shared/n.json"}],
        "x-note": {"$ref": "not/a/reference.json"},
    }
    for doc in (shared, message):
        path = tmp_path / doc["$id"].removeprefix(base)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc), encoding="utf-8")
    cat = build_catalogue(tmp_path)
    components = bundle(cat, "acme", [base + "acme/submit-request.json"])
    assert set(components) == {"submit-request", "shared.n"}
    root = components["submit-request"]
    assert root["properties"]["n"] == {"$ref": "#/components/schemas/shared.n/$defs/small"}
    assert root["properties"]["x-tag"] == {"$ref": "#/components/schemas/submit-request/$defs/word"}
    assert root["examples"] == message["examples"]
    assert root["x-note"] == message["x-note"]
    assert "$id" not in root and "$schema" not in root
    check = component({"components": {"schemas": components}}, "submit-request")
    assert check.is_valid({"n": 3, "$ref": "s", "x-tag": "ab"})
    assert not check.is_valid({"n": 4})
    assert not check.is_valid({"x-tag": "a"})


def test_bundling_refuses_anchors(tmp_path: Path) -> None:
    base = "https://vidukit.dev/schemas/"
    doc = {"$schema": DIALECT, "$id": base + "acme/webhook.json",
           "$defs": {"a": {"$anchor": "here", "type": "string"}}, "$ref": "#here"}
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "webhook.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SchemaError):
        bundle(build_catalogue(tmp_path), "acme", [base + "acme/webhook.json"])


# -- the command ------------------------------------------------------------------------------


def test_unknown_provider_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "openapi", "--provider", "acme"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "acme" in captured.err


def test_stdout_json_names_the_chosen_mock_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "openapi", "--provider", "vtrix",
                 "--server", "http://127.0.0.1:9999/v"]) == 0
    document = json.loads(capsys.readouterr().out)
    urls = [s["url"] for s in document["servers"]]
    assert urls[1] == "http://127.0.0.1:9999/v"
    assert urls[0].startswith("https://")
    assert "/model/v1/generation" in document["paths"]


def test_all_writes_one_file_per_provider_in_json_and_yaml(tmp_path: Path) -> None:
    for fmt in ("json", "yaml"):
        out = tmp_path / fmt
        assert main(["export", "openapi", "--provider", "all", "--format", fmt,
                     "--server", "http://localhost:7000/{provider}", "-o", str(out)]) == 0
        assert sorted(p.name for p in out.iterdir()) == sorted(
            f"{p}.openapi.{fmt}" for p in PROVIDERS)
    for provider in PROVIDERS:
        as_json = json.loads((tmp_path / "json" / f"{provider}.openapi.json").read_text("utf-8"))
        text = (tmp_path / "yaml" / f"{provider}.openapi.yaml").read_text("utf-8")
        as_yaml = yaml.safe_load(text)
        assert as_json == as_yaml
        assert as_json["servers"][1]["url"] == f"http://localhost:7000/{provider}"


def test_all_without_a_directory_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "openapi", "--provider", "all"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
