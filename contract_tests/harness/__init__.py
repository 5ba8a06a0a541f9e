"""Property-based verification of a team's client: ``verify_client(provider, adapter)``.

The adapter is ``adapter(request, endpoint) -> {"status": "succeeded",
"video_url": ...} | {"status": "failed", "error": ...}`` (``def`` or ``async
def``; an exception escaping it is a crash). ``request`` is a
`vidukit.contract_tests.canonical.CanonicalRequest`; ``endpoint`` holds ``provider``,
``base_url`` (the provider's base URL on the mock), ``api_key`` and
``poll_interval`` (an optional hint, in seconds: a client may poll that soon),
``poll_timeout`` (the deadline, in seconds, the client gives one task: on a task
that never finishes it must give up by then and return ``failed``);
in webhook mode (``mode="webhook"``) also ``webhook_url`` and ``webhook_receiver``
(see `vidukit.contract_tests.harness._webhook`).
The named checks are in `vidukit.contract_tests.checks`.
"""

from vidukit.contract_tests.harness._adapter import (
    Adapter,
    AdapterNotFound,
    call_adapter,
    describe_adapter,
    load_adapter,
)
from vidukit.contract_tests.harness._behaviour import (
    MAX_FAULT_REPEATS,
    MAX_POLLS,
    OUTCOMES,
    STUCK_OUTCOME,
    Behaviour,
    Fault,
    behaviours,
    faults,
    task_forms,
)
from vidukit.contract_tests.harness._mock import HarnessError, MockHandle
from vidukit.contract_tests.harness._report import CheckFailure, Example, Report
from vidukit.contract_tests.harness._runner import (
    DEFAULT_BUDGET,
    DEFAULT_EXAMPLES,
    DEFAULT_POLL_RATE,
    DEFAULT_SHRINK_SECONDS,
    run_checks,
    run_example,
    select_checks,
    verify_client,
)
from vidukit.contract_tests.harness._webhook import (
    MODES,
    ReceiverSlot,
    WebhookReceiver,
    webhook_behaviours,
)

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_EXAMPLES",
    "DEFAULT_POLL_RATE",
    "DEFAULT_SHRINK_SECONDS",
    "MAX_FAULT_REPEATS",
    "MAX_POLLS",
    "MODES",
    "OUTCOMES",
    "STUCK_OUTCOME",
    "Adapter",
    "AdapterNotFound",
    "Behaviour",
    "CheckFailure",
    "Example",
    "Fault",
    "HarnessError",
    "MockHandle",
    "ReceiverSlot",
    "Report",
    "WebhookReceiver",
    "behaviours",
    "call_adapter",
    "describe_adapter",
    "faults",
    "load_adapter",
    "run_checks",
    "run_example",
    "select_checks",
    "task_forms",
    "verify_client",
    "webhook_behaviours",
]
