"""vidukit: schemas, a mock server and contract tests for Vidu Q2 reference-to-video providers."""

from vidukit.catalogue import MESSAGES, PROVIDERS, catalogue
from vidukit.errors import ToolkitError, UnknownMessage, UnknownProvider
from vidukit.validation import is_valid, validate
from vidukit.violations import Violation

__all__ = [
    "MESSAGES",
    "PROVIDERS",
    "ToolkitError",
    "UnknownMessage",
    "UnknownProvider",
    "Violation",
    "catalogue",
    "is_valid",
    "validate",
]
__version__ = "0.1.0"
