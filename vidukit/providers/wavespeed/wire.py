"""WaveSpeed's tasks on the wire: ``data.id``, ``data.status``, ``data.outputs``."""

from __future__ import annotations

from vidukit.providers.wire import (
    FAILED,
    PROCESSING,
    QUEUED,
    SUCCEEDED,
    Call,
    Wire,
    get,
    path_id,
    text,
    words,
)

SUBMIT_PATH = "/api/v3/vidu/reference-to-video-q2"

WIRE = Wire(
    ranks={"created": QUEUED, "processing": PROCESSING, "completed": SUCCEEDED,
           "failed": FAILED},
    submit=lambda body: Call("POST", SUBMIT_PATH, json=body),
    poll=lambda task_id: Call("GET", f"/api/v3/predictions/{task_id}/result"),
    task_id=lambda _req, body: text(get(body, "data", "id")),
    statuses=lambda _m, body, _t: words(get(body, "data", "status")),
    output_url=lambda body, _t: text(get(body, "data", "outputs", 0)),
    polled_task=path_id(r"/api/v3/predictions/([^/]+?)(?:/result)?$"),
)
