"""Document names the named checks cite, kept in one place so a citation is spelt once.

Each leads with the provider's public page, which a user can open; the name of the
document the project was built from (``provider-docs/00N_*.txt``, which a clone does
not contain) follows as "source document 00N". Schema ``x-source`` strings follow the
same rule, and ``tests/test_sources_public.py`` holds both to it.
"""

from __future__ import annotations

WAVESPEED = ("https://wavespeed.ai/docs/docs-api/vidu/vidu-reference-to-video-q2 "
             "(source document 000)")
VTRIX = "https://doc.vtrix.ai/docs/api/vidu/viduq2-pro-reference2video (source document 001)"
MYROUTER = ("https://docs.myrouter.ai/docs/models/reference-vidu-q2-reference2video "
            "(source document 002)")
RUNWARE = "https://runware.ai/docs/models/vidu-q2-pro (source document 003)"
NOVITA = ("https://novita.ai/docs/api-reference/model-apis-vidu-q2-reference2video "
          "(source document 004)")

#: Facts gathered beside the source documents (provider-docs/README.md), by section.
WAVESPEED_FACTS = ("https://wavespeed.ai/docs/docs-api/vidu/vidu-reference-to-video-q2 "
                   "(provider-docs/README.md §1 and §7 item 4: the newer page)")
RUNWARE_FACTS = "https://runware.ai/docs/models/vidu-q2-pro (provider-docs/README.md §5)"
VIDU_FACTS = ("https://platform.vidu.com/docs/reference-to-video "
              "(provider-docs/README.md §6: Vidu's official reference-to-video API)")
