"""Task recordings on the mock: write each finished task as one (``--record-tasks DIR``),
and make new tasks follow recorded timelines (``--replay DIR``).

`recorder.TaskRecorder` and `player.Replayer` hang off the engine like the
scenarios do (an on-enter hook, a create check); neither reads the wall clock,
so on a virtual clock a replay shows each recorded status at exactly its
recorded offset. The format is `vidukit.recordings`; docs/guide/replay.md says
how to use both.
"""

from vidukit.mock_server.replay.player import (
    MATCH_RULES,
    REPLAY_HEADER,
    Replayer,
    ReplaySettings,
    callback_quirk,
)
from vidukit.mock_server.replay.recorder import TaskRecorder

__all__ = ["MATCH_RULES", "REPLAY_HEADER", "ReplaySettings", "Replayer", "TaskRecorder",
           "callback_quirk"]
