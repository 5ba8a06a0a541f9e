"""The ASGI layer that makes a faithful mock drift: it rewrites answers on their way out.

It sits outside the whole app, so no provider module knows about drift: an
answer is named (which catalogue message it is) the same way the proxy names
real traffic (`vidukit.drift.messages`), then the profile's mutations for that
provider and message are applied to its JSON body. Only provider routes that
carry a catalogue message are buffered; media downloads, the admin API and
WebSocket traffic pass through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vidukit.drift.messages import match, request_message, response_message
from vidukit.drift.wire import TERMINAL, wire
from vidukit.mock_server.drift.profile import ANY_VALUE, DriftProfile, Mutation


@dataclass
class _Poll:
    """What one repeated poll (same method, path, query and body) has been answered."""

    first_unfinished: bytes | None = None
    finished: bool = False
    regressed: bool = False


def _apply_at(node: Any, path: tuple[str, ...], action: Any) -> None:
    """Call ``action(container, key)`` for every place *path* names (``*``: each item)."""
    if not path:
        return
    head, rest = path[0], path[1:]
    children: list[Any]
    if head == "*":
        children = list(range(len(node))) if isinstance(node, list) else []
    elif isinstance(node, dict) and head in node:
        children = [head]
    else:
        return
    for key in children:
        if rest:
            _apply_at(node[key], rest, action)
        else:
            action(node, key)


def _rename(to: str) -> Any:
    def action(container: Any, key: Any) -> None:
        if isinstance(container, dict):
            items = [(to if k == key else k, v) for k, v in container.items()]
            container.clear()
            container.update(items)

    return action


def _replace(mutation: Mutation) -> Any:
    def action(container: Any, key: Any) -> None:
        if mutation.when is ANY_VALUE or container[key] == mutation.when:
            container[key] = mutation.to

    return action


def mutate(body: Any, mutations: tuple[Mutation, ...]) -> Any:
    """*body* with every ``rename``/``replace``/``wrap`` mutation applied, in order."""
    for mutation in mutations:
        if mutation.op == "rename":
            _apply_at(body, mutation.path, _rename(str(mutation.to)))
        elif mutation.op == "replace":
            _apply_at(body, mutation.path, _replace(mutation))
        elif mutation.op == "wrap":
            body = {mutation.key: body}
    return body


class DriftMiddleware:
    def __init__(self, app: ASGIApp, profile: DriftProfile, prefixes: Mapping[str, str]) -> None:
        self.app = app
        self.profile = profile
        # Longest prefix first, so "" (one provider at the root) is tried last.
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.polls: dict[tuple[str, ...], _Poll] = {}

    def _provider(self, path: str) -> tuple[str, str] | None:
        for provider, prefix in self.prefixes:
            if not self.profile.for_provider(provider):
                continue
            if prefix == "" or path == prefix or path.startswith(prefix + "/"):
                return provider, path[len(prefix):] or "/"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        found = self._provider(scope["path"])
        operation = found and match(found[0], scope["method"], found[1])
        if not found or operation is None:
            await self.app(scope, receive, send)
            return
        provider, path = found
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            request = _json(body)
            req_message = request_message(provider, operation, request)
            answer = response_message(provider, operation, req_message, start["status"])
            query = scope.get("query_string", b"").decode("latin-1")
            content = b"".join(chunks)
            if answer is not None:
                key = (scope["method"], path, query, body.decode("latin-1"))
                content = self._rewrite(provider, answer, content, key,
                                        (path, dict(parse_qsl(query)), request))
            headers = [(k, v) for k, v in start.get("headers", [])
                       if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(content)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": content, "more_body": False})

        await self.app(scope, replay, capture)

    def _rewrite(self, provider: str, message: str, content: bytes, key: tuple[str, ...],
                 poll: tuple[str, dict[str, str], Any]) -> bytes:
        original = _json(content)
        if original is None:
            return content  # a fault scenario cut or replaced the body: leave it
        mutations = tuple(m for m in self.profile.for_provider(provider)
                          if m.message == message)
        changed = mutate(json.loads(content), mutations) if mutations else original
        out = json.dumps(changed, separators=(",", ":")).encode() if mutations else content
        if message != "result-response" or not any(
                m.op == "regress" for m in self.profile.for_provider(provider)):
            return out
        return self._regress(provider, original, out, key, poll)

    def _regress(self, provider: str, original: Any, out: bytes, key: tuple[str, ...],
                 poll: tuple[str, dict[str, str], Any]) -> bytes:
        facts = wire(provider)
        task_id = facts.polled_task(*poll)
        rank = facts.ranks.get(facts.status("result-response", original, task_id) or "")
        if len(self.polls) > 10_000:
            self.polls.clear()
        state = self.polls.setdefault(key, _Poll())
        if rank not in TERMINAL:
            if state.first_unfinished is None:
                state.first_unfinished = out
            return out
        if state.finished and not state.regressed and state.first_unfinished is not None:
            state.regressed = True
            return state.first_unfinished
        state.finished = True
        return out


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


__all__ = ["DriftMiddleware", "mutate"]
