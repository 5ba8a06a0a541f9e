"""Live drift: check a real provider against the schemas and report what differs.

Two ways in, one report out: ``vidukit drift`` (a budgeted probe:
`vidukit.drift.probe`) and ``vidukit proxy`` (a validating proxy:
`vidukit.proxy`) both feed exchanges to an `Observer`
(`vidukit.drift.observer`), which names the messages, validates them
(`vidukit.drift.analyse`), follows lifecycles (`vidukit.drift.lifecycle`) and
builds a `Report` (`vidukit.drift.report`), rendered as a table, JSON or JUnit
(`vidukit.drift.render`), turned into schema patches (`vidukit.drift.patch`)
and recorded as scrubbed fixtures (`vidukit.drift.record`).

This package is core: it imports only the catalogue, the validator and the
surface table. The commands that compose it with the mock's prices and the
canonical request live in `vidukit.cli`.
"""

from vidukit.drift.observer import Exchange, Observer
from vidukit.drift.report import FAIL_ON_CHOICES, KINDS, Finding, Report

__all__ = ["FAIL_ON_CHOICES", "KINDS", "Exchange", "Finding", "Observer", "Report"]
