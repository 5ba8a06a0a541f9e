"""Named checks beyond JSON Schema; importing this package registers all of them."""

from vidukit.rules.registry import Rule, all_rules, checks_for, rule

__all__ = ["Rule", "all_rules", "checks_for", "rule"]
