"""vidukit's pytest plugin: the ``vidu_mock`` fixture and ``verify_client`` in a team's own tests.

Installed with the toolkit and loaded by pytest through the ``pytest11`` entry
point, so a project needs no conftest::

    from vidukit.contract_tests.pytest_plugin import verify_client

    def test_our_client_keeps_the_contract():
        report = verify_client("wavespeed", "ourapp.video:adapter", examples=25)
        assert report.passed, report.to_text()

    def test_one_generation(vidu_mock):
        client = OurClient(base_url=vidu_mock.base_url("wavespeed"), api_key="any")
        ...

``vidu_mock`` is a fresh mock of all five providers per test (on a socket by
default; ``in_process=True`` runs it without one, reached through
``vidu_mock.client()``), with the admin API as methods. At teardown it fails
the test (an error at teardown, as pytest-httpx does) when the client sent any
request that violated the provider's schema, listing each one with its
violations. Options go on the
marker, or through indirect parametrisation of the fixture::

    @pytest.mark.vidu_mock(allow_invalid_requests=True, in_process=True,
                           clock="virtual", progression="polls=2")

``replay="DIR"`` makes its tasks follow the task recordings under DIR
(``replay_match="order"|"shape"|"named"``, ``replay_speed=``, ``replay_verbatim=``;
docs/guide/replay.md).

Everything heavy (the mock, Hypothesis) is imported only when used: the plugin
is loaded into every pytest run of a project that installs vidukit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from vidukit.contract_tests.pytest_plugin._mock import ViduMock

MARKER = "vidu_mock"
MARKER_HELP = (
    "vidu_mock(allow_invalid_requests=False, in_process=False, config=None, **MockConfig "
    "fields): options of the vidu_mock fixture; allow_invalid_requests=True lets a test send "
    "requests that violate a provider's schema without failing at teardown"
)
#: The fixture's own options; every other marker keyword is a MockConfig field.
_OWN_OPTIONS = ("allow_invalid_requests", "in_process")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Marker keywords (the closest marker wins per key), then indirect parametrisation."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only")
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if param is not None:
        if not isinstance(param, dict):
            raise pytest.UsageError(f"indirect parameters of {MARKER} must be dicts of options")
        options.update(param)
    return options


def strict_teardown_message(mock: ViduMock) -> str | None:
    """Why the test must fail at teardown (requests that broke a schema); None if none did."""
    found = mock.violations()
    if not found:
        return None
    lines = [f"vidu_mock: the client sent {len(found)} request(s) that violate the provider's "
             "schema:"]
    lines += [f"  {v.describe()}" for v in found]
    lines.append(f"(a test that sends them on purpose: @pytest.mark.{MARKER}"
                 "(allow_invalid_requests=True))")
    return "\n".join(lines)


@pytest.fixture
def vidu_mock(request: pytest.FixtureRequest) -> Iterator[ViduMock]:
    """A fresh vidukit mock of every provider for this test; see the module docstring."""
    from vidukit.contract_tests.pytest_plugin._mock import make_config, open_vidu_mock

    options = _options(request)
    own = {name: options.pop(name) for name in _OWN_OPTIONS if name in options}
    config = make_config(options)
    with open_vidu_mock(config, in_process=bool(own.get("in_process", False))) as mock:
        yield mock
        if not own.get("allow_invalid_requests", False):
            message = strict_teardown_message(mock)
            if message is not None:
                pytest.fail(message, pytrace=False)


def __getattr__(name: str) -> Any:
    """``verify_client`` and the fixture's classes, imported on first use (they are heavy)."""
    if name == "verify_client":
        from vidukit.contract_tests.harness import verify_client

        return verify_client
    if name in ("ViduMock", "ViduMockError", "RequestViolation", "open_vidu_mock"):
        from vidukit.contract_tests.pytest_plugin import _mock

        return getattr(_mock, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [  # the lazy names are served by __getattr__
    "MARKER",
    "RequestViolation",
    "ViduMock",
    "ViduMockError",
    "open_vidu_mock",
    "strict_teardown_message",
    "verify_client",
    "vidu_mock",
]
