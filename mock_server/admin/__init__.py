"""The admin API (``/_mock/``): tasks, journal, reset, clock, defaults, forced outcomes, media.

`routes` (``admin_routes``, ``ENDPOINTS``) mounts the rest; `views` (JSON views, also read
by the dashboard), `errors` (``AdminError``) and `openapi` (the API's document). This file
imports none of them: the dashboard and the webhook routes, which `routes` mounts, import
`views` and `errors` without running `routes`.
"""
