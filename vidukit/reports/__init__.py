"""Self-contained HTML reports of ``vidukit verify`` and ``vidukit drift`` (``--html FILE``).

One file per report, with its styles, data and script inline: it opens from
disk, offline, prints, and fetches nothing (its own Content-Security-Policy
forbids it). Every payload is shown as escaped text. The timeline is drawn by
the dashboard's own ``timeline.js`` (`vidukit.reports._assets` inlines it), so
a report and ``/_mock/ui`` show a task the same way.
"""

from vidukit.reports._drift import drift_html
from vidukit.reports._page import check_writable, write_html
from vidukit.reports._verify import VerifyReport, verify_html

__all__ = ["VerifyReport", "check_writable", "drift_html", "verify_html", "write_html"]
