"""``vidukit recordings summarize DIR``: how a provider really behaved, from task recordings.

Reads every ``*.task.json`` below DIR (written by ``vidukit serve --record-tasks``,
``vidukit proxy --record`` or ``vidukit drift --record``), prints queue and processing
percentiles and the outcome mix per provider and request shape
(`vidukit.recordings.summary`), and with ``--scenario-out FILE`` writes a scenario
file that makes the mock's tasks take those times and end that way, with the
recorded error codes (``vidukit serve --scenarios FILE``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vidukit.cli import _options as opt


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "recordings", help="work with task recordings (statistics, scenario files)",
        description="Task recordings keep what a provider did with each task, timing "
                    "included (docs/guide/replay.md).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    summarize = actions.add_parser(
        "summarize", help="queue and processing percentiles and the outcome mix",
        description="Print, per provider and request shape, the queue wait, processing time "
                    "and total percentiles (p50/p90/p99) and the outcome mix of the task "
                    "recordings under DIR.",
    )
    summarize.add_argument("directory", metavar="DIR", help="a folder of *.task.json files")
    summarize.add_argument("--format", choices=("text", "json"), default="text",
                           help="text table (default) or JSON rows")
    summarize.add_argument("--scenario-out", metavar="FILE", type=opt.output_path,
                           help="also write a scenario file (YAML; .json for JSON) with the "
                                "recorded progressions and outcomes, for serve --scenarios")
    summarize.add_argument("--seed", type=opt.integer, default=0,
                           help="the scenario file's seed (0)")
    summarize.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidukit.recordings import load_recordings
    from vidukit.recordings.summary import render_text, scenario_file, summarize

    recordings = load_recordings(Path(args.directory))
    rows = summarize(recordings)
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(rows))
    if args.scenario_out:
        config = scenario_file(recordings, seed=args.seed)
        _write_scenarios(Path(args.scenario_out), config, len(recordings))
        print(f"vidukit recordings: wrote {args.scenario_out} "
              f"({len(config['progressions'])} progression(s))", file=sys.stderr)
    return 0


def _write_scenarios(path: Path, config: dict[str, Any], count: int) -> None:
    from vidukit.errors import ToolkitError

    if path.suffix.lower() == ".json":
        text = json.dumps(config, indent=2) + "\n"
    else:
        import yaml

        header = [f"# Written by vidukit recordings summarize from {count} task recording(s).",
                  "# Use: vidukit serve --scenarios " + path.name]
        text = "\n".join(header) + "\n" + yaml.safe_dump(config, sort_keys=False)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ToolkitError(f"--scenario-out {path}: cannot write: {exc.strerror or exc}") from None


__all__ = ["register", "run"]
