"""A new provider's folders, rendered from the templates shipped in this package.

A provider is its folders (`vidukit.providers.spec`), found by discovery: adding one
is writing ``schemas/<id>/``, ``fixtures/<id>/``, ``vidukit/providers/<id>/`` and
``mock_server/providers/<id>/`` (plus its end-to-end test), with nothing to register.
The templates under ``templates/`` mirror those paths; a path segment ``PROVIDER``
becomes the id and each file drops its ``.tmpl`` suffix (a suffix ruff, pytest and
the layout scans ignore, so the templates never run as code of this checkout).

Placeholders are ``{{name}}``, not ``$name``: the JSON templates are full of ``$id``,
``$ref`` and ``$schema``, which must pass through untouched. A placeholder the
renderer does not know is an error, never left in a written file.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from vidukit.errors import ToolkitError

TEMPLATES = Path(__file__).resolve().parent / "templates"
SUFFIX = ".tmpl"
#: The path segment (or part of a file name) that becomes the provider id.
SEGMENT = "PROVIDER"
#: The trees a new provider owns; one of them existing means the id is taken.
TREES = ("schemas", "fixtures", "vidukit/providers", "mock_server/providers")
#: The trees where the provider is a Python package beside the shared modules.
PACKAGES = ("vidukit/providers", "mock_server/providers")
#: Files that mark a vidukit checkout (a ``--root`` without them is refused).
CHECKOUT_MARKERS = (
    "pyproject.toml",
    "vidukit/providers/spec.py",
    "mock_server/providers/__init__.py",
    "schemas/_shared",
    "fixtures",
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?$")
_UNSAFE_TITLE = re.compile(r"[\"\\{}\x00-\x1f]")


class ScaffoldError(ToolkitError):
    """The provider cannot be written as asked (a bad id, a taken id, not a checkout)."""


#: ``{{name}}``; a ``{{`` not followed by a known name is an error (``invalid``).
_PLACEHOLDER = r"""
    \{\{(?:
      (?P<named>[a-z_][a-z0-9_]*)\}\} |
      (?P<braced>(?!)) |
      (?P<escaped>(?!)) |
      (?P<invalid>)
    )
"""


class _Placeholders(Template):
    """``{{name}}`` placeholders; every other character (``$`` included) is literal."""

    delimiter = "{{"
    # Given as text, compiled by Template itself (typeshed types the compiled form).
    pattern = _PLACEHOLDER  # type: ignore[assignment]


@dataclass(frozen=True)
class Provider:
    """What the templates are rendered with."""

    id: str
    title: str
    origin: str

    @property
    def values(self) -> Mapping[str, str]:
        return {
            "provider_id": self.id,
            "title": self.title,
            "origin": self.origin.rstrip("/"),
            "key_env": f"{self.id.upper()}_API_KEY",
        }


def check_id(provider_id: str) -> None:
    """Refuse an id that cannot name a Python package, a folder and a URL prefix alike."""
    if not _ID.match(provider_id) or keyword.iskeyword(provider_id):
        raise ScaffoldError(
            f"provider id {provider_id!r} must be a lowercase Python identifier "
            "(a letter, then letters, digits or '_'), not a keyword"
        )


def check_root(root: Path) -> None:
    missing = [m for m in CHECKOUT_MARKERS if not (root / m).exists()]
    if missing:
        raise ScaffoldError(f"{root} is not a vidukit checkout (no {', '.join(missing)})")


def make(provider_id: str, title: str | None = None, origin: str | None = None) -> Provider:
    """The provider to write, its id, title and origin checked (defaults filled)."""
    check_id(provider_id)
    title = title if title is not None else provider_id.replace("_", " ").title()
    if origin is None:
        origin = f"https://api.{provider_id.replace('_', '-')}.example"
    if not title.strip() or _UNSAFE_TITLE.search(title):
        raise ScaffoldError(
            f"title {title!r} must be non-empty, without quotes, backslashes, braces or "
            "control characters"
        )
    if not _ORIGIN.match(origin):
        raise ScaffoldError(f"origin {origin!r} must be a plain http(s) URL, e.g. "
                            "https://api.example.com")
    return Provider(provider_id, title.strip(), origin)


def templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob(f"*{SUFFIX}") if p.is_file())


def destination(template: Path, provider_id: str) -> Path:
    """Where *template* goes, relative to the checkout."""
    relative = template.relative_to(TEMPLATES).as_posix().removesuffix(SUFFIX)
    return Path(relative.replace(SEGMENT, provider_id))


def render(provider: Provider) -> dict[Path, str]:
    """Every file of the new provider: relative path -> text."""
    out: dict[Path, str] = {}
    for template in templates():
        where = destination(template, provider.id)
        try:
            text = _Placeholders(template.read_text(encoding="utf-8")).substitute(provider.values)
        except (KeyError, ValueError) as exc:
            raise ScaffoldError(f"template {template.name} is broken: {exc}") from None
        out[where] = text
    return out


def taken(root: Path, provider_id: str) -> list[str]:
    """The provider's folders (and test) that already exist under *root*."""
    paths = [f"{tree}/{provider_id}" for tree in TREES]
    paths += [p.as_posix() for p in render_paths(provider_id) if p.parts[0] in ("tests", "docs")]
    return [p for p in paths if (root / p).exists()]


def render_paths(provider_id: str) -> list[Path]:
    return [destination(t, provider_id) for t in templates()]


def write(root: Path, provider: Provider) -> list[Path]:
    """Write the new provider's files under *root*; the relative paths written, in order."""
    check_root(root)
    existing = taken(root, provider.id)
    if existing:
        raise ScaffoldError(f"provider {provider.id!r} exists already: {', '.join(existing)}")
    shadowed = [f"{tree}/{provider.id}.py" for tree in PACKAGES
                if (root / tree / f"{provider.id}.py").exists()]
    if shadowed:
        raise ScaffoldError(f"provider id {provider.id!r} would shadow {', '.join(shadowed)}; "
                            "choose another id")
    files = render(provider)
    for relative, text in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return list(files)


__all__ = [
    "CHECKOUT_MARKERS",
    "TEMPLATES",
    "Provider",
    "ScaffoldError",
    "check_id",
    "check_root",
    "destination",
    "make",
    "render",
    "taken",
    "templates",
    "write",
]
