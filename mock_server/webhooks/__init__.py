"""Callbacks, as each provider makes them: rendered by the provider, sent off the request path.

Each provider package renders its own callback bodies (``render_webhook`` on
its `Provider`, in its ``status.py``); this package decides when and how they
go out (`dispatcher`), how hard it tries (`policy`), the per-task quirks a
client can ask for (`options`, the ``X-Mock-Webhook`` header), the HTTP
attempt itself (`sender`) and what the journal keeps (`records`). The admin
routes (``/_mock/webhooks``) live in `vidukit.mock_server.webhooks.admin`, imported by
the admin API itself.
"""

from vidukit.mock_server.webhooks.dispatcher import Webhooks
from vidukit.mock_server.webhooks.options import OPTIONS_HELP, WebhookOptions
from vidukit.mock_server.webhooks.policy import (
    DEFAULT_SECRET,
    POLICIES,
    TARGETS,
    WEBHOOK_HEADER,
    DeliveryPolicy,
    policy_for,
)
from vidukit.mock_server.webhooks.records import Attempt, Delivery

__all__ = [
    "DEFAULT_SECRET",
    "OPTIONS_HELP",
    "POLICIES",
    "TARGETS",
    "WEBHOOK_HEADER",
    "Attempt",
    "Delivery",
    "DeliveryPolicy",
    "WebhookOptions",
    "Webhooks",
    "policy_for",
]
