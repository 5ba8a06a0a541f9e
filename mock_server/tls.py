"""A local certificate authority and a loopback certificate, for ``vidukit serve --tls``.

Some official clients only speak ``https://`` (they build the URL from a host name
alone), so the mock must answer TLS with a certificate those clients can be told to
trust. `ensure_certificates` keeps, in one folder:

- ``ca.pem`` / ``ca-key.pem``: a CA made once and reused, so a client that trusts it
  (``SSL_CERT_FILE``, ``NODE_EXTRA_CA_CERTS``, ``REQUESTS_CA_BUNDLE``) keeps trusting the
  mock across restarts;
- ``cert.pem`` / ``key.pem``: the server's certificate, signed by that CA for the names
  asked (DNS names and IP addresses), issued again whenever those names change, the CA
  changes or it is within `RENEW_BEFORE` of expiry.

Keys are written with mode 0600 in a folder of mode 0700, never in the checkout (the
default folder is the user's cache, `default_directory`). The certificates are built with
``cryptography``'s X.509 builder, not by hand. They follow what strict verifiers demand
(Python 3.13's ``VERIFY_X509_STRICT``, Node, Go): critical basic constraints, key usages,
subject and authority key identifiers, names only in the subject alternative name.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vidukit.mock_server.clock import SystemClock
from vidukit.mock_server.errors import MockSetupError

#: The names every server certificate carries: what a client on this machine dials.
DEFAULT_NAMES: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
#: The CA outlives many servers: trusting it is the step a user does by hand.
CA_LIFETIME = datetime.timedelta(days=3650)
#: 397 days: the longest server certificate lifetime browsers and Apple's stack accept.
LEAF_LIFETIME = datetime.timedelta(days=397)
#: A server certificate closer than this to its end is issued again at start-up.
RENEW_BEFORE = datetime.timedelta(days=30)
#: Clocks of the client and the mock may differ a little.
BACKDATE = datetime.timedelta(hours=1)

CA_CERT, CA_KEY, CERT, KEY = "ca.pem", "ca-key.pem", "cert.pem", "key.pem"
#: A DNS name (labels of letters, digits and hyphens), optionally one leading wildcard.
_DNS_NAME = re.compile(
    r"(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


class TlsError(MockSetupError):
    """The certificate folder cannot be used (unwritable, or holds a broken CA)."""


@dataclass(frozen=True)
class TlsFiles:
    """Where a server's TLS material is: the CA clients trust, the server's chain and key."""

    ca_cert: Path
    cert: Path
    key: Path


def default_directory() -> Path:
    """The user's cache folder for the CA: ``$XDG_CACHE_HOME/vidukit/tls`` or
    ``~/.cache/vidukit/tls``; on macOS and Windows the platform's cache folder when
    ``platformdirs`` is installed (it is not a dependency for this alone)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "vidukit" / "tls"
    if sys.platform in ("darwin", "win32"):
        try:
            import platformdirs
        except ImportError:
            pass
        else:
            return Path(platformdirs.user_cache_dir("vidukit", appauthor=False)) / "tls"
    try:
        return Path.home() / ".cache" / "vidukit" / "tls"
    except RuntimeError:  # no HOME and no password entry: nowhere to keep a CA by default
        raise TlsError("cannot find the home folder for the TLS files: give a folder "
                       "(--tls-dir)") from None


def check_name(name: str) -> str:
    """*name* as a certificate carries it (an IP address in its canonical form, a DNS name
    in lower case); ValueError when it is neither."""
    bare = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        pass
    labels = bare.removesuffix(".").split(".")
    # All-numeric labels ("127.0.0.300") are a broken address, never a name.
    if (len(bare) > 253 or not _DNS_NAME.fullmatch(bare.removesuffix("."))
            or all(label.isdigit() for label in labels)):
        raise ValueError(f"{name!r} is not a DNS name or an IP address")
    return bare.removesuffix(".").lower()


def server_names(names: Sequence[str]) -> tuple[str, ...]:
    """`DEFAULT_NAMES` then *names*, checked, without repeats, in order."""
    found: dict[str, None] = {}
    for name in (*DEFAULT_NAMES, *names):
        found[check_name(name)] = None
    return tuple(found)


def ensure_certificates(directory: Path, names: Sequence[str] = ()) -> TlsFiles:
    """The CA and a server certificate for `DEFAULT_NAMES` plus *names* in *directory*:
    the CA made only when absent, the certificate issued again only when needed."""
    wanted = server_names(names)
    files = TlsFiles(directory / CA_CERT, directory / CERT, directory / KEY)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _locked(directory):
            ca, ca_key = _load_or_create_ca(directory)
            if _leaf_needs_issue(files.cert, files.key, ca, wanted):
                cert, key = _issue_leaf(ca, ca_key, wanted)
                _write(files.key, _private_pem(key), private=True)
                _write(files.cert, cert.public_bytes(serialization.Encoding.PEM), private=False)
    except OSError as exc:
        raise TlsError(
            f"cannot keep TLS files in {directory}: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename and str(exc.filename) != str(directory)
               else "")
        ) from None
    return files


def environment(ca_cert: Path) -> dict[str, str]:
    """The variables that make common clients trust *ca_cert*: OpenSSL-based ones (Python's
    ``ssl``, httpx, curl), Node (added to its built-in roots) and requests (certifi's)."""
    path = str(ca_cert)
    return {"SSL_CERT_FILE": path, "NODE_EXTRA_CA_CERTS": path, "REQUESTS_CA_BUNDLE": path}


# -- the CA ------------------------------------------------------------------------------


def _now() -> datetime.datetime:
    """Wall-clock time: certificates are judged by real clocks, never the mock's clock."""
    return datetime.datetime.fromtimestamp(SystemClock().now(), datetime.UTC)


def _load_or_create_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = directory / CA_CERT, directory / CA_KEY
    if cert_path.exists() or key_path.exists():
        return _load_ca(cert_path, key_path)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vidukit"),
        # A random part in the name: two CAs (two machines, a CA made again) never share
        # a subject, so a client never mistakes one for the other.
        x509.NameAttribute(NameOID.COMMON_NAME, f"vidukit mock CA {secrets.token_hex(8)}"),
    ])
    public = key.public_key()
    start = _now() - BACKDATE
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write(key_path, _private_pem(key), private=True)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), private=False)
    return cert, key


def _load_ca(
    cert_path: Path, key_path: Path
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The stored CA; a missing half or unreadable file is an error, never replaced: clients
    may trust that CA already, and a new one would silently break them."""
    for path in (cert_path, key_path):
        if not path.exists():
            raise TlsError(f"{path} is missing: remove {path.parent} to start a new CA")
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except ValueError:
        raise TlsError(
            f"{cert_path.parent} holds an unreadable CA: remove the folder to start a new CA"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
        raise TlsError(f"{key_path} is not the key of {cert_path}: remove {cert_path.parent} "
                       "to start a new CA")
    return cert, key


# -- the server certificate --------------------------------------------------------------


def _leaf_needs_issue(
    cert_path: Path, key_path: Path, ca: x509.Certificate, wanted: tuple[str, ...]
) -> bool:
    if not (cert_path.exists() and key_path.exists()):
        return True
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        cert.verify_directly_issued_by(ca)
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, TypeError, x509.ExtensionNotFound, InvalidSignature):
        return True
    if key.public_key() != cert.public_key():
        return True
    return names_of(sans) != set(wanted) or cert.not_valid_after_utc - _now() < RENEW_BEFORE


def names_of(sans: x509.SubjectAlternativeName) -> set[str]:
    """The names a subject alternative name extension holds, as `check_name` writes them."""
    dns = sans.get_values_for_type(x509.DNSName)
    ips = sans.get_values_for_type(x509.IPAddress)
    return {*(d.lower() for d in dns), *(str(ip) for ip in ips)}


def _issue_leaf(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, names: tuple[str, ...]
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    alternatives: list[x509.GeneralName] = []
    for name in names:
        try:
            alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternatives.append(x509.DNSName(name))
    start = _now() - BACKDATE
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vidukit"),
            x509.NameAttribute(NameOID.COMMON_NAME, "vidukit mock server"),
        ]))
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(start + LEAF_LIFETIME, ca.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign,
        crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )


# -- files -------------------------------------------------------------------------------


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes, *, private: bool) -> None:
    """Write *data* to *path* atomically (a reader never sees half a file); a private key
    has mode 0600 from its first byte (``mkstemp``'s mode), a certificate is made readable."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        if not private:
            os.chmod(temporary, 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold the folder's lock file, so two servers starting at once make one CA, not two
    (POSIX ``flock``; elsewhere no lock)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


__all__ = [
    "DEFAULT_NAMES",
    "TlsError",
    "TlsFiles",
    "check_name",
    "default_directory",
    "ensure_certificates",
    "environment",
    "names_of",
    "server_names",
]
