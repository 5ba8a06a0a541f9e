"""Broken clients that fall over on the answers the official SDKs are coded for (issue 12).

Each is an example client that handles the documented answers but not a form
an official SDK handles (provider-docs §8), which the mock sends when the
harness draws that provider's SDK-form scenario (`task_forms`): the bug is one
the SDKs themselves had, or would have without the code that handles the form.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from examples.broken._registry import broken
from examples.common import Result, run_adapter
from examples.novita_client import RESULT_PATH, NovitaClient, read_task_result
from examples.runware_client import TASKS_PATH, RunwareClient, read_response
from examples.vtrix_client import TASK_PATH, VtrixClient, read_task
from examples.wavespeed_client import RESULT_PATH as WAVESPEED_RESULT_PATH
from examples.wavespeed_client import WaveSpeedClient, prediction, read_prediction

#: Wire-form bugs have nothing to do with transient faults: leaving them out keeps runs short.
NO_FAULTS: dict[str, Any] = {"transient_faults": False}


class _OnlyCompletedOrFailed(WaveSpeedClient):
    """Knows completed and failed as the only ends, as the Python SDK did before it "previously
    polled forever" was fixed (WaveSpeedAI/wavespeed-python, commit c85a517)."""

    def result(self, task_id: str) -> Result | None:
        data = prediction(self.api.call("GET", WAVESPEED_RESULT_PATH.format(id=task_id)))
        if data.get("status") not in ("completed", "failed"):
            return None
        return read_prediction(data)


@broken("wavespeed", bug="knows only completed and failed as final: polls on after a "
        "cancelled or timeout status (scenarios cancelled, timeout-status)",
        caught_by="no-poll-after-terminal", **NO_FAULTS)
def polls_on_cancelled(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_OnlyCompletedOrFailed, request, endpoint)


class _ErrorsListOnly(RunwareClient):
    """Reads a data item's failure as it reads an errors item: ``message`` at the top.

    Inside ``data`` the failure is nested (``{status: "error", error: {code, message}}``,
    runware-sdk's ``_AsyncCollector.ingest``), so the lookup raises KeyError.
    """

    def result(self, task_uuid: str) -> Result | None:
        body = self.api.call("POST", TASKS_PATH,
                             json=[{"taskType": "getResponse", "taskUUID": task_uuid}])
        for item in body.get("data") or []:
            if item.get("taskUUID") == task_uuid and item.get("status") == "error":
                return Result.failed(task_uuid, f"{item['code']}: {item['message']}")
        return read_response(body, task_uuid)


@broken("runware", bug="reads a failure inside data as if it came in errors (code and "
        "message at the top): a KeyError on the nested error (scenario data-error)",
        caught_by="no-crash", **NO_FAULTS)
def crashes_on_data_error(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_ErrorsListOnly, request, endpoint)


class _Status(enum.Enum):
    """The task statuses the Python ``novita-client`` knows (its ``V3TaskResponseStatus``)."""

    QUEUED = "TASK_STATUS_QUEUED"
    PROCESSING = "TASK_STATUS_PROCESSING"
    SUCCEED = "TASK_STATUS_SUCCEED"
    FAILED = "TASK_STATUS_FAILED"


class _ClosedStatusEnum(NovitaClient):
    """Parses the status into a closed enum, as the Python ``novita-client`` 0.7.1 does: the
    JS SDK's TASK_STATUS_UNKNOWN is a ValueError (that SDK raises ParseError)."""

    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", RESULT_PATH, params={"task_id": task_id})
        _Status(body["task"]["status"])
        return read_task_result(body, task_id)


@broken("novita", bug="parses the status into a closed enum: TASK_STATUS_UNKNOWN (the JS "
        "SDK's word) raises, as in the Python novita-client (scenario status-unknown)",
        caught_by="no-crash", **NO_FAULTS)
def crashes_on_unknown_status(request: dict[str, Any],
                              endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_ClosedStatusEnum, request, endpoint)


class _ErrorObjectOnly(VtrixClient):
    """Takes ``error`` to be an object always; the official CLI reads a plain string too
    (VtrixAI/vtrix-cli, internal/generation/client.go ``TaskError.UnmarshalJSON``)."""

    def result(self, task_id: str) -> Result | None:
        body = self.api.call("GET", TASK_PATH.format(id=task_id))
        error = body.get("error") if isinstance(body, Mapping) else None
        if body.get("status") == "failed" and error is not None:
            return Result.failed(task_id, f"{error.get('code')}: {error.get('message')}")
        return read_task(body)


@broken("vtrix", bug="takes a failed task's error to be an object: a plain string (the "
        "official CLI reads both) is an AttributeError (scenario error-string)",
        caught_by="no-crash", **NO_FAULTS)
def crashes_on_error_string(request: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
    return run_adapter(_ErrorObjectOnly, request, endpoint)
