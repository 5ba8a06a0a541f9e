"""Files a client uploads to the mock, kept so that a later request can refer to them by URL.

Providers' SDKs upload local files first and send the URL they get back (WaveSpeed's
``upload()``). The mock keeps the bytes here, in memory and bounded (the oldest files
go first, so a long run cannot grow without end), and serves them back:

    PUT /_mock/media/uploads/{id}             the upload URL of a ticket (no auth, as a
                                              presigned storage URL); the body is the file
    GET /_mock/media/uploads/{id}/{filename}  the download URL: the bytes, with the
                                              content type the ticket declared

A provider's route creates the ticket (`Uploads.ticket`), or stores a whole file at
once (`Uploads.store`, for single-request uploads), and answers in its own shape.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from vidukit.mock_server.http import JSON_TYPE, dumps

#: At most this many files and bytes are kept; the oldest are dropped first.
MAX_FILES = 256
MAX_BYTES = 256 * 1024 * 1024
#: One file's limit: WaveSpeed's SDK refuses streams over 200 MB itself.
MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_TYPE = "application/octet-stream"


@dataclass
class Upload:
    filename: str
    content_type: str
    #: The size the ticket declared (None: not declared); a PUT of another size is refused.
    size: int | None = None
    content: bytes | None = None


@dataclass
class Uploads:
    """The uploaded files of one mock server (``MockState.uploads``)."""

    files: OrderedDict[str, Upload] = field(default_factory=OrderedDict)

    def ticket(self, filename: str, content_type: str | None, size: int | None) -> str:
        """A new file waiting for its bytes; its id, for the upload and download URLs."""
        file_id = secrets.token_hex(16)
        self.files[file_id] = Upload(_safe_name(filename), content_type or DEFAULT_TYPE, size)
        self._trim()
        return file_id

    def store(self, filename: str, content_type: str | None, content: bytes) -> str:
        """A whole file at once; its id."""
        file_id = self.ticket(filename, content_type, len(content))
        self.files[file_id].content = content
        return file_id

    def get(self, file_id: str) -> Upload | None:
        return self.files.get(file_id)

    def reset(self) -> None:
        self.files.clear()

    def _trim(self) -> None:
        total = sum(len(f.content or b"") for f in self.files.values())
        while self.files and (len(self.files) > MAX_FILES or total > MAX_BYTES):
            _, dropped = self.files.popitem(last=False)
            total -= len(dropped.content or b"")


def upload_path(file_id: str) -> str:
    return f"/_mock/media/uploads/{file_id}"


def download_path(file_id: str, upload: Upload) -> str:
    return f"/_mock/media/uploads/{file_id}/{upload.filename}"


def _safe_name(filename: str) -> str:
    """The last path segment, with only characters a URL path keeps as they are."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return kept.lstrip(".") or "upload"


def _error(status: int, message: str) -> Response:
    return Response(dumps({"error": message, "status": status}), status, media_type=JSON_TYPE)


def upload_routes(uploads: Uploads) -> list[BaseRoute]:
    """Routes relative to ``/_mock``."""

    async def put(request: Request) -> Response:
        upload = uploads.get(request.path_params["id"])
        if upload is None:
            return _error(404, "no such upload ticket (unknown id, or dropped as the oldest)")
        content = bytearray()
        async for chunk in request.stream():
            content += chunk
            if len(content) > MAX_FILE_BYTES:
                return _error(413, f"a file may hold at most {MAX_FILE_BYTES} bytes")
        if upload.size is not None and len(content) != upload.size:
            return _error(400, f"the ticket declared {upload.size} bytes; {len(content)} came")
        upload.content = bytes(content)
        uploads._trim()
        return Response(status_code=200)

    async def get(request: Request) -> Response:
        upload = uploads.get(request.path_params["id"])
        if upload is None or upload.content is None:
            return _error(404, "no uploaded file here")
        if request.path_params["filename"] != upload.filename:
            return _error(404, "no uploaded file of that name")
        return Response(upload.content, 200, media_type=upload.content_type)

    return [
        Route("/media/uploads/{id}", put, methods=["PUT"]),
        Route("/media/uploads/{id}/{filename}", get, methods=["GET"]),
    ]


__all__ = [
    "MAX_FILE_BYTES",
    "Upload",
    "Uploads",
    "download_path",
    "upload_path",
    "upload_routes",
]
