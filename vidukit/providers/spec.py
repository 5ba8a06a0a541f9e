"""`ProviderSpec`: every fact about one provider that the rest of the toolkit needs.

A provider is its folders: ``schemas/<id>/``, ``fixtures/<id>/``, this package's
``vidukit/providers/<id>/`` (the spec: facts as data and small functions) and the
mock's ``mock_server/providers/<id>/`` (routes, backend, error bodies, status
words). Everything else (validation, drift, the proxy, the OpenAPI export,
`vidukit verify`, the dashboard, quotas, prices, webhooks) reads specs by id and
names no provider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from vidukit.providers.policies import DriftEdits, Policies
from vidukit.providers.surface import Surface
from vidukit.providers.wire import Wire

if TYPE_CHECKING:  # vidukit.canonical builds on the specs: a type-only import
    from vidukit.canonical import CanonicalRequest

MediaKind = Literal["image", "video"]
#: (JSON pointer of the object holding the generation fields, that object).
Fields = list[tuple[str, dict[str, Any]]]
#: (JSON pointer, media kind, the data: text) of each inline reference.
InlineRefs = list[tuple[str, MediaKind, str]]


@dataclass(frozen=True)
class Translation:
    """The canonical request (`vidukit.canonical`) on this provider's wire, and back."""

    #: Canonical request -> submit body (raises `NotRepresentable` for what it cannot carry).
    to_wire: Callable[[CanonicalRequest], Any]
    #: Submit body -> canonical request (raises `Unrecoverable` for what it cannot read).
    from_wire: Callable[[Any], CanonicalRequest]
    #: x-capabilities names no prompt: where it sits in the submit-request schema.
    prompt_pointer: str
    #: Canonical movement amplitude -> this provider's word, where they differ.
    amplitude_words: Mapping[str, str] = field(default_factory=dict)
    #: Where the translation puts one image in each item of a list (subjects), the image
    #: count is bounded by that list's item count: the list's schema pointer.
    one_image_each: str | None = None
    #: Submit body -> the ids its prompt may name as ``@N`` placeholders (subjects), where
    #: the provider has them: a prompt that adds such placeholders is still faithful
    #: (`vidukit.canonical.same_prompt`).
    prompt_placeholders: Callable[[Any], frozenset[str]] | None = None
    #: A body built for a live call (drift's probe): fresh where the provider demands it
    #: (a new client-chosen task id per task).
    for_live: Callable[[Any], Any] = lambda body: body


class Verify(Protocol):
    def __call__(self, secret: str, headers: Mapping[str, str], raw_body: bytes, *,
                 now: float | None = ..., tolerance: float | None = ...) -> None: ...


class VerifyTarget(Protocol):
    def __call__(self, secret: str, url: str, headers: Mapping[str, str], raw_body: bytes, *,
                 now: float | None = ..., tolerance: float | None = ...) -> None: ...


#: (secret, event id, unix seconds, raw body) -> the headers to add to the POST.
Sign = Callable[[str, str, int, bytes], Mapping[str, str]]
#: (secret, callback URL, event id, unix seconds, raw body) -> the headers to add.
SignTarget = Callable[[str, str, str, int, bytes], Mapping[str, str]]


@dataclass(frozen=True)
class Signing:
    """How a provider signs its callbacks (`vidukit.webhooks` is the door to it).

    Either pair is given: ``sign``/``verify`` for a signature over the delivery itself,
    or ``sign_target``/``verify_target`` for one that also covers where the POST goes
    (the method, path and query of the callback URL), which a receiver can check only
    with the URL it was called at.
    """

    sign: Sign | None = None
    #: Raises `vidukit.webhooks.WebhookVerificationError` unless genuine and fresh.
    verify: Verify | None = None
    #: Largest age in seconds the provider tells receivers to accept.
    max_age: float = 300.0
    #: Where a client gets the secret that verifies its callbacks: a GET path on the
    #: provider's base URL, called with the API key (`vidukit drift --webhook-url` asks it),
    #: and the JSON pointer of the secret in the answer. None: the secret is not served
    #: (the drift probe then takes it from ``--webhook-secret-env``).
    secret_path: str | None = None
    secret_pointer: str = ""
    #: False where a callback verifies without a shared secret (a public key the provider
    #: publishes): `verify` is then called with an empty secret.
    needs_secret: bool = True
    sign_target: SignTarget | None = None
    verify_target: VerifyTarget | None = None
    #: The HMAC key: ``secret`` (the webhook secret a receiver was given) or ``api-key``
    #: (the API key that created the task, which the receiver holds already).
    key: Literal["secret", "api-key"] = "secret"
    #: Where the provider publishes the public keys that verify its callbacks (a JWKS), an
    #: absolute https URL, often on another host than its API; fetched without the API key.
    #: A receiver passes the document, as fetched, to `verify` as its secret. None: the
    #: provider publishes no keys (a receiver holds a secret instead).
    keys_url: str | None = None
    #: Where the mock serves its own keys (it cannot sign with the provider's): a GET path
    #: under the provider's base URL on the mock. `vidukit.webhooks.keys_url` picks one.
    keys_path: str | None = None

    def __post_init__(self) -> None:
        plain = self.sign is not None and self.verify is not None
        targeted = self.sign_target is not None and self.verify_target is not None
        if plain == targeted:
            raise ValueError("Signing takes sign and verify, or sign_target and verify_target")
        if (self.keys_url is None) != (self.keys_path is None):
            raise ValueError("Signing takes keys_url and keys_path together: where the "
                             "provider publishes its keys and where the mock serves its own")


@dataclass(frozen=True)
class MediaLimits:
    """What the named media checks allow for inline (``data:``) references."""

    #: Media kind -> allowed media types; None means any ``<kind>/*`` type.
    allowed: Mapping[MediaKind, frozenset[str] | None]
    #: Where those limits come from.
    source: str
    #: The image rules need the decoded header (the content must really be an image).
    sniff: bool = False
    #: (minimum side, maximum side) in pixels, or None.
    sides: tuple[int, int | None] | None = None
    sides_source: str = ""
    #: Longest side over shortest side allowed (4 means 1:4 .. 4:1), or None.
    max_ratio: int | None = None
    ratio_source: str = ""
    #: Largest decoded inline image in bytes, or None.
    max_decoded: int | None = None
    decoded_source: str = ""


@dataclass(frozen=True)
class Recovery:
    """How a client finds out what a submit whose answer was lost did, where the provider
    documents a way: then resubmitting blindly is avoidable, and a second paid task for one
    request is the client's bug (`vidukit verify`'s ``no-double-charge``).

    ``client-id``: the client chooses the task id, and resending the same id cannot start a
    second task. ``task-list``: the provider lists the key's recent tasks, so the client can
    look for the one its lost submit started before it submits again.
    """

    kind: Literal["client-id", "task-list"]
    #: What a correct client does, in one sentence (shown in verify's findings).
    how: str
    #: The document it rests on (an https URL first).
    source: str


#: (submit body, callback URL or None) -> (a new body, the query parameters to send with it).
Webhook = Callable[[Any, str | None], tuple[Any, Mapping[str, str] | None]]


def key_in_header(body: Any, _key: str) -> Any:
    """The common case: the API key goes in a header only, the body is left alone."""
    return body


def top_level_fields(instance: Any) -> Fields:
    """The common case: the generation fields are the body itself."""
    return [("", instance)] if isinstance(instance, dict) else []


@dataclass(frozen=True)
class ProviderSpec:
    #: The id: the folder names, the mock's URL prefix and every ``--provider`` value.
    id: str
    #: Human name ("WaveSpeedAI").
    title: str
    #: The provider's real origin (its base URL).
    origin: str
    #: Environment variable holding a live key (`vidukit drift`); never logged.
    key_env: str
    wire: Wire
    surface: Surface
    translation: Translation
    media: MediaLimits
    policies: Policies
    #: Failure category (``content-moderation``, ``invalid-parameter``, ``media-access``,
    #: ``timeout``, ``internal``) -> this provider's task error code.
    failures: Mapping[str, str]
    drift: DriftEdits
    #: Shared named rules (`vidukit.rules`) that apply to this provider's submit-request:
    #: rule id -> the sentence of this provider's documents the rule rests on.
    rules: Mapping[str, str] = field(default_factory=dict)
    #: Rule id -> this provider's wording of a shared rule's message, where it differs.
    rule_messages: Mapping[str, str] = field(default_factory=dict)
    #: Why a failure category uses the code it does, where that is a choice.
    failure_note: str | None = None
    #: A request body over this many bytes is refused (named rule ``body.max-bytes``).
    body_limit: tuple[int, str] | None = None
    #: Submit body -> the objects holding the generation fields (Vtrix's ``input[].params``).
    generation_fields: Callable[[Any], Fields] = top_level_fields
    #: Generation fields -> every inline (``data:``) media reference in them.
    inline_refs: Callable[[Fields], InlineRefs] | None = None
    #: JSON pointer prefix of the submit-request schema under which the stored request of
    #: one task lives (the mock keeps one task of a task array): x-capabilities pointers
    #: below it read that request.
    task_pointer: str = ""
    #: How its callbacks are signed; None where they are not.
    signing: Signing | None = None
    #: Scenarios only some providers can show (``nsfw``: a success flagged NSFW, where the
    #: answer has such a flag).
    scenarios: frozenset[str] = frozenset()
    #: Modules of the provider's own named rules (imported when the spec is loaded).
    rule_modules: Iterable[str] = ()
    #: Where a submit asks for a callback: places the URL where the provider reads it (a
    #: query parameter, a body field) or, given None, removes every callback field a body
    #: carries, on a copy. A client that sends recorded or fixture bodies (the soak, the
    #: lifecycle tests, a verify run with its own receiver) points their callbacks at
    #: itself, or keeps the mock from calling out. None: the provider takes no callback.
    webhook: Webhook | None = None
    #: (submit body, API key) -> the body carrying that key where the provider reads a key
    #: from the body (a key there wins over the header, so a fixture's key would make the
    #: task another owner's); the body itself where keys go in headers only.
    credentials: Callable[[Any, str], Any] = key_in_header
    #: How a client learns what a submit whose answer was lost did; None (the safe default
    #: for a provider whose documents offer no way) makes a blind resubmit a reported risk
    #: rather than a failure of ``no-double-charge`` (a failure under --strict-charges).
    recovery: Recovery | None = None

    def __post_init__(self) -> None:
        missing = set(CATEGORIES) - set(self.failures)
        if missing:
            raise ValueError(f"provider {self.id}: no failure code for {sorted(missing)}")


#: The failure categories every provider maps onto its own codes.
CATEGORIES: tuple[str, ...] = (
    "content-moderation", "invalid-parameter", "media-access", "timeout", "internal",
)

__all__ = [
    "CATEGORIES",
    "Fields",
    "InlineRefs",
    "MediaKind",
    "MediaLimits",
    "ProviderSpec",
    "Recovery",
    "Sign",
    "SignTarget",
    "Signing",
    "Translation",
    "VerifyTarget",
    "Webhook",
    "key_in_header",
    "top_level_fields",
]
