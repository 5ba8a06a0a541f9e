"""Documents the shared checks cite for every provider that resells Vidu.

Each leads with the public page, which a user can open; the name of the document the
project was built from follows. A provider's own documents are named in its folder
(``vidukit/providers/<id>/``) in the same form, and ``tests/test_sources_public.py``
holds every citation to it.
"""

from __future__ import annotations

#: Facts about Vidu's own reference-to-video API, which every provider resells.
UPSTREAM_FACTS = ("https://platform.vidu.com/docs/reference-to-video "
              "(provider-docs/README.md §6: Vidu's official reference-to-video API)")
