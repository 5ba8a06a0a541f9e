"""Novita's v3 async API, which MyRouter clones: the family's shared facts (as
``schemas/_shared/v3-async/`` holds its shared schemas). Each member's folder passes
its id, title, origin and documents; everything else is one definition here.

Wire: ``POST /v3/async/vidu-q2-reference2video`` answers ``{task_id}``; polled at
``GET /v3/async/task-result?task_id=``; status in ``task.status`` (TASK_STATUS_*).
Translation: ``subjects``, one per image with ids "1".."n" (so @1..@n in the prompt
name them); ``movement_amplitude`` ``large`` is spelled ``high``; ``duration`` is
always sent (documented as required).

Auth: ``Authorization: Bearer <key>`` as documented, or the bare key with no scheme,
because Novita's official JavaScript SDK (``novita-sdk`` 3.1.3, src/class.ts) sends it that
way and its own tests call the live API so (provider-docs README §8); the Python
``novita-client`` sends ``Bearer``. The mock accepts both on both routes
(``mock_server/providers/novita/routes.py``); any other scheme stays a 401.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from vidukit.canonical import (
    CanonicalRequest,
    Unrecoverable,
    amplitude_to_wire,
    flat_from_wire,
    read_field,
    with_seed,
)
from vidukit.placeholders import subject_ids
from vidukit.providers.policies import (
    Billing,
    DeliveryPolicy,
    DriftEdits,
    Limits,
    Policies,
    UrlPolicy,
)
from vidukit.providers.spec import Fields, InlineRefs, MediaLimits, ProviderSpec, Translation
from vidukit.providers.surface import Link, Operation, Surface, task_param
from vidukit.providers.wire import (
    FAILED,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Call,
    Progress,
    Wire,
    get,
    query_id,
    text,
    words,
)
from vidukit.rules._payload import strings
from vidukit.rules._sources import UPSTREAM_FACTS

SUBMIT_PATH = "/v3/async/vidu-q2-reference2video"
RESULT_PATH = "/v3/async/task-result"
#: Novita's documented ``video_url_ttl`` (seeds 002/004 and the jiekou doc).
VIDEO_URL_TTL = 3600

def webhook(body: Any, url: str | None) -> tuple[Any, Mapping[str, str] | None]:
    """The callback is ``extra.webhook.url``; a body's own ``extra.webhook`` (its test mode)
    is kept when a URL is placed and removed whole when none is."""
    body = copy.deepcopy(body)
    extra = get(body, "extra")
    if url is None:
        if isinstance(extra, dict):
            extra.pop("webhook", None)
        return body, None
    if not isinstance(extra, dict):
        extra = body["extra"] = {}
    hook = extra.get("webhook")
    if isinstance(hook, dict):
        hook["url"] = url
    else:
        extra["webhook"] = {"url": url}
    return body, None


def _error_code(body: Any, _task: str | None) -> str | None:
    """The text of ``task.reason`` before its first colon. The documents call the reason
    free text; the mock writes ``"<code>: <message>"``, so this reads its code."""
    reason = text(get(body, "task", "reason"))
    return reason.split(":", 1)[0].strip() if reason else None


WIRE = Wire(
    # TASK_STATUS_UNKNOWN: in the official JS SDK's TaskStatus (README §8), not finished.
    ranks={"TASK_STATUS_QUEUED": QUEUED, "TASK_STATUS_PROCESSING": PROCESSING,
           "TASK_STATUS_SUCCEED": SUCCEEDED, "TASK_STATUS_FAILED": FAILED,
           "TASK_STATUS_UNKNOWN": PROCESSING},
    submit=lambda body: Call("POST", SUBMIT_PATH, json=body),
    poll=lambda task_id: Call("GET", RESULT_PATH, params={"task_id": task_id}),
    task_id=lambda _req, body: text(get(body, "task_id")),
    statuses=lambda _m, body, _t: words(get(body, "task", "status")),
    output_url=lambda body, _t: text(get(body, "videos", 0, "video_url")),
    polled_task=query_id("task_id"),
    error_code=_error_code,
    # task.progress_percent: "Completion percentage, available for video generation APIs."
    progress=Progress("/task/progress_percent", 100.0,
                      "https://novita.ai/docs/api-reference/model-apis-task-result "
                      "(provider-docs/README.md §3 Task result)"),
)

_ERRORS: Mapping[int, str] = {
    400: "INVALID_REQUEST_BODY: the body (or the task_id) is wrong; message names every problem.",
    401: "FAILED_TO_AUTH: missing or unknown API key.",
    403: "INVALID_API_KEY, NOT_ENOUGH_BALANCE or ACCESS_DENY.",
    404: "MODEL_NOT_FOUND: the reason table's only 404 (also an unknown or another key's task).",
    429: "RATE_LIMIT_EXCEEDED or TOKEN_LIMIT_EXCEEDED.",
    503: "SERVICE_NOT_AVAILABLE.",
}


def surface(provider: str, title: str, origin: str) -> Surface:
    result_id = "getTaskResult"
    return Surface(
        provider=provider,
        title=title,
        origin=origin,
        errors=_ERRORS,
        auth_note=(
            " The bare key with no scheme (Authorization: <key>) is accepted too: Novita's "
            "official JavaScript SDK sends it so."
        ),
        operations=(
            Operation(
                operation_id="submitTask",
                method="post",
                path=SUBMIT_PATH,
                summary="Start a Vidu Q2 reference-to-video task",
                requests=("submit-request",),
                answers=("submit-response",),
                ok="The task id, to be polled with GET /v3/async/task-result.",
                links=(
                    Link("taskResult", result_id, {"query.task_id": "$response.body#/task_id"},
                         "Poll the task just created."),
                ),
            ),
            Operation(
                operation_id=result_id,
                method="get",
                path=RESULT_PATH,
                summary="Poll a task",
                requests=(),
                answers=("result-response",),
                ok=(
                    "The task in any state. A failed task answers HTTP 200 with task.status "
                    "TASK_STATUS_FAILED and a non-empty task.reason."
                ),
                parameters=(task_param("task_id", "query", "returned by the submit"),),
            ),
        ),
    )


def translation(provider: str) -> Translation:
    def to_wire(request: CanonicalRequest) -> dict[str, Any]:
        return with_seed({
            "prompt": request["prompt"],
            "subjects": [{"id": str(n), "images": [url]}
                         for n, url in enumerate(request["images"], 1)],
            "duration": request["duration"],
            "resolution": request["resolution"],
            "aspect_ratio": request["aspect_ratio"],
            "movement_amplitude": amplitude_to_wire(provider, request["movement_amplitude"]),
        }, request["seed"])

    def from_wire(body: Any) -> CanonicalRequest:
        """Images are read from every subject in order, however the client grouped them."""
        subjects = read_field(provider, body, "subjects")
        if not isinstance(subjects, list):
            raise Unrecoverable(provider, "subjects", "not a list")
        images = [url for subject in subjects for url in read_field(provider, subject, "images")]
        amplitude = read_field(provider, body, "movement_amplitude", "movement_amplitude")
        return flat_from_wire(provider, body, amplitude, images)

    return Translation(
        to_wire=to_wire,
        from_wire=from_wire,
        prompt_pointer="/properties/prompt",
        # Seeds 002/004: auto, small, medium, high.
        amplitude_words={"large": "high"},
        one_image_each="/properties/subjects",
        # Seeds 002/004: the prompt "can use @1, @2, etc. placeholders to reference subjects".
        prompt_placeholders=subject_ids,
    )


def subject_images(fields: Fields) -> InlineRefs:
    """Inline images in ``subjects[].images``."""
    out: InlineRefs = []
    for path, found in fields:
        subjects = found.get("subjects")
        if isinstance(subjects, list):
            for i, subject in enumerate(subjects):
                if isinstance(subject, dict):
                    strings(subject.get("images"), f"{path}/subjects/{i}", "images", "image", out)
    return out


#: A submit the balance cannot cover: 403 NOT_ENOUGH_BALANCE, the body third-party projects
#: observed from Novita's API and the clone jiekou's table (403). The official JS SDK also
#: names BILLING_BALANCE_NOT_ENOUGH (its status undocumented; the ``billing-refused``
#: scenario sends it): the observed body wins.
BILLING = Billing(
    status=403, reason="NOT_ENOUGH_BALANCE",
    source="https://novita.ai/docs/guides/error (provider-docs/README.md §3 Errors: "
           "{\"code\":403,\"reason\":\"NOT_ENOUGH_BALANCE\"} observed by third parties; "
           "jiekou's table: NOT_ENOUGH_BALANCE 403)",
)


def member(
    provider: str,
    title: str,
    origin: str,
    *,
    doc: str,
    key_env: str,
    quotas: Limits,
    delivery: DeliveryPolicy,
    for_doc: Callable[[str], str] = lambda text: text,
    scenarios: frozenset[str] = frozenset(),
) -> ProviderSpec:
    """The spec of one member of the family; *doc* is its own source document."""
    return ProviderSpec(
        id=provider,
        title=title,
        origin=origin,
        key_env=key_env,
        wire=WIRE,
        surface=surface(provider, title, origin),
        translation=translation(provider),
        media=MediaLimits(allowed={"image": None},
                          source=f"{doc} (subjects[].images); {UPSTREAM_FACTS}"),
        inline_refs=subject_images,
        rules={
            "bgm-long-duration": f"{doc} (bgm, duration 1-10); {UPSTREAM_FACTS}: bgm has no "
                                 "effect at 9-10 s",
            "seed-zero-random": f"{doc} (seed); {UPSTREAM_FACTS}: seed 0 = random",
            "prompt-subject-placeholder": for_doc(
                f"{doc} (prompt: '@1, @2, etc. placeholders'); {UPSTREAM_FACTS}"),
            "subjects-total-images": f"{UPSTREAM_FACTS}: subject mode takes 1-7 images in total "
                                     "(README §7 item 15)",
        },
        policies=Policies(
            # The documented TTL of a signed URL, then 403 AccessDenied.
            url=UrlPolicy(VIDEO_URL_TTL, 403),
            delivery=delivery,
            quotas=quotas,
            # No price in the documents and no cost field in the responses: no quote.
            usd_per_second=None,
            billing=BILLING,
        ),
        webhook=webhook,
        scenarios=scenarios,
        failures={
            "content-moderation": "CreationPolicyViolation",
            "invalid-parameter": "ImageFormatInvalid",
            "media-access": "ImageDownloadFailure",
            "timeout": "InternalServiceFailure",
            "internal": "InternalServiceFailure",
        },
        failure_note=(
            "Vidu's task codes (what this API passes on, UNCONFIRMED) have no "
            "invalid-parameter or timeout code: invalid-parameter uses ImageFormatInvalid (an "
            "input the model rejects), timeout uses InternalServiceFailure"
        ),
        drift=DriftEdits(
            rename=("/task/task_id", "id"),
            new_value=("/videos/*/video_type", "webm"),
            new_status=("/task/status", "TASK_STATUS_PROCESSING", "TASK_STATUS_RUNNING"),
        ),
    )


__all__ = ["BILLING", "RESULT_PATH", "SUBMIT_PATH", "VIDEO_URL_TTL", "WIRE", "member", "surface",
           "translation", "webhook"]
