"""Task recordings: what one asynchronous task did, with its timing, as a versioned document.

`document` (the format, its JSON Schema, loading and writing), `timeline` (a recording as
the queue wait, processing time and outcome a mock can replay), `exchanges` (recordings
built from a proxy's or a probe's observed traffic) and `summary` (statistics over many).
The mock records and replays them (`vidukit.mock_server.replay`); docs/guide/replay.md
describes the format.
"""

from vidukit.recordings.document import (
    FORMAT,
    VERSION,
    Recording,
    RecordingError,
    load_recordings,
    request_shape,
    write_recording,
)

__all__ = [
    "FORMAT",
    "VERSION",
    "Recording",
    "RecordingError",
    "load_recordings",
    "request_shape",
    "write_recording",
]
