"""Every registered provider package keeps the plug-in contract (mock_server/providers)."""

from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path

import pytest

from vidukit.catalogue import PROVIDERS
from vidukit.mock_server import errors as core_errors
from vidukit.mock_server.engine import ENGINE_STATES
from vidukit.mock_server.errors import ConfigError, FaultStatus, InvalidRequest, ProviderError
from vidukit.mock_server.http import Reply
from vidukit.mock_server.providers import Provider, load_providers, provider_modules
from vidukit.validation import validator
from vidukit.violations import Violation

PROVIDER_DIR = Path(__file__).resolve().parents[2] / "mock_server" / "providers"
REGISTERED = sorted(load_providers())
ROLES = ("__init__.py", "routes.py", "models.py", "errors.py", "status.py")
FRAMEWORKS = ("starlette", "fastapi", "uvicorn", "pydantic")


def _all_errors() -> list[ProviderError]:
    found: list[ProviderError] = []
    for value in vars(core_errors).values():
        if isinstance(value, type) and issubclass(value, ProviderError):
            if value is InvalidRequest:
                violation = Violation("/duration", "duration.maximum", "9 > 8", "doc")
                found.append(InvalidRequest([violation, violation]))
            elif value is FaultStatus:
                found.extend(FaultStatus(status, "fault") for status in (429, 500, 502, 503, 504))
            else:
                found.append(value())
    return found


def test_the_registry_loads_every_listed_package_under_its_catalogue_id() -> None:
    assert REGISTERED, "no provider registered"
    assert len(REGISTERED) == len(provider_modules())
    assert set(REGISTERED) == set(PROVIDERS)


@pytest.mark.parametrize("provider_id", REGISTERED)
def test_the_package_has_its_five_roles_and_a_framework_free_backend(provider_id: str) -> None:
    folder = PROVIDER_DIR / provider_id
    assert sorted(p.name for p in folder.glob("*.py") if p.name in ROLES) == sorted(ROLES)
    tree = ast.parse((folder / "models.py").read_text(encoding="utf-8"))
    imported = [
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [node])  # type: ignore[attr-defined]
    ]
    assert not [m for m in imported if m.split(".")[0] in FRAMEWORKS], imported


@pytest.mark.parametrize("provider_id", REGISTERED)
def test_every_engine_state_has_a_provider_status(provider_id: str) -> None:
    provider = load_providers()[provider_id]
    assert set(provider.status) == set(ENGINE_STATES)


@pytest.mark.parametrize("provider_id", REGISTERED)
@pytest.mark.parametrize("error", _all_errors(), ids=lambda e: type(e).__name__)
def test_every_core_error_renders_as_a_valid_provider_error(
    provider_id: str, error: ProviderError
) -> None:
    reply = load_providers()[provider_id].render_error(error)
    assert isinstance(reply, Reply)
    assert 400 <= reply.status <= 599
    assert reply.message == "error-response"
    checker = validator(provider_id, "error-response")
    assert checker.is_valid(reply.body), checker.violations(reply.body)


def test_a_provider_whose_default_failure_code_is_unknown_is_refused() -> None:
    with pytest.raises(ConfigError, match="default failure code"):
        Provider(
            id="x",
            title="X",
            routes=lambda ctx: [],
            render_error=lambda exc: Reply(500, {}),
            status={},
            failure_codes={"a": "b"},
            default_failure_code="c",
        )


def test_a_package_must_export_a_provider_named_like_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.import_module("vidukit.mock_server.providers.wavespeed").PROVIDER
    renamed = types.ModuleType("fake_providers.elsewhere")
    renamed.PROVIDER = real  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_providers.elsewhere", renamed)
    with pytest.raises(ConfigError, match="must equal the package name"):
        load_providers(("fake_providers.elsewhere",))
    wrong = types.ModuleType("fake_providers.wavespeed")
    wrong.PROVIDER = {"id": "wavespeed"}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_providers.wavespeed", wrong)
    with pytest.raises(ConfigError, match="is not a mock_server"):
        load_providers(("fake_providers.wavespeed",))
