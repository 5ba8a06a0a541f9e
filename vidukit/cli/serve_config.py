"""The `MockConfig` that ``vidukit serve``'s options describe, and its errors in flag words.

Read by the parent (`vidukit.cli.serve_cmd`) and by every worker process
(`vidukit.cli.serve_workers.app_from_env`), which rebuild it from the same options; its own
module so neither of those two imports the other for it. The mock server's modules are
imported when the function runs, as every subcommand's are (``vidukit --help`` loads none).
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vidukit.mock_server.config import MockConfig

#: MockConfig field -> the ``serve`` flag that sets it, for `ConfigError` messages.
FLAGS: dict[str, str] = {
    "provider": "--provider",
    "api_keys": "--api-key",
    "admin_token": "--admin-token",
    "clock": "--clock",
    "seed": "--seed",
    "progression": "--progression",
    "outcome": "--outcome",
    "jitter": "--jitter",
    "store": "--store",
    "journal_max_entries": "--journal-size",
    "journal_max_bytes": "--journal-max-bytes",
    "journal_max_age": "--journal-max-age",
    "max_tasks": "--max-tasks",
    "max_body_bytes": "--max-body-bytes",
    "public_url": "--public-url",
    "webhook_secret": "--webhook-secret",
    "webhook_targets": "--webhook-targets",
    "scenarios": "--scenarios",
    "quotas": "--quotas",
    "drift": "--drift",
    "record_tasks": "--record-tasks",
    "replay": "--replay",
    "balances": "--balance",
}
#: ``field: ...`` or ``field.part: ...`` (quota overrides name their provider and limit).
_FIELD = re.compile(r"^([a-z_]+)(?:: |\.)")


def as_flag(message: str) -> str:
    """A `MockConfig` message (``journal_max_entries: ...``) in the flag's words."""
    found = _FIELD.match(message)
    if found and found.group(1) in FLAGS:
        return FLAGS[found.group(1)] + ": " + message[found.end():]
    return message


def build_config(args: argparse.Namespace) -> MockConfig:
    from vidukit.mock_server.errors import ConfigError

    try:
        return _build_config(args)
    except ConfigError as exc:
        raise ConfigError(as_flag(str(exc))) from None


def _build_config(args: argparse.Namespace) -> MockConfig:
    from vidukit.mock_server.config import DEFAULT_PROGRESSION, MockConfig, check_exposure

    check_exposure(args.host, args.admin_token)
    options: dict[str, Any] = {}
    if args.jitter is not None:
        options["jitter"] = args.jitter
    if args.webhook_secret is not None:
        options["webhook_secret"] = args.webhook_secret
    if args.scenarios is not None:
        from vidukit.mock_server.scenarios import load_scenario_file

        options["scenarios"] = load_scenario_file(args.scenarios)
    if args.quotas is not None:
        options["quotas"] = args.quotas
    for name in ("journal_max_bytes", "journal_max_age", "max_tasks", "max_body_bytes"):
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if getattr(args, "balance", None):
        from vidukit.mock_server.ledger.balances import parse_balance

        options["balances"] = tuple(parse_balance(text) for text in args.balance)
    if args.drift is not None:
        from vidukit.mock_server.drift import load_drift_profile

        options["drift"] = load_drift_profile(args.drift)
    if args.record_tasks is not None:
        options["record_tasks"] = args.record_tasks
    if args.replay is not None:
        options["replay"] = _replay_settings(args)
    return MockConfig(
        provider=args.provider,
        api_keys=tuple(args.api_key),
        admin_token=args.admin_token,
        clock=args.clock,
        seed=args.seed,
        progression=args.progression or DEFAULT_PROGRESSION,
        outcome=args.outcome,
        journal_max_entries=args.journal_size,
        public_url=args.public_url,
        webhook_targets=args.webhook_targets,
        store=args.store,
        **options,
    )


def _replay_settings(args: argparse.Namespace) -> Any:
    """``--replay DIR`` and its options; a bad recording is one line naming its file."""
    from pathlib import Path

    from vidukit.mock_server.providers import load_providers
    from vidukit.mock_server.replay import ReplaySettings
    from vidukit.recordings import RecordingError, load_recordings

    served = (args.provider,) if args.provider else tuple(load_providers())
    try:
        recordings = load_recordings(Path(args.replay), providers=served)
    except RecordingError as exc:
        raise RecordingError(f"--replay: {exc}") from None
    return ReplaySettings(tuple(recordings), match=args.replay_match, speed=args.replay_speed,
                          verbatim=args.replay_verbatim)


__all__ = ["FLAGS", "as_flag", "build_config"]
