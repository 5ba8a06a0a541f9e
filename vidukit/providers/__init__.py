"""Provider specs, discovered: every package in this folder is one provider.

``vidukit/providers/<id>/__init__.py`` defines ``SPEC``, a `ProviderSpec`. The set
of providers is the set of such packages (sorted by id); no list names them.
Discovery is lazy (the first call imports the packages), so modules that
provider packages import may import this one without a cycle. Modules of this
folder that are not packages (``spec``, ``wire``, ``surface``, ``policies`` and
``_``-prefixed family modules) are the types and shared code the specs use.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Mapping
from types import MappingProxyType

from vidukit.errors import ToolkitError, UnknownProvider
from vidukit.providers.spec import ProviderSpec

_LOCK = threading.RLock()
_SPECS: Mapping[str, ProviderSpec] | None = None


def _discover() -> Mapping[str, ProviderSpec]:
    found: dict[str, ProviderSpec] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.ispkg or module.name.startswith("_"):
            continue
        package = importlib.import_module(f"{__name__}.{module.name}")
        spec = getattr(package, "SPEC", None)
        if not isinstance(spec, ProviderSpec):
            raise ToolkitError(f"{package.__name__}.SPEC is not a ProviderSpec")
        if spec.id != module.name:
            raise ToolkitError(f"{package.__name__}: SPEC.id {spec.id!r} must be the folder name")
        for name in spec.rule_modules:
            importlib.import_module(name)
        found[spec.id] = spec
    return MappingProxyType(found)


def specs() -> Mapping[str, ProviderSpec]:
    """Every provider's spec by id, in id order."""
    global _SPECS
    if _SPECS is None:
        with _LOCK:
            if _SPECS is None:
                _SPECS = _discover()
    return _SPECS


def provider_ids() -> tuple[str, ...]:
    return tuple(specs())


def spec(provider: str) -> ProviderSpec:
    """*provider*'s spec; `UnknownProvider` (naming the known ids) for anything else."""
    found = specs().get(provider)
    if found is None:
        raise UnknownProvider(provider, provider_ids())
    return found


__all__ = ["ProviderSpec", "provider_ids", "spec", "specs"]
