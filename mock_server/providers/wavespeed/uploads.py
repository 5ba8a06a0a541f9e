"""WaveSpeed's media upload routes, as the official SDKs call them, on the mock's media store.

    POST /api/v3/media/uploads        (Python SDK ``upload()``: a ticket, then a PUT)
    POST /api/v3/media/upload/binary  (JS SDK 0.2.x: the file in one multipart request)

Ticket: the SDK posts ``{filename, size, content_type?}`` and reads
``data.upload.{method, url, headers}`` (it PUTs the bytes there) and
``data.download_url`` (what it returns), after checking ``code == 200``
(WaveSpeedAI/wavespeed-python src/wavespeed/api/client.py ``upload``). The binary
answer ``data: {type, download_url, filename, size}`` is a third-party client's reading
(UNCONFIRMED). No WaveSpeed page documents either route's bodies (provider-docs §8).
"""

from __future__ import annotations

import mimetypes
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from vidukit.mock_server.errors import BadRequest
from vidukit.mock_server.media.uploads import Uploads, download_path, upload_path

TICKET_PATH = "/api/v3/media/uploads"
BINARY_PATH = "/api/v3/media/upload/binary"


def ticket(uploads: Uploads, body: Any, here: str) -> dict[str, Any]:
    """``data`` of the ticket answer for the SDK's ``{filename, size, content_type}``."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object {filename, size, content_type}")
    filename, size, content_type = body.get("filename"), body.get("size"), body.get("content_type")
    if not isinstance(filename, str) or not filename:
        raise BadRequest("filename: a non-empty string is required")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise BadRequest("size: a whole number of bytes (>= 0) is required")
    if content_type is not None and not isinstance(content_type, str):
        raise BadRequest("content_type: a string when given")
    file_id = uploads.ticket(filename, content_type, size)
    upload = uploads.files[file_id]
    return {
        "upload": {
            "method": "PUT",
            "url": here + upload_path(file_id),
            "headers": {"Content-Type": upload.content_type},
        },
        "download_url": here + download_path(file_id, upload),
    }


def binary(uploads: Uploads, content_type: str, body: bytes, here: str) -> dict[str, Any]:
    """``data`` of the one-request upload: the multipart body's ``file`` part, stored."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise BadRequest("send the file as multipart/form-data with a part named file")
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    for part in message.iter_parts() if message.is_multipart() else ():
        if part.get_param("name", header="content-disposition") != "file":
            continue
        filename = part.get_filename() or "upload"
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        kind = part.get_content_type()
        if kind == "text/plain" and not part.get("content-type"):
            kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        file_id = uploads.store(filename, kind, content)
        upload = uploads.files[file_id]
        return {
            "type": upload.content_type,
            "download_url": here + download_path(file_id, upload),
            "filename": upload.filename,
            "size": len(content),
        }
    raise BadRequest("no multipart part named file")


__all__ = ["BINARY_PATH", "TICKET_PATH", "binary", "ticket"]
