"""Drift profiles: how a drifted mock differs from the faithful one, as plain data.

A profile is a list of mutations of the mock's answers, so that ``vidukit
drift`` and ``vidukit proxy`` can be proven against a provider that changed,
without the internet. Each mutation names a provider and (except ``regress``)
the catalogue message it rewrites. Operations:

``rename``  ``{path, to}``
    rename the field at ``path`` (a JSON pointer; ``*`` matches every list item).
``replace`` ``{path, to, from?}``
    set the value at ``path`` to ``to`` (only where it equals ``from``, if given):
    a new enum value, a new status word.
``wrap``    ``{key}``
    nest the whole body under ``key``: a reshaped error body.
``regress``
    after a poll of a task answered a finished status, answer the next identical
    poll with the first unfinished answer sent for it: the states come out of order.
``callbacks`` ``{options}``
    give every callback of the provider these delivery quirks (the ``X-Mock-Webhook``
    text form, `vidukit.mock_server.webhooks.options`): ``lost`` (never sent),
    ``bad-signature`` (signed with the wrong key), ``delay=S`` (late).

Built-in profiles (``vidukit serve --drift NAME[,NAME...]``): ``rename-field``,
``new-enum-value``, ``new-status``, ``error-shape``, ``reorder-states``,
``rename-terminal`` (the success word renamed, ``<word>_v2``: a task's end a
client does not recognise), ``drop-callbacks`` (every provider that calls back
takes the callback URL and never calls it), ``bad-callback-signature`` (every
provider that signs its callbacks signs them with the wrong key) and ``all``
(every one but ``rename-terminal``, which would hide the finished status
``reorder-states`` needs, and the two callback profiles, which only a probe
that registers a callback URL sees: ``vidukit drift --webhook-url``). A file (``--drift FILE``,
YAML or JSON) holds ``{"mutations": [...]}`` with the keys above, e.g.::

    mutations:
      - {provider: <id>, message: result-response, op: rename,
         path: /data/created_at, to: createdAt}
      - {provider: <id>, op: regress}

The built-in profiles' per-provider edits are each provider's spec's ``drift``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vidukit.catalogue import MESSAGES, PROVIDERS
from vidukit.mock_server.errors import ConfigError
from vidukit.mock_server.webhooks.options import WebhookOptions
from vidukit.providers import spec
from vidukit.providers.policies import DriftEdits
from vidukit.providers.wire import SUCCEEDED

OPS = ("rename", "replace", "wrap", "regress", "callbacks")
_KEYS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    # op -> (required keys, optional keys), besides provider/op/message
    "rename": (frozenset({"path", "to"}), frozenset()),
    "replace": (frozenset({"path", "to"}), frozenset({"from"})),
    "wrap": (frozenset({"key"}), frozenset()),
    "regress": (frozenset(), frozenset()),
    "callbacks": (frozenset({"options"}), frozenset()),
}
ANY_VALUE = object()


@dataclass(frozen=True)
class Mutation:
    provider: str
    op: str
    message: str | None = None
    path: tuple[str, ...] = ()
    to: Any = None
    when: Any = ANY_VALUE
    key: str | None = None

    def describe(self) -> str:
        where = "/" + "/".join(self.path) if self.path else ""
        return f"{self.provider} {self.message or ''} {self.op} {where}".strip()


@dataclass(frozen=True)
class DriftProfile:
    name: str
    mutations: tuple[Mutation, ...]

    def for_provider(self, provider: str) -> tuple[Mutation, ...]:
        return tuple(m for m in self.mutations if m.provider == provider)

    def callbacks(self) -> dict[str, WebhookOptions]:
        """Provider -> the delivery quirks its ``callbacks`` mutations give every callback."""
        found: dict[str, WebhookOptions] = {}
        for m in self.mutations:
            if m.op == "callbacks":
                options = WebhookOptions.parse(str(m.to))
                found[m.provider] = found[m.provider].merged(options) \
                    if m.provider in found else options
        return found


def _m(provider: str, message: str | None, op: str, path: str = "", **extra: Any) -> Mutation:
    return Mutation(provider, op, message, tuple(filter(None, path.split("/"))), **extra)


def _per_provider(make: Any) -> tuple[Mutation, ...]:
    return tuple(make(p) for p in PROVIDERS)


_RESULT = "result-response"


def _edits(pid: str) -> DriftEdits:
    return spec(pid).drift


def _rename_terminal(pid: str) -> tuple[Mutation, ...]:
    """Every word the spec ranks as success, at the status path, renamed ``<word>_v2``."""
    path = _edits(pid).new_status[0]
    return tuple(_m(pid, _RESULT, "replace", path, when=word, to=f"{word}_v2")
                 for word, rank in spec(pid).wire.ranks.items() if rank == SUCCEEDED)


BUILTIN: Mapping[str, tuple[Mutation, ...]] = {
    "rename-field": _per_provider(
        lambda p: _m(p, _RESULT, "rename", _edits(p).rename[0], to=_edits(p).rename[1])),
    "new-enum-value": _per_provider(
        lambda p: _m(p, _RESULT, "replace", _edits(p).new_value[0], to=_edits(p).new_value[1])),
    "new-status": _per_provider(
        lambda p: _m(p, _RESULT, "replace", _edits(p).new_status[0],
                     when=_edits(p).new_status[1], to=_edits(p).new_status[2])),
    "error-shape": _per_provider(lambda p: _m(p, "error-response", "wrap", key="error")),
    "reorder-states": _per_provider(lambda p: _m(p, None, "regress")),
    "rename-terminal": tuple(m for p in PROVIDERS for m in _rename_terminal(p)),
    "drop-callbacks": tuple(_m(p, None, "callbacks", to="lost") for p in PROVIDERS
                            if spec(p).webhook is not None),
    "bad-callback-signature": tuple(_m(p, None, "callbacks", to="bad-signature")
                                    for p in PROVIDERS if spec(p).signing is not None),
}
ALL = "all"
#: Left out of ``all``: a renamed success word hides the finished status others rely on;
#: the callback profiles change nothing a probe without a callback URL can see.
_NOT_IN_ALL = frozenset({"rename-terminal", "drop-callbacks", "bad-callback-signature"})


def builtin(names: str) -> DriftProfile:
    """``all`` or a comma list of built-in profile names."""
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    if chosen == [ALL]:
        chosen = [n for n in BUILTIN if n not in _NOT_IN_ALL]
    unknown = [n for n in chosen if n not in BUILTIN]
    if unknown or not chosen:
        raise ConfigError(
            f"--drift {names!r}: unknown profile; built-in: {', '.join([*BUILTIN, ALL])}, "
            "or a YAML/JSON file")
    return DriftProfile(",".join(chosen), tuple(m for n in chosen for m in BUILTIN[n]))


def load_drift_profile(spec: str) -> DriftProfile:
    """A built-in profile name (or comma list), or the path of a profile file."""
    path = Path(spec)
    if not path.is_file():
        return builtin(spec)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"--drift {path.name}: cannot read: {exc}") from None
    return parse_profile(data, source=path.name)


def parse_profile(data: Any, *, source: str = "drift") -> DriftProfile:
    """Check a parsed profile (``{"mutations": [...]}``); `ConfigError` naming the key."""
    if not isinstance(data, Mapping) or not isinstance(data.get("mutations"), Sequence):
        raise ConfigError(f"{source}: expected a mapping with a 'mutations' list")
    return DriftProfile(source, tuple(
        _mutation(item, f"{source}: mutations[{n}]") for n, item in enumerate(data["mutations"])))


def _mutation(item: Any, where: str) -> Mutation:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where}: expected a mapping")
    op, provider, message = item.get("op"), item.get("provider"), item.get("message")
    if op not in OPS:
        raise ConfigError(f"{where}.op: expected one of {', '.join(OPS)}, got {op!r}")
    if provider not in PROVIDERS:
        raise ConfigError(f"{where}.provider: expected one of {', '.join(PROVIDERS)}")
    if op not in ("regress", "callbacks") and message not in MESSAGES:
        raise ConfigError(f"{where}.message: expected one of {', '.join(MESSAGES)}")
    required, optional = _KEYS[op]
    given = set(item) - {"op", "provider", "message"}
    if missing := sorted(required - given):
        raise ConfigError(f"{where}: {op} needs {', '.join(missing)}")
    if extra := sorted(given - required - optional):
        raise ConfigError(f"{where}: unknown key(s) {', '.join(extra)} for {op}")
    path = item.get("path", "")
    if op in ("rename", "replace") and (not isinstance(path, str) or not path.startswith("/")):
        raise ConfigError(f"{where}.path: expected a JSON pointer such as /data/status")
    if op == "rename" and not isinstance(item["to"], str):
        raise ConfigError(f"{where}.to: the new field name must be a string")
    if op == "wrap" and not isinstance(item["key"], str):
        raise ConfigError(f"{where}.key: expected a string")
    if op == "callbacks":
        return _callbacks(item["options"], provider, where)
    return _m(provider, message if op != "regress" else None, op, path,
              to=item.get("to"), when=item.get("from", ANY_VALUE), key=item.get("key"))


def _callbacks(options: Any, provider: str, where: str) -> Mutation:
    if not isinstance(options, str):
        raise ConfigError(f"{where}.options: expected the X-Mock-Webhook text form, e.g. 'lost'")
    try:
        parsed = WebhookOptions.parse(options)
    except ValueError as exc:
        raise ConfigError(f"{where}.options: {exc}") from None
    if spec(provider).webhook is None:
        raise ConfigError(f"{where}: {provider} takes no callback URL")
    if parsed.bad_signature and spec(provider).signing is None:
        raise ConfigError(f"{where}.options: {provider} does not sign its callbacks")
    return _m(provider, None, "callbacks", to=parsed.spec())


__all__ = ["ALL", "ANY_VALUE", "BUILTIN", "OPS", "DriftProfile", "Mutation", "builtin",
           "load_drift_profile", "parse_profile"]
