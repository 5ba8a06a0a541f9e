"""Everything one mock server instance holds, in one object on ``app.state.mock``.

Built by `create_app` and by nothing else, so two apps never share a task, a
journal entry or a clock. `MockState.reset` brings it back to how it was built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vidukit.mock_server.clock import Clock, VirtualClock
from vidukit.mock_server.config import MockConfig
from vidukit.mock_server.engine import Engine
from vidukit.mock_server.journal import Journal
from vidukit.mock_server.ledger import Ledger
from vidukit.mock_server.media.uploads import Uploads
from vidukit.mock_server.storage import TaskStore
from vidukit.mock_server.webhooks import Webhooks

if TYPE_CHECKING:
    from vidukit.mock_server.providers import Provider
    from vidukit.mock_server.quotas import Quotas
    from vidukit.mock_server.replay import Replayer, TaskRecorder
    from vidukit.mock_server.scenarios.controller import Scenarios


@dataclass
class MockState:
    config: MockConfig
    clock: Clock
    store: TaskStore
    engine: Engine
    journal: Journal
    #: Mounted providers by id, and the path prefix each is served under ("" at the root).
    providers: Mapping[str, Provider]
    prefixes: Mapping[str, str]
    #: Callback delivery (mock_server.webhooks), hooked on the engine.
    webhooks: Webhooks
    #: Fault scenarios (mock_server.scenarios) and quotas (mock_server.quotas), on the engine.
    scenarios: Scenarios
    quotas: Quotas
    #: What each task cost its key, balances, and what was paid for but never collected.
    ledger: Ledger
    #: Files clients uploaded (mock_server.media.uploads), served back by URL.
    uploads: Uploads = field(default_factory=Uploads)
    #: Task recordings (mock_server.replay): the writer and the player, when configured.
    recorder: TaskRecorder | None = None
    replayer: Replayer | None = None

    def reset(self) -> None:
        self.engine.reset()
        self.ledger.reset()  # the store is empty again: the configured balances come back
        self.journal.clear()
        self.webhooks.reset()
        self.scenarios.reset()
        self.quotas.reset()
        self.uploads.reset()
        if isinstance(self.clock, VirtualClock):
            self.clock.reset()


__all__ = ["MockState"]
