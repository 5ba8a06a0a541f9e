"""Named checks beyond JSON Schema; importing this package registers all of them.

Modules by theme: `media` (data: URIs and image headers), `body` (request
size), `subjects` (Novita/MyRouter subjects and prompt placeholders) and
`effects` (warnings about parameters that do nothing). `derived` lists the
ids the schemas themselves can produce.
"""

from vidukit.rules import body, effects, media, subjects
from vidukit.rules.registry import BoundCheck, Rule, all_rules, checks_for, get_rule, rule

__all__ = [
    "BoundCheck",
    "Rule",
    "all_rules",
    "body",
    "checks_for",
    "effects",
    "get_rule",
    "media",
    "rule",
    "subjects",
]
