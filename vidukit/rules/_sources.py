"""Documents the shared checks cite for every provider that resells Vidu.

A provider's own documents are named in its folder (``vidukit/providers/<id>/``).
"""

from __future__ import annotations

#: Facts about Vidu's own reference-to-video API, which every provider resells.
VIDU_FACTS = "provider-docs/README.md §6 (Vidu official reference-to-video API)"
