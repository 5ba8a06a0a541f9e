"""``vidukit schemas``: what the catalogue holds.

``vidukit schemas`` lists providers and their messages; ``schemas show P M``
prints one schema as pretty JSON; ``schemas rules P M`` lists every rule id
the validator can report for that message (schema-derived and named), the
ids fixtures and contract-test selections use.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "schemas", help="list providers and messages, show a schema or its rule ids",
        description="Without a subcommand: list each provider's messages.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    show = actions.add_parser("show", help="print one schema as JSON")
    rules = actions.add_parser("rules", help="list the rule ids one message can break")
    for sub in (show, rules):
        sub.add_argument("provider", metavar="PROVIDER")
        sub.add_argument("message", metavar="MESSAGE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidukit.catalogue import catalogue

    cat = catalogue()
    if args.action == "show":
        print(json.dumps(cat.schema(args.provider, args.message), indent=2, ensure_ascii=False))
    elif args.action == "rules":
        print("\n".join(rule_lines(args.provider, args.message)))
    else:
        width = max((len(p) for p in cat.providers()), default=0)
        for provider in cat.providers():
            print(f"{provider:<{width}}  {' '.join(cat.messages(provider))}")
    return 0


def rule_lines(provider: str, message: str) -> list[str]:
    """``<id>  <severity>  <origin>`` for every rule, schema-derived ones first."""
    from vidukit.catalogue import catalogue
    from vidukit.rules import checks_for
    from vidukit.rules.derived import schema_rule_ids

    cat = catalogue()
    cat.schema(provider, message)
    derived = schema_rule_ids(cat, provider, message)
    lines = [f"{rule}  error  schema ({', '.join(sorted(keywords))})"
             for rule, keywords in sorted(derived.items())]
    lines += [f"{check.rule.id}  {check.severity}  named check: {check.rule.description}"
              for check in sorted(checks_for(provider, message), key=lambda c: c.rule.id)]
    return lines
