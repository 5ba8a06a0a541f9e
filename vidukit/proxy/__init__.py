"""``vidukit proxy``: a validating proxy in front of a provider (see `vidukit.proxy.app`)."""

from vidukit.proxy.app import ADMIN, MAX_JUDGED_BYTES, ProxyState, Stats, create_proxy_app

__all__ = ["ADMIN", "MAX_JUDGED_BYTES", "ProxyState", "Stats", "create_proxy_app"]
