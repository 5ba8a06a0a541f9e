"""Document names the named checks cite, kept in one place so a citation is spelt once."""

from __future__ import annotations

WAVESPEED = "provider-docs/000_0f34c9b0ba901b34.txt"
VTRIX = "provider-docs/001_c47c48bd46f6e2d2.txt"
MYROUTER = "provider-docs/002_f56a5e20165f0433.txt"
RUNWARE = "provider-docs/003_f077cf22873f14c3.txt"
NOVITA = "provider-docs/004_ce8fb0062d26e623.txt"

#: Facts gathered beside the seeds (provider-docs/README.md), by section.
WAVESPEED_FACTS = "provider-docs/README.md §1 and §7 item 4"
RUNWARE_FACTS = "provider-docs/README.md §5 (https://runware.ai/docs/models/vidu-q2-pro)"
VIDU_FACTS = "provider-docs/README.md §6 (Vidu official reference-to-video API)"
