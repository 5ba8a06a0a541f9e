"""Realism on demand, observed by a receiver on 127.0.0.1: duplicate, out-of-order, delayed
and badly signed callbacks, chosen per task (``X-Mock-Webhook``, the admin API) or per server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mock_support import assert_valid, mock_config
from webhooks_support import Receiver, receiving, submit_request, task_id_of

from vidukit.cli import build_parser
from vidukit.cli.serve_cmd import build_config
from vidukit.mock_server import create_app
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.mock_server.webhooks import DEFAULT_SECRET, WebhookOptions
from vidukit.webhooks import WebhookVerificationError, verify

AUTH = {"Authorization": "Bearer webhook-key"}
FAST = {"X-Mock-Progression": "time=0,1"}


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with serving(create_app(mock_config(webhook_targets="loopback"))) as server:
        yield server


@pytest.fixture
def mock(live: LiveServer) -> Iterator[httpx.Client]:
    live.state.reset()
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def post_submit(
    mock: httpx.Client, provider: str, url: str, headers: dict[str, str], **extra: Any
) -> httpx.Response:
    path, body = submit_request(provider, url, **extra)
    return mock.post(path, json=body, headers={**AUTH, **headers})


def submit(
    mock: httpx.Client, provider: str, url: str, headers: dict[str, str], **extra: Any
) -> str:
    response = post_submit(mock, provider, url, headers, **extra)
    assert response.status_code == 200, response.text
    return task_id_of(provider, response.json())


def advance(mock: httpx.Client, seconds: float) -> float:
    response = mock.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
    return float(response.json()["now"])


def attempts(mock: httpx.Client, task_id: str) -> list[dict[str, Any]]:
    (delivery,) = mock.get("/_mock/webhooks", params={"task": task_id}).json()["deliveries"]
    found: list[dict[str, Any]] = delivery["attempts"]
    return found


def test_duplicate_sends_the_same_event_again(mock: httpx.Client, receiver: Receiver) -> None:
    task_id = submit(mock, "wavespeed", receiver.url(), {**FAST, "X-Mock-Webhook": "duplicate"})
    now = advance(mock, 1)
    first, copy = receiver.wait_for(2)
    assert first.body == copy.body
    assert first.headers["webhook-id"] == copy.headers["webhook-id"]  # one event, seen twice
    for call in (first, copy):
        verify("wavespeed", DEFAULT_SECRET, call.headers, call.body, now=now)
    assert [a["kind"] for a in attempts(mock, task_id)] == ["first", "duplicate"]


def test_duplicate_n_sends_n_copies(mock: httpx.Client, receiver: Receiver) -> None:
    submit(mock, "novita", receiver.url(), {**FAST, "X-Mock-Webhook": "duplicate=3"})
    advance(mock, 1)
    calls = receiver.wait_for(4)
    assert len(calls) == 4 and len({c.body for c in calls}) == 1


def test_delay_holds_the_first_attempt_on_the_mock_clock(
    mock: httpx.Client, receiver: Receiver
) -> None:
    task_id = submit(mock, "vtrix", receiver.url(), {**FAST, "X-Mock-Webhook": "delay=30"})
    advance(mock, 1)  # the task ends here
    assert mock.get(f"/_mock/tasks/{task_id}").json()["state"] == "succeeded"
    advance(mock, 29.5)
    time.sleep(0.1)
    assert receiver.requests == []
    advance(mock, 0.5)
    (call,) = receiver.wait_for(1)
    assert call.json()["status"] == "completed"
    assert attempts(mock, task_id)[0]["at"].endswith("00:00:31.000Z")


def test_out_of_order_lets_a_later_task_overtake(mock: httpx.Client, receiver: Receiver) -> None:
    """A ends at +1 s, B at +2 s; A's callback waits for B's and follows it."""
    early = submit(
        mock,
        "novita",
        receiver.url(),
        {"X-Mock-Progression": "time=0,1", "X-Mock-Webhook": "out-of-order"},
    )
    late = submit(mock, "novita", receiver.url(), {"X-Mock-Progression": "time=0,2"})
    advance(mock, 3)
    calls = receiver.wait_for(2)
    assert [c.json()["payload"]["task"]["task_id"] for c in calls] == [late, early]
    assert attempts(mock, early)[0]["at"] == attempts(mock, late)[0]["at"]


def test_out_of_order_alone_is_sent_when_the_hold_ends(
    mock: httpx.Client, receiver: Receiver
) -> None:
    submit(mock, "runware", receiver.url(), {**FAST, "X-Mock-Webhook": "out-of-order=20"})
    advance(mock, 20.5)
    time.sleep(0.1)
    assert receiver.requests == []
    advance(mock, 0.5)
    assert len(receiver.wait_for(1)) == 1


def test_bad_signature_fails_verification(mock: httpx.Client, receiver: Receiver) -> None:
    task_id = submit(mock, "wavespeed", receiver.url(), {**FAST, "X-Mock-Webhook": "bad-signature"})
    now = advance(mock, 1)
    (call,) = receiver.wait_for(1)
    assert_valid("wavespeed", "webhook", call.json())  # the body itself is genuine
    with pytest.raises(WebhookVerificationError) as caught:
        verify("wavespeed", DEFAULT_SECRET, call.headers, call.body, now=now)
    assert caught.value.reason == "bad-signature"
    assert attempts(mock, task_id)[0]["signature"] == "bad"


def test_options_combine(mock: httpx.Client, receiver: Receiver) -> None:
    headers = {**FAST, "X-Mock-Webhook": "duplicate, delay=10, bad-signature"}
    submit(mock, "wavespeed", receiver.url(), headers)
    now = advance(mock, 11)
    calls = receiver.wait_for(2)
    for call in calls:
        with pytest.raises(WebhookVerificationError):
            verify("wavespeed", DEFAULT_SECRET, call.headers, call.body, now=now)


@pytest.mark.parametrize(
    ("provider", "header", "expected"),
    [
        ("wavespeed", "twice", "bad webhook option 'twice'"),
        ("vtrix", "delay=-1", "bad webhook option 'delay=-1'"),
        ("novita", "bad-signature", "novita does not sign its callbacks"),
        ("runware", "duplicate=0", "bad webhook option 'duplicate=0'"),
    ],
)
def test_a_bad_header_is_the_providers_400(
    mock: httpx.Client, receiver: Receiver, provider: str, header: str, expected: str
) -> None:
    response = post_submit(mock, provider, receiver.url(), {"X-Mock-Webhook": header})
    assert response.status_code == 400
    assert_valid(provider, "error-response", response.json())
    assert expected in response.text and "X-Mock-Webhook" in response.text
    assert mock.get("/_mock/tasks").json()["count"] == 0


# -- the admin API ------------------------------------------------------------------------------


def test_admin_sets_one_tasks_options(mock: httpx.Client, receiver: Receiver) -> None:
    task_id = submit(mock, "vtrix", receiver.url(), FAST)
    set_options = mock.put(f"/_mock/webhooks/tasks/{task_id}", json={"options": "duplicate"})
    assert set_options.status_code == 200, set_options.text
    assert set_options.json() == {"task": task_id, "options": "duplicate"}
    advance(mock, 1)
    assert len(receiver.wait_for(2)) == 2
    again = mock.put(f"/_mock/webhooks/tasks/{task_id}", json={"options": "duplicate"})
    assert again.status_code == 409  # finished: its callback is gone
    unknown = mock.put("/_mock/webhooks/tasks/nope", json={"options": "duplicate"})
    assert unknown.status_code == 404
    bad = mock.put(f"/_mock/webhooks/tasks/{task_id}", json={"options": "sideways"})
    assert bad.status_code == 400 and "sideways" in bad.json()["error"]


def test_admin_sets_options_for_every_new_task(mock: httpx.Client, receiver: Receiver) -> None:
    shown = mock.put("/_mock/webhooks", json={"options": "duplicate"})
    assert shown.status_code == 200 and shown.json()["default_options"] == "duplicate"
    submit(mock, "myrouter", receiver.url(), FAST)
    advance(mock, 1)
    assert len(receiver.wait_for(2)) == 2
    assert mock.post("/_mock/reset").status_code == 200
    assert mock.get("/_mock/webhooks").json()["default_options"] == ""


@pytest.mark.parametrize(
    "body", [{}, {"secret": ""}, {"secret": 5}, {"colour": "red"}, {"options": "nope"}]
)
def test_admin_refuses_bad_settings(mock: httpx.Client, body: dict[str, Any]) -> None:
    response = mock.put("/_mock/webhooks", json=body)
    assert response.status_code == 400
    assert response.json()["status"] == 400 and response.json()["error"]


def test_the_journal_lists_policies_and_filters(mock: httpx.Client, receiver: Receiver) -> None:
    one = submit(mock, "vtrix", receiver.url(), FAST)
    submit(mock, "novita", receiver.url(), FAST)
    advance(mock, 1)
    shown = mock.get("/_mock/webhooks").json()
    assert shown["count"] == 2
    assert shown["policies"]["novita"] == {
        "max_attempts": 6,
        "timeout_seconds": 5.0,
        "signed": False,
        "documented": True,
    }
    assert shown["policies"]["wavespeed"]["signed"] is True
    only = mock.get("/_mock/webhooks", params={"provider": "vtrix"}).json()
    assert [d["task_id"] for d in only["deliveries"]] == [one]
    assert mock.get("/_mock/webhooks", params={"provider": "acme"}).status_code == 400


# -- the option grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "duplicate",
        "duplicate=4",
        "delay=2.5",
        "out-of-order",
        "out-of-order=5",
        "bad-signature",
        "duplicate,delay=3,out-of-order,bad-signature",
    ],
)
def test_options_read_back_from_their_text_form(text: str) -> None:
    options = WebhookOptions.parse(text)
    assert WebhookOptions.parse(options.spec()) == options
    assert options.spec() == text


def test_options_parse_their_values() -> None:
    options = WebhookOptions.parse(" Duplicate=2 , DELAY=7 ,out-of-order ")
    assert (options.duplicates, options.delay, options.hold, options.bad_signature) == (
        2,
        7.0,
        60.0,
        False,
    )


@pytest.mark.parametrize(
    "text",
    ["delay", "delay=x", "delay=inf", "duplicate=11", "bad-signature=1", "fast", "delay=90000"],
)
def test_bad_options_name_the_grammar(text: str) -> None:
    with pytest.raises(ValueError, match="comma-separated list"):
        WebhookOptions.parse(text)


# -- configuration ----------------------------------------------------------------------------


def test_serve_options_and_config_set_the_secret_and_targets() -> None:
    args = build_parser().parse_args(
        ["serve", "--webhook-secret", "whsec_cli", "--webhook-targets", "loopback"]
    )
    config = build_config(args)
    assert (config.webhook_secret, config.webhook_targets) == ("whsec_cli", "loopback")
    defaults = build_config(build_parser().parse_args(["serve"]))
    assert (defaults.webhook_secret, defaults.webhook_targets) == (DEFAULT_SECRET, "any")


@pytest.mark.parametrize(
    "bad", [{"webhook_secret": ""}, {"webhook_timeout": 0}, {"webhook_targets": "lan"}]
)
def test_bad_webhook_settings_are_refused_at_start(bad: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=next(iter(bad))):
        mock_config(**bad)
