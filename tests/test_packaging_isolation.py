"""vidukit never breaks an unrelated test run (issue 18).

The toolkit installs one top-level package, ``vidukit``; its mock and contract layers
are ``vidukit.mock_server`` and ``vidukit.contract_tests``, and its pytest plugin loads
nothing a user's own package names can shadow. A scratch project with its own
``mock_server/`` and ``contract_tests/`` packages proves it for the installed checkout,
and the wheel's file list proves it for a real install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_USER_TEST = '''
import contract_tests
import mock_server


def test_the_users_own_packages_win():
    assert contract_tests.OWNER == "user"
    assert mock_server.OWNER == "user"
    assert not hasattr(mock_server, "MockConfig")


def test_the_vidu_mock_fixture_still_works(vidu_mock):
    import httpx

    providers = httpx.get(vidu_mock.url + "/_mock/").json()["providers"]
    assert providers, "the mock serves no provider"
'''


def _scratch_project(root: Path) -> Path:
    project = root / "userproject"
    for name in ("contract_tests", "mock_server"):
        package = project / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text('OWNER = "user"\n', encoding="utf-8")
    (project / "contract_tests" / "pytest_plugin.py").write_text(
        "raise ImportError('the user module, never to be loaded by vidukit')\n",
        encoding="utf-8")
    (project / "tests").mkdir()
    (project / "tests" / "test_user.py").write_text(_USER_TEST, encoding="utf-8")
    return project


def test_a_project_with_its_own_mock_server_and_contract_tests_packages_runs(
        tmp_path: Path) -> None:
    project = _scratch_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout


def test_the_editable_install_exposes_only_vidukit(tmp_path: Path) -> None:
    """From a folder that is not the checkout, only ``vidukit`` is importable."""
    probe = ("import importlib.util as u; "
             "print([n for n in ('vidukit', 'mock_server', 'contract_tests') if u.find_spec(n)])")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    found = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60, check=True).stdout
    assert found.strip() == "['vidukit']"


def test_the_wheel_holds_one_top_level_package_and_its_plugin_entry(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(tmp_path), str(ROOT)], check=True, timeout=600, capture_output=True)
    wheel = next(tmp_path.glob("vidukit-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        plugin = archive.read(entry_points).decode()
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"vidukit"}, top
    for needed in ("vidukit/mock_server/__init__.py", "vidukit/mock_server/py.typed",
                   "vidukit/contract_tests/pytest_plugin/__init__.py",
                   "vidukit/_data/schemas/_shared/image-ref.json", "vidukit/py.typed",
                   "vidukit/scaffold/templates/vidukit/providers/PROVIDER/wire.py.tmpl"):
        assert needed in names, needed
    assert "vidukit = vidukit.contract_tests.pytest_plugin" in plugin
