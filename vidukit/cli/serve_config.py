"""The `MockConfig` that ``vidukit serve``'s options describe.

Read by the parent (`vidukit.cli.serve_cmd`) and by every worker process
(`vidukit.cli.serve_workers.app_from_env`), which rebuild it from the same options; its own
module so neither of those two imports the other for it. The mock server's modules are
imported when the function runs, as every subcommand's are (``vidukit --help`` loads none).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vidukit.mock_server.config import MockConfig


def build_config(args: argparse.Namespace) -> MockConfig:
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
    if args.drift is not None:
        from vidukit.mock_server.drift import load_drift_profile

        options["drift"] = load_drift_profile(args.drift)
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


__all__ = ["build_config"]
