"""Real parts for the tests: a private index, a keyring CLI, temp homes."""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from private_index import PrivateIndex

# Fixture modules every test may use without importing them: the Google token endpoint,
# service accounts and stand-in gcloud, and the stand-in aws CLI.
pytest_plugins = ("gcp_fixtures", "aws_fixtures", "cloud_apis")

VENV_BIN = Path(sys.executable).parent
PACKAGE = "acme-secret"

# A machine whose environment sets PYTHONDONTWRITEBYTECODE (CI's image does) makes every Python the
# tests start (ar-wizard, keyring, pip, twine, Poetry, PDM, the index servers) compile each module it
# imports from source, on every start, as no user's machine does after a tool's first run; that was
# over a third of the suite's CPU. Here they write their bytecode once and load it after, as a user's do.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# A Pilot test builds and drops thousands of widgets, styles and strips; at Python's default threshold
# (a collection every 700 allocations) the cycle collector ran so often that it took a fifth of the
# TUI tests' CPU (measured in CONTRIBUTING). Collecting every 100,000 allocations keeps memory bounded
# and gives that time back. A worker's own choice: the processes the tests start keep the default.
gc.set_threshold(100_000, 50, 100)


@pytest.fixture(scope="session")
def private_index(tmp_path_factory) -> Iterator[PrivateIndex]:
    root = tmp_path_factory.mktemp("index")
    index = PrivateIndex(root / "packages", root / "htpasswd").start()
    index.add_package(PACKAGE, "1.0.0")
    yield index
    index.stop()


@pytest.fixture
def account(private_index) -> tuple[str, str]:
    """A fresh user on the private index and its password."""
    user = "user-" + secrets.token_hex(3)
    password = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, password)
    return user, password


@pytest.fixture(scope="session")
def uv_cache(tmp_path_factory, worker_id) -> Path:
    """One uv cache for the whole run, shared by the xdist workers as uv's cache is made to be (it
    locks what it writes), so that each package is fetched, built and unpacked once, not per worker."""
    if worker_id == "master":
        return tmp_path_factory.mktemp("uv-cache")
    shared = tmp_path_factory.getbasetemp().parent / "uv-cache"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def keyring_bin(tmp_path_factory, uv_cache) -> Path:
    """The keyring CLI installed the way users are told to: ``uv tool install keyring``.

    pip ignores a keyring that lives in its own environment, so the project's
    venv copy would not do; this one has its own bin dir, first on PATH."""
    return install_keyring_tool(tmp_path_factory.mktemp("keyring-tool"), uv_cache, "keyrings.alt")


def install_keyring_tool(root: Path, uv_cache: Path, *plugins: str) -> Path:
    """``uv tool install keyring --with PLUGIN…`` into ``root``; returns its bin dir."""
    env = clean_env() | {
        "UV_TOOL_DIR": str(root / "tools"),
        "UV_TOOL_BIN_DIR": str(root / "bin"),
        "UV_CACHE_DIR": str(uv_cache),
        "UV_PYTHON": sys.executable,
    }
    uv = shutil.which("uv")
    assert uv is not None, "the tests run under `uv run`, so uv is on PATH"
    argv = [uv, "tool", "install", "keyring"]
    for plugin in plugins:
        argv += ["--with", plugin]
    subprocess.run(argv, env=env, check=True, capture_output=True)
    return root / "bin"


def clean_env() -> dict[str, str]:
    """The machine's environment without anything that configures uv, pip or keyring."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("UV_", "PIP_", "TWINE_", "PYTHON_KEYRING", "VIRTUAL_ENV", "XDG_"))
        and k not in ("NETRC", "HOME")
    }


@dataclass
class Home:
    """A temp HOME with XDG dirs and a uv project in it; ``env`` is what a user's shell would have."""

    root: Path
    project: Path
    env: dict[str, str]

    def run(self, *argv, input: str | None = None, cwd: Path | None = None, env: dict | None = None, check=False):
        proc = subprocess.run(
            [str(a) for a in argv],
            input=input,
            capture_output=True,
            text=True,
            cwd=cwd or self.project,
            env=self.env | (env or {}),
            timeout=180,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"{argv} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def wizard(self, *args, input: str | None = None, env: dict | None = None):
        return self.run(VENV_BIN / "ar-wizard", *args, input=input, env=env)

    def uv(self, *args, **kw):
        return self.run(VENV_BIN / "uv", *args, **kw)

    def pip(self, *args, **kw):
        return self.run(VENV_BIN / "pip", *args, **kw)

    def put_first_on_path(self, directory: Path) -> None:
        self.env["PATH"] = f"{directory}{os.pathsep}{self.env['PATH']}"

    def files(self) -> dict[Path, bytes]:
        """Every file under the home, except caches and the venv uv creates."""
        out = {}
        for path in self.root.rglob("*"):
            if path.is_file() and not any(part in (".venv", "cache") for part in path.relative_to(self.root).parts):
                out[path] = path.read_bytes()
        return out


PYPROJECT = """\
# The demo project a user runs the wizard in.
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = []

[tool.ruff]
line-length = 100  # keep this comment
"""


@pytest.fixture(scope="session")
def user_bin(tmp_path_factory) -> Path:
    """The uv and pip a user's shell runs, apart from ar-wizard's own environment.

    ar-wizard drops its own environment's bin dir (VENV_BIN here, as under
    ``uvx`` and ``uv run``) from the PATH it looks tools up on, so the tools the
    user has must come from somewhere else, as they do on a user's machine."""
    directory = tmp_path_factory.mktemp("user-bin")
    for tool in ("uv", "uvx", "pip"):
        (directory / tool).symlink_to(VENV_BIN / tool)
    return directory


@pytest.fixture
def home(tmp_path, uv_cache, user_bin, monkeypatch) -> Home:
    root = tmp_path / "home"
    project = root / "work" / "demo"
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(PYPROJECT)
    empty_index = root / "empty-index"
    empty_index.mkdir()
    env = clean_env() | {
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / ".config"),
        "XDG_DATA_HOME": str(root / ".local" / "share"),
        "XDG_STATE_HOME": str(root / ".local" / "state"),
        "XDG_CACHE_HOME": str(root / ".cache"),
        "UV_CACHE_DIR": str(uv_cache),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        # pip's default index is replaced by an empty local one, so a test
        # proves the private index answered, not PyPI, and needs no network.
        "PIP_INDEX_URL": empty_index.as_uri(),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PATH": os.pathsep.join([str(user_bin), str(VENV_BIN), os.environ.get("PATH", "")]),
    }
    # In-process calls (plan, apply) see the same home as the subprocesses.
    for key in [k for k in os.environ if k not in env]:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Home(root=root, project=project, env=env)


@pytest.fixture
def keyring_home(home, keyring_bin, monkeypatch) -> Home:
    home.put_first_on_path(keyring_bin)
    monkeypatch.setenv("PATH", home.env["PATH"])
    return home


# -- the servers of "Servers it is tested against" (README) -----------------------------------

REAL_SERVERS = ("devpi", "devpi-lockdown", "pypicloud", "public-root", "hidden-list", "sign-in-redirect", "nginx",
                "json-only", "pypiserver-403")


@pytest.fixture(scope="session")
def devpi_server(tmp_path_factory):
    from index_servers import DevpiServer

    server = DevpiServer(tmp_path_factory.mktemp("devpi")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def devpi_lockdown(tmp_path_factory, devpi_server):
    """The session's devpi behind nginx, locked by devpi-lockdown (a 302 to its sign-in page)."""
    from index_servers import DevpiLockdownFront, nginx_path

    if nginx_path() is None:
        pytest.skip("nginx is not installed (apt-get install nginx): devpi-lockdown's front cannot run")
    front = DevpiLockdownFront(tmp_path_factory.mktemp("devpi-lockdown"), devpi_server).start()
    yield front
    front.stop()


@pytest.fixture(scope="session")
def pypicloud_server(tmp_path_factory):
    from index_servers import PypicloudServer

    server = PypicloudServer(tmp_path_factory.mktemp("pypicloud")).start()
    yield server
    server.stop()


def _wsgi_server(tmp_path_factory, cls):
    server = cls(tmp_path_factory.mktemp(cls.__name__)).start()
    return server


@pytest.fixture(scope="session")
def public_root_index(tmp_path_factory):
    from index_servers import PublicRootIndex

    server = _wsgi_server(tmp_path_factory, PublicRootIndex)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hidden_list_index(tmp_path_factory):
    from index_servers import HiddenListIndex

    server = _wsgi_server(tmp_path_factory, HiddenListIndex)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sign_in_redirect_index(tmp_path_factory):
    from index_servers import SignInRedirectIndex

    server = _wsgi_server(tmp_path_factory, SignInRedirectIndex)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def json_only_index(tmp_path_factory):
    from index_servers import JsonOnlyIndex

    server = _wsgi_server(tmp_path_factory, JsonOnlyIndex)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def nginx_index(tmp_path_factory):
    from index_servers import NginxIndex, nginx_path

    if nginx_path() is None:
        pytest.skip("nginx is not installed (apt-get install nginx): the nginx auth_basic server cannot run")
    server = _wsgi_server(tmp_path_factory, NginxIndex)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stock_pypiserver(tmp_path_factory):
    """pypiserver as shipped: 403 to wrong or missing credentials, no challenge."""
    root = tmp_path_factory.mktemp("stock-pypiserver")
    index = PrivateIndex(root / "packages", root / "htpasswd", challenge=False).start()
    index.add_package(PACKAGE, "1.0.0")
    index.package = PACKAGE
    yield index
    index.stop()


_SERVER_FIXTURES = {
    "devpi": "devpi_server",
    "devpi-lockdown": "devpi_lockdown",
    "pypicloud": "pypicloud_server",
    "public-root": "public_root_index",
    "hidden-list": "hidden_list_index",
    "sign-in-redirect": "sign_in_redirect_index",
    "nginx": "nginx_index",
    "json-only": "json_only_index",
    "pypiserver-403": "stock_pypiserver",
}


@pytest.fixture(params=REAL_SERVERS)
def real_server(request):
    """Each server of the README's table in turn."""
    return request.getfixturevalue(_SERVER_FIXTURES[request.param])


@pytest.fixture
def server_account(real_server) -> tuple[str, str]:
    """A user who may read (and, where the server takes uploads, upload to) ``real_server``, with a fresh password."""
    user = getattr(real_server, "owner", None) or "user-" + secrets.token_hex(3)
    password = "pw-" + secrets.token_urlsafe(12)
    real_server.set_password(user, password)
    return user, password


@pytest.fixture(autouse=True)
def _secrets_masked_only_in_the_test_that_made_them():
    """Each xdist worker runs many tests in one process, and every Secret made in it is masked
    in all later output; a secret such as " token" made by one test would otherwise mask that
    word in another test's screen or message (seen in a Doctor snapshot)."""
    from ar_wizard import model

    with model._live_lock:
        before = set(model._live_values)
    yield
    with model._live_lock:
        model._live_values.intersection_update(before)


# -- the fast loop: `uv run pytest -m fast` -----------------------------------------------------
# A test is `fast` when it needs no server, terminal or subprocess: none of the fixtures below
# (each starts a server, a fake CLI, a temp home the real tools run in, or a terminal), no
# `integration`/`e2e` mark, and no subprocess, local server or Textual app run in its body or in
# the helpers of its module that it calls.

SLOW_FIXTURES = frozenset({
    "home", "keyring_home", "private_index", "account", "keyring_bin", "uv_cache", "user_bin",
    "real_server", "server_account", "devpi_server", "devpi_lockdown", "pypicloud_server",
    "public_root_index", "sign_in_redirect_index",
    "json_only_index", "nginx_index", "stock_pypiserver", "snap_compare", "fixed_index",
    "token_server", "gauth_keyring_bin", "fake_gcloud_dir", "fake_aws", "linters",
})
SLOW_NAMES = frozenset({"subprocess", "run_test", "Popen", "HTTPServer", "ThreadingHTTPServer", "make_server"})


def _names_used(code, module_globals: dict, seen: set) -> set[str]:
    """The global names ``code`` uses, through the nested functions it defines and the test
    module's own helpers it calls (a helper that runs ``subprocess`` makes its caller slow)."""
    if code in seen:
        return set()
    seen.add(code)
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names_used(const, module_globals, seen)
    for name in list(names):
        helper = getattr(module_globals.get(name), "__code__", None)
        if helper is not None and module_globals.get(name).__module__ == module_globals.get("__name__"):
            names |= _names_used(helper, module_globals, seen)
    return names


def _is_fast(item: pytest.Item) -> bool:
    if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return False
    if item.get_closest_marker("integration") or item.get_closest_marker("e2e"):
        return False
    function = getattr(item, "function", None)
    if function is None:
        return False
    # A @given test's own code is Hypothesis's wrapper; what it does is in the function it wraps.
    inner = getattr(getattr(function, "hypothesis", None), "inner_test", function)
    return not SLOW_NAMES.intersection(_names_used(inner.__code__, inner.__globals__, set()))


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config) -> int | None:
    """``-n auto``: two workers per core. A test spends much of its time waiting (on an index server,
    a client it started, a Textual app settling), and a second worker per core fills those waits: the
    whole suite took 315 s with 4 workers on 2 cores, where its two halves took 158 s and 258 s with 2
    (CONTRIBUTING.md)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own variable says how many
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_fast(item):
            item.add_marker(pytest.mark.fast)


@pytest.fixture(autouse=True)
def _a_fast_test_starts_no_process(request, monkeypatch):
    """The classification above reads code; this proves it at run time: a test marked fast that
    starts a process (itself, or through the code it calls) fails and says which."""
    if request.node.get_closest_marker("fast") is None:
        return

    def refuse(self, args, *rest, **kwargs):
        raise AssertionError(f"{request.node.nodeid} is marked fast but starts a process ({args!r}): use a "
                             "fixture of SLOW_FIXTURES, a SLOW_NAMES name or @pytest.mark.integration")

    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse)
