"""Errors the toolkit raises about its own use, kept apart from contract findings.

A contract finding (a payload breaking a provider rule) is data: a `Violation`.
An exception here means the toolkit was asked something it cannot answer, so the
CLI turns each into a one-line message and exit status 2, never a traceback.

    ToolkitError
    ├── UnknownProvider
    ├── UnknownMessage
    ├── SchemaError            (a schema file is unreadable or breaks the catalogue's conventions)
    └── InputError             (a payload file is unreadable or not JSON)
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base for every error about how the toolkit is used or configured."""


class UnknownProvider(ToolkitError):
    def __init__(self, provider: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown provider {provider!r}; known providers: {', '.join(known)}")
        self.provider = provider


class UnknownMessage(ToolkitError):
    def __init__(self, provider: str, message: str, known: tuple[str, ...]) -> None:
        super().__init__(
            f"provider {provider!r} has no message {message!r}; its messages: {', '.join(known)}"
        )
        self.provider = provider
        self.message = message


class SchemaError(ToolkitError):
    """The schema catalogue on disk is broken; a packaging or editing mistake."""


class InputError(ToolkitError):
    """A payload given to the validator could not be read or parsed."""
