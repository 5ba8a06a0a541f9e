"""Vtrix's HTTP surface: the generation endpoint and its task poll."""

from __future__ import annotations

from vidukit.providers.surface import Link, Operation, Surface, task_param

SURFACE = Surface(
    provider="vtrix",
    title="Vtrix",
    origin="https://cloud.vtrix.ai",
    errors={
        400: "invalid_request: details lists every violation (not in Vtrix's docs; added).",
        401: "unauthorized: API key missing or invalid.",
        403: "insufficient_balance or permission_denied.",
        404: "not_found: unknown task id (not in Vtrix's docs; added).",
        429: "rate_limit_exceeded.",
        500: "internal_error.",
    },
    operations=(
        Operation(
            operation_id="submitGeneration",
            method="post",
            path="/model/v1/generation",
            summary="Start a viduq2_pro_reference generation",
            requests=("submit-request",),
            answers=("submit-response",),
            ok="The new task.",
            links=(
                Link("task", "getGenerationTask", {"path.id": "$response.body#/id"},
                     "Poll the task just created."),
            ),
        ),
        Operation(
            operation_id="getGenerationTask",
            method="get",
            path="/model/v1/generation/task/{id}",
            summary="Poll a generation task (path confirmed by third parties only)",
            requests=(),
            answers=("result-response",),
            ok=(
                "The task in any state. A failed task answers HTTP 200 with status 'failed' "
                "and error."
            ),
            parameters=(task_param("id", "path", "returned by the submit"),),
        ),
    ),
)
