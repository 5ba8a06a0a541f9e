"""Running the broken clients through `verify_client`, and the catch-rate table.

`catch` and `control` use the same seed, examples and options, so the only
difference between a broken client's run and its control is the bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from examples.broken._registry import EXAMPLES, SHRINK_SECONDS, BrokenClient, CorrectVariant
from vidukit.contract_tests.harness import Report, verify_client
from vidukit.providers import provider_ids

#: The fixed seed of every catch: the catch rate must repeat run after run.
SEED = 5
PROVIDERS = provider_ids()


@dataclass(frozen=True)
class Catch:
    """What `verify_client` found on one broken client."""

    broken: BrokenClient
    report: Report

    @property
    def caught(self) -> bool:
        """The declared check broke (others may have broken too: a bug can do more harm)."""
        return self.broken.caught_by in self.report.failed_checks


def catch(broken: BrokenClient, *, seed: int = SEED) -> Catch:
    report = verify_client(broken.provider, broken.adapter, examples=EXAMPLES, seed=seed,
                           shrink_seconds=SHRINK_SECONDS, **broken.options)
    return Catch(broken, report)


def control(broken: BrokenClient, *, seed: int = SEED) -> Report:
    """The correct client of *broken*'s provider under the very same run."""
    return verify_client(broken.provider, broken.control, examples=EXAMPLES, seed=seed,
                         shrink_seconds=SHRINK_SECONDS, **broken.options)


def judge(variant: CorrectVariant, *, seed: int = SEED) -> Report:
    """*variant*'s run: the same seed and examples as the catches; it must pass."""
    return verify_client(variant.provider, variant.adapter, examples=EXAMPLES, seed=seed,
                         shrink_seconds=SHRINK_SECONDS, **variant.options)


def catch_rate(catches: Iterable[Catch],
               judged: Iterable[tuple[CorrectVariant, Report]] = ()) -> str:
    """The catch-rate tables (docs/guide/verify.md): per provider, every broken client, then
    the correct variants and whether verify let them pass (a failure there is a false alarm)."""
    done = list(catches)
    rows = ["| provider | broken clients | caught | catch rate |", "|---|---|---|---|"]
    for provider in [p for p in PROVIDERS if any(c.broken.provider == p for c in done)]:
        mine = [c for c in done if c.broken.provider == provider]
        caught = sum(c.caught for c in mine)
        rows.append(f"| `{provider}` | {len(mine)} | {caught} | {caught / len(mine):.0%} |")
    total = sum(c.caught for c in done)
    rows.append(f"| all | {len(done)} | {total} | {total / max(1, len(done)):.0%} |")
    rows += ["", "| broken client | bug | caught by | checks that broke |", "|---|---|---|---|"]
    for c in done:
        broke = ", ".join(f"`{name}`" for name in c.report.failed_checks) or "none (MISSED)"
        rows.append(f"| `{c.broken.name}` | {c.broken.bug} | `{c.broken.caught_by}` | {broke} |")
    fine = list(judged)
    if fine:
        rows += ["", "| correct variant | what it does differently | verdict |", "|---|---|---|"]
        for variant, report in fine:
            verdict = ("passed" if report.passed else "FALSE ALARM: " + ", ".join(
                f"`{name}`" for name in report.failed_checks))
            rows.append(f"| `{variant.name}` | {variant.differs} | {verdict} |")
    return "\n".join(rows)


__all__ = ["PROVIDERS", "SEED", "Catch", "catch", "catch_rate", "control", "judge"]
