"""Named checks of a client's behaviour in one example, in one registry.

Each check is ``fn(ctx: CheckContext) -> Iterable[str]`` (one message per
problem), registered with ``@check(name, description)``; select and skip them
by name with ``REGISTRY.select(checks, skip)``. The harness
(`vidukit.contract_tests.harness`) builds the `CheckContext` of every example and runs
the selected checks on it.
"""

# Importing the check modules registers them; reports list checks in this order.
from vidukit.contract_tests.checks import _wire  # noqa: F401

# isort: split
from vidukit.contract_tests.checks import _outcome  # noqa: F401

# isort: split
from vidukit.contract_tests.checks import _discipline  # noqa: F401

# isort: split
from vidukit.contract_tests.checks import _charges  # noqa: F401

# isort: split
from vidukit.contract_tests.checks import _funds  # noqa: F401

# isort: split
from vidukit.contract_tests.checks import _webhook  # noqa: F401

# isort: split
from vidukit.contract_tests.checks import _fallback  # noqa: F401

# isort: split
from vidukit.contract_tests.checks._context import (
    RETRYABLE_FAULTS,
    STUCK,
    TRANSIENT_FAULTS,
    AdapterRun,
    CheckContext,
)
from vidukit.contract_tests.checks._discipline import polls_after_terminal
from vidukit.contract_tests.checks._exchange import is_poll
from vidukit.contract_tests.checks._funds import refused_for_funds
from vidukit.contract_tests.checks._outcome import shape_problem
from vidukit.contract_tests.checks._registry import (
    REGISTRY,
    Check,
    CheckFn,
    Registry,
    UnknownCheck,
    check,
)
from vidukit.contract_tests.checks._risks import RISKS, find_risks


def readme_table() -> str:
    """The table of checks in docs/guide/verify.md (name and one-line description)."""
    rows = ["| check | what it demands |", "|---|---|"]
    rows += [f"| `{c.name}` | {c.description} |" for c in REGISTRY]
    return "\n".join(rows)


__all__ = [
    "REGISTRY",
    "RETRYABLE_FAULTS",
    "RISKS",
    "STUCK",
    "TRANSIENT_FAULTS",
    "AdapterRun",
    "Check",
    "CheckContext",
    "CheckFn",
    "Registry",
    "UnknownCheck",
    "check",
    "find_risks",
    "is_poll",
    "polls_after_terminal",
    "readme_table",
    "refused_for_funds",
    "shape_problem",
]
