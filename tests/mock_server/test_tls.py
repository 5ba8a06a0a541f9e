"""``vidukit serve --tls`` and ``serving(tls=True)``: HTTPS on a real socket, for every provider.

One live TLS server for the module (virtual clock). Each provider completes one task
over https with the CA trusted; a client without the CA is refused; Node trusts the
CA through ``NODE_EXTRA_CA_CERTS``. The certificate folder is checked on its own: the
CA made once and reused, the server certificate issued again only when its names
change or its end nears, private keys private. The CLI runs in a subprocess.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from mock_support import AUTH, SUBMIT, VALID, mock_config

from vidukit.cli import main
from vidukit.mock_server import create_app, tls
from vidukit.mock_server.testing import LiveServer, serving
from vidukit.providers import provider_ids, spec
from vidukit.providers.wire import SUCCEEDED

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
KEY = "tls-test-key"
#: What every server certificate must name: the loopback names a local client dials
#: (issue 15: "a certificate for 127.0.0.1, localhost").
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
#: The three variables the issue names, each set to the CA.
TRUST_VARIABLES = ("SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE")


@pytest.fixture(scope="module")
def live_tls() -> Iterator[LiveServer]:
    with serving(create_app(mock_config()), tls=True) as live:
        yield live


def trusting(ca: Path | None) -> httpx.Client:
    """A client that trusts *ca* and nothing from the environment, verifying as strictly as
    Python 3.13's default (``VERIFY_X509_STRICT``: key usages and identifiers required)."""
    assert ca is not None
    context = ssl.create_default_context(cafile=str(ca))
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    return httpx.Client(verify=context, trust_env=False, timeout=10)


def first_valid_body(provider: str) -> Any:
    """The provider's first valid submit fixture, made fit to send live (fresh client ids,
    no callback), as its spec says."""
    found = spec(provider)
    path = sorted((FIXTURES / provider / "submit-request" / "valid").glob("*.json"))[0]
    body = found.translation.for_live(json.loads(path.read_text(encoding="utf-8")))
    body = found.credentials(copy.deepcopy(body), KEY)
    if found.webhook is not None:
        body = found.webhook(body, None)[0]
    return body


def test_serving_with_tls_answers_https_with_a_ca_of_its_own(live_tls: LiveServer) -> None:
    assert re.fullmatch(r"https://127\.0\.0\.1:\d+", live_tls.url)
    assert live_tls.ca_path is not None and live_tls.ca_path.name == "ca.pem"
    assert not live_tls.ca_path.is_relative_to(tls.default_directory())


@pytest.mark.parametrize("provider", provider_ids())
def test_every_provider_completes_a_task_over_https(live_tls: LiveServer, provider: str) -> None:
    wire = spec(provider).wire
    body = first_valid_body(provider)
    base = live_tls.base_url(provider)
    auth = {"Authorization": spec(provider).surface.authorization(KEY)}
    with trusting(live_tls.ca_path) as client:
        call = wire.submit(body)
        submitted = client.request(call.method, base + call.path, params=call.params,
                                   json=call.json, headers=auth)
        assert submitted.status_code == 200, submitted.text
        task_id = wire.task_ids(call.json, submitted.json())[0]
        # Past the longest default progression (time=1,4: one second queued, four running).
        advanced = client.post(live_tls.url + "/_mock/clock/advance", json={"seconds": 60})
        assert advanced.status_code == 200, advanced.text
        poll = wire.poll(task_id)
        polled = client.request(poll.method, base + poll.path, params=poll.params,
                                json=poll.json, headers=auth)
        fetched = polled
        if wire.result is not None:  # the output sits apart from the status
            result = wire.result(task_id)
            fetched = client.request(result.method, base + result.path, params=result.params,
                                     json=result.json, headers=auth)
    assert polled.status_code == 200, polled.text
    word = wire.status("result-response", polled.json(), task_id)
    assert word is not None and wire.ranks[word] == SUCCEEDED, polled.text
    output = wire.output_url(fetched.json(), task_id)
    assert output is not None and output.startswith("https://127.0.0.1:"), output


def test_a_client_without_the_ca_is_refused(live_tls: LiveServer) -> None:
    with (
        httpx.Client(trust_env=False, timeout=10) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get(live_tls.url + "/_mock/")


def test_node_trusts_the_ca_through_node_extra_ca_certs(live_tls: LiveServer) -> None:
    node = shutil.which("node")
    assert node is not None, "node is needed (installed in CI)"
    script = (
        "fetch(process.argv[1]).then(r => r.json())"
        ".then(j => console.log('clock=' + j.clock))"
        ".catch(e => { console.log('refused=' + (e.cause && e.cause.code)); })"
    )
    env = {k: v for k, v in os.environ.items() if k not in TRUST_VARIABLES}
    url = live_tls.url.replace("127.0.0.1", "localhost") + "/_mock/"
    trusted = subprocess.run(
        [node, "-e", script, url], env={**env, "NODE_EXTRA_CA_CERTS": str(live_tls.ca_path)},
        capture_output=True, text=True, timeout=30,
    )
    untrusted = subprocess.run([node, "-e", script, url], env=env, capture_output=True,
                               text=True, timeout=30)
    assert trusted.stdout.strip() == "clock=virtual", trusted.stdout + trusted.stderr
    assert untrusted.stdout.strip() == "refused=UNABLE_TO_VERIFY_LEAF_SIGNATURE", (
        untrusted.stdout + untrusted.stderr)


# -- the certificate folder ----------------------------------------------------------------


def san_names(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {*sans.get_values_for_type(x509.DNSName),
            *(str(ip) for ip in sans.get_values_for_type(x509.IPAddress))}


def test_the_ca_is_made_once_and_the_certificate_names_what_was_asked(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    first = tls.ensure_certificates(folder, ["queue.fal.example", "10.1.2.3"])
    ca, leaf = first.ca_cert.read_bytes(), first.cert.read_bytes()
    assert san_names(first.cert) == LOOPBACK | {"queue.fal.example", "10.1.2.3"}
    again = tls.ensure_certificates(folder, ["10.1.2.3", "QUEUE.fal.example"])
    assert (again.ca_cert.read_bytes(), again.cert.read_bytes()) == (ca, leaf)
    renamed = tls.ensure_certificates(folder, ["rest.fal.example"])
    assert renamed.ca_cert.read_bytes() == ca
    assert san_names(renamed.cert) == LOOPBACK | {"rest.fal.example"}
    issued = x509.load_pem_x509_certificate(renamed.cert.read_bytes())
    issued.verify_directly_issued_by(x509.load_pem_x509_certificate(ca))
    modes = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir() if p.suffix == ".pem"}
    assert modes == {"ca.pem": 0o644, "ca-key.pem": 0o600, "cert.pem": 0o644, "key.pem": 0o600}
    assert folder.stat().st_mode & 0o777 == 0o700


def test_the_certificate_is_issued_again_near_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tls.ensure_certificates(tmp_path)
    leaf = x509.load_pem_x509_certificate(first.cert.read_bytes())
    ca = first.ca_cert.read_bytes()
    near_end = leaf.not_valid_after_utc - tls.RENEW_BEFORE / 2
    monkeypatch.setattr(tls, "_now", lambda: near_end)
    again = tls.ensure_certificates(tmp_path)
    renewed = x509.load_pem_x509_certificate(again.cert.read_bytes())
    assert renewed.not_valid_after_utc > leaf.not_valid_after_utc
    assert again.ca_cert.read_bytes() == ca


def test_a_ca_reused_across_two_servers_is_trusted_by_both(tmp_path: Path) -> None:
    seen = []
    for _ in range(2):
        with serving(create_app(mock_config()), tls=True, tls_dir=tmp_path) as live:
            assert live.ca_path == tmp_path / "ca.pem"
            seen.append(live.ca_path.read_bytes())
            with trusting(live.ca_path) as client:
                assert client.get(live.url + "/_mock/").json()["clock"] == "virtual"
    assert seen[0] == seen[1]


def test_servers_starting_at_once_share_one_ca(tmp_path: Path) -> None:
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda _: tls.ensure_certificates(tmp_path), range(4)))
    ca = x509.load_pem_x509_certificate((tmp_path / "ca.pem").read_bytes())
    x509.load_pem_x509_certificate(made[0].cert.read_bytes()).verify_directly_issued_by(ca)
    assert sorted(p.name for p in tmp_path.glob("*.pem")) == [
        "ca-key.pem", "ca.pem", "cert.pem", "key.pem"]


def test_a_broken_ca_is_an_error_not_replaced(tmp_path: Path) -> None:
    tls.ensure_certificates(tmp_path)
    (tmp_path / "ca-key.pem").write_text("not a key")
    with pytest.raises(tls.TlsError, match="unreadable CA: remove the folder"):
        tls.ensure_certificates(tmp_path)


@pytest.mark.parametrize(
    "name", ["", "a b", "-leading.example", "x" * 64 + ".example", "127.0.0.300"])
def test_a_name_that_is_neither_dns_nor_ip_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="is not a DNS name or an IP address"):
        tls.check_name(name)


def test_the_default_folder_is_the_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/cache-root")
    assert tls.default_directory() == Path("/cache-root/vidukit/tls")
    monkeypatch.delenv("XDG_CACHE_HOME")
    if sys.platform not in ("darwin", "win32"):
        assert tls.default_directory() == Path.home() / ".cache" / "vidukit" / "tls"


# -- the command ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_tls_prints_its_urls_the_ca_and_the_environment(tmp_path: Path) -> None:
    folder = tmp_path / "tls"
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "vidukit", "serve", "--port", "0", "--clock", "virtual",
         "--tls", "--tls-port", "0", "--tls-dir", str(folder), "--tls-name", "mock.test"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line.rstrip())
            if "REQUESTS_CA_BUNDLE" in line:
                break
        text = "\n".join(lines)
        ca = folder / "ca.pem"
        for variable in TRUST_VARIABLES:
            assert f"    export {variable}={ca}" in lines, text
        assert f"CA: {ca}" in text
        http = re.search(r"(http://127\.0\.0\.1:\d+)/wavespeed$", text, re.MULTILINE)
        https = re.search(r"TLS on (https://127\.0\.0\.1:\d+) ", text)
        assert http is not None and https is not None, text
        for pid in provider_ids():
            assert f"{https.group(1)}/{pid}" in text
        assert san_names(folder / "cert.pem") == LOOPBACK | {"mock.test"}
        # One server: a task submitted over http is polled over https.
        submitted = httpx.post(http.group(1) + SUBMIT, json=VALID, headers=AUTH, timeout=10)
        task = submitted.json()["data"]["id"]
        with trusting(ca) as client:
            polled = client.get(f"{https.group(1)}/wavespeed/api/v3/predictions/{task}/result",
                                headers=AUTH)
        assert polled.status_code == 200 and polled.json()["data"]["id"] == task
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_a_tls_port_in_use_is_one_line_and_status_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "vidukit", "serve", "--port", "0", "--tls", "--tls-port",
             str(port), "--tls-dir", str(tmp_path)],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        f"vidukit serve: error: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--port", "8443", "--tls"], "--tls-port: 8443 is also --port; choose another port"),
        (["--tls-name", "mock.test"], "--tls-name: only with --tls"),
        (["--tls-port", "0", "--tls-dir", "{tmp}"], "--tls-port, --tls-dir: only with --tls"),
        (["--tls", "--workers", "2", "--store", "sqlite:{tmp}/s.db"],
         "--tls: serves from one process; leave out --workers"),
        (["--tls", "--tls-dir", "{tmp}/file/tls"], "cannot keep TLS files in {tmp}/file/tls: "),
        (["--tls", "--tls-name", "a b"], "--tls-name: 'a b' is not a DNS name or an IP address"),
    ],
    ids=["same-port", "name-without-tls", "port-without-tls", "workers", "unwritable-dir",
         "bad-name"],
)
def test_bad_tls_input_is_one_line_and_status_2(
    argv: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("vidukit serve: error: "), err
    assert expected.replace("{tmp}", str(tmp_path)) in err[0]

