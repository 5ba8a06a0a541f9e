"""The documents Vidu's facts come from, each leading with the page a user can open."""

from __future__ import annotations

#: The reference-to-video page: fields, modes, models, auth.
DOC = "https://platform.vidu.com/docs/reference-to-video (provider-docs/README.md §6 and §9)"
#: GET creations: states, err_code, credits, creations and their URL lifetime.
GENERATION = "https://platform.vidu.com/docs/get-generation (provider-docs/README.md §6 and §9)"
#: The task list: ``GET /ent/v2/tasks`` with ``states`` and ``model_versions``.
TASKS = "https://platform.vidu.com/docs/tasks-list (provider-docs/README.md §9)"
#: The error codes per HTTP status.
ERRORS = "https://platform.vidu.com/docs/error-code (provider-docs/README.md §6)"
#: How callbacks are signed.
SIGNATURE = "https://platform.vidu.com/docs/callback-signature (provider-docs/README.md §6 and §9)"

__all__ = ["DOC", "ERRORS", "GENERATION", "SIGNATURE", "TASKS"]
