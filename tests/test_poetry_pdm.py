"""`ar-wizard setup` for Poetry and PDM projects, end to end: the real Poetry and PDM against the private index.

Every test shares the session's pypiserver (``private_index``) and makes its own user. The tools run
hermetically: Poetry locks with ``--lock --source NAME`` (a supplemental source is asked after PyPI,
which these tests must not reach), PDM with ``--no-sync`` and ``PDM_IGNORE_STORED_INDEX`` (PDM puts
PyPI before a project's sources unless told not to), and neither creates a virtualenv.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PACKAGE, VENV_BIN
from private_index import build_wheel, wheel_filename

pytestmark = pytest.mark.integration

PROJECTS = {
    # package mode: Poetry refuses to publish a project in `package-mode = false`
    "poetry": """\
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = []

[tool.poetry]
packages = [{ include = "demo" }]  # keep this comment

[build-system]
requires = ["poetry-core>=2"]
build-backend = "poetry.core.masonry.api"
""",
    "pdm": """\
[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = []

[tool.pdm]
distribution = true  # keep this comment
""",
}

TOOL_ENV = {
    "POETRY_VIRTUALENVS_CREATE": "false",
    "PDM_CHECK_UPDATE": "false",
    "PDM_IGNORE_STORED_INDEX": "1",
    "PDM_PYTHON": sys.executable,
}


@pytest.fixture
def tool_home(home):
    home.env.update(TOOL_ENV)
    return home


def project_for(home, tool: str) -> None:
    (home.project / "pyproject.toml").write_text(PROJECTS[tool])


def setup(home, index, user, password, *extra, tool, store):
    return home.wizard(
        "setup", "--provider", "generic", "--index", "acme", "--url", index.simple_url,
        "--auth", "token", "--username", user, "--password-stdin", "--store", store, "--yes", *extra,
        input=password + "\n",
    )


def load_dotenv(home) -> dict[str, str]:
    """The variables a user gets from `set -a; . ./.env` (none when there is no .env)."""
    if not (home.project / ".env").exists():
        return {}
    out = subprocess.run(
        ["sh", "-c", "set -a; . ./.env; env -0"], cwd=home.project, capture_output=True, check=True
    ).stdout.decode()
    return dict(line.split("=", 1) for line in out.split("\0") if "=" in line)


#: Poetry refuses keyrings.alt's plain-text backend by its name; this one is the same file under another name.
POETRY_KEYRING = {
    "PYTHON_KEYRING_BACKEND": "file_backed_keyring.FileBackedKeyring",
    "PYTHONPATH": str(Path(__file__).parent / "keyring_backend"),
}


def tool_env(home, tool: str) -> dict[str, str]:
    """What the tool runs with: the project's .env loaded, and for Poetry a keyring backend it accepts."""
    return load_dotenv(home) | (POETRY_KEYRING if tool == "poetry" else {})


def add_private_package(home, tool: str):
    if tool == "poetry":
        argv = [VENV_BIN / "poetry", "add", "--lock", "--source", "acme", PACKAGE]
    else:
        argv = [VENV_BIN / "pdm", "add", "--no-sync", PACKAGE]
    return home.run(*argv, env=tool_env(home, tool))


def assert_added(home, tool: str) -> None:
    added = add_private_package(home, tool)
    assert added.returncode == 0, added.stdout + added.stderr
    assert PACKAGE in (home.project / f"{tool}.lock").read_text()


STORES = [("poetry", "file"), ("poetry", "env"), ("poetry", "netrc"), ("poetry", "keyring"),
          ("pdm", "file"), ("pdm", "env"), ("pdm", "netrc"), ("pdm", "keyring")]


@pytest.mark.parametrize(("tool", "store"), STORES)
def test_after_setup_the_projects_own_tool_adds_the_private_package(request, tool, store, private_index, account):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    home.env.update(TOOL_ENV)
    project_for(home, tool)
    user, password = account

    # No --targets: the project's [tool.poetry] / [tool.pdm] table names the tool to set up.
    result = setup(home, private_index, user, password, tool=tool, store=store)

    assert result.returncode == 0, result.stdout + result.stderr
    # The keyring CLI here writes to keyrings.alt's plain-text file, which Poetry itself would skip
    # (its own process gets the renamed backend below): setup says so.
    said = "Poetry skips a plain-text keyring backend" in result.stdout + result.stderr
    assert said == ((tool, store) == ("poetry", "keyring"))
    pyproject = (home.project / "pyproject.toml").read_text()
    assert f"[[tool.{tool}.source]]" in pyproject
    assert "# keep this comment" in pyproject
    assert "tool.uv" not in pyproject  # Poetry and PDM never read it
    assert_added(home, tool)
    assert password not in (home.project / "pyproject.toml").read_text()
    assert password not in (home.project / f"{tool}.lock").read_text()


@pytest.mark.parametrize("tool", ["poetry", "pdm"])
def test_without_the_credentials_the_tool_is_refused_by_the_index(tool_home, tool, private_index, account):
    # The control for the test above: the source alone does not get the package.
    project_for(tool_home, tool)
    user, password = account
    result = setup(tool_home, private_index, user, password, tool=tool, store="env")
    assert result.returncode == 0, result.stderr
    (tool_home.project / ".env").unlink()
    assert add_private_package(tool_home, tool).returncode != 0


@pytest.mark.parametrize("tool", ["poetry", "pdm"])
def test_a_wrong_secret_is_refused_and_nothing_is_written(tool_home, tool, private_index, account):
    project_for(tool_home, tool)
    user, _ = account
    before = tool_home.files()

    result = setup(tool_home, private_index, user, "not-the-password", tool=tool, store="file")

    assert result.returncode == 1, result.stdout + result.stderr
    assert tool_home.files() == before


@pytest.mark.parametrize(("tool", "store"), [("poetry", "file"), ("poetry", "env"), ("poetry", "keyring"),
                                             ("pdm", "file"), ("pdm", "env"), ("pdm", "keyring")])
def test_with_publish_the_tool_uploads_to_the_index_under_its_name(request, tool, store, private_index, account):
    tool_home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    tool_home.env.update(TOOL_ENV)
    project_for(tool_home, tool)
    user, password = account
    version = f"0.1.{abs(hash((tool, store, user))) % 10**6}"
    text = (tool_home.project / "pyproject.toml").read_text().replace('version = "0.1.0"', f'version = "{version}"')
    (tool_home.project / "pyproject.toml").write_text(text)
    dist = tool_home.project / "dist"
    dist.mkdir()
    (dist / wheel_filename("demo", version)).write_bytes(build_wheel("demo", version))

    result = setup(tool_home, private_index, user, password, "--publish", tool=tool, store=store)
    assert result.returncode == 0, result.stdout + result.stderr
    if tool == "poetry":
        argv = [VENV_BIN / "poetry", "publish", "-r", "acme", "--no-interaction"]
    else:
        argv = [VENV_BIN / "pdm", "publish", "--no-build", "-r", "acme"]
    published = tool_home.run(*argv, env=tool_env(tool_home, tool))

    assert published.returncode == 0, published.stdout + published.stderr
    assert wheel_filename("demo", version) in private_index.packages()


# -- rotate, join, undo on Poetry and PDM projects ----------------------------------------------


def resolves_afresh(home, tool: str, pyproject: bytes) -> bool:
    """The tool resolves the private package from scratch: no lock, an empty cache, so the index is asked."""
    (home.project / "pyproject.toml").write_bytes(pyproject)
    (home.project / f"{tool}.lock").unlink(missing_ok=True)
    cache = home.root / f"cache-{secrets.token_hex(4)}"
    argv = ([VENV_BIN / "poetry", "add", "--lock", "--source", "acme", PACKAGE] if tool == "poetry"
            else [VENV_BIN / "pdm", "add", "--no-sync", PACKAGE])
    ok = home.run(*argv, env=tool_env(home, tool) | {"XDG_CACHE_HOME": str(cache)}).returncode == 0
    (home.project / "pyproject.toml").write_bytes(pyproject)
    return ok


# Poetry's auth.toml (the file store) is rotated in test_rotation_also_renews_the_password_hatch_publishes_with.
@pytest.mark.parametrize(("tool", "store"), [("poetry", "keyring"), ("pdm", "env"), ("pdm", "keyring")])
def test_rotation_writes_the_new_secret_where_the_tool_reads_it_and_keeps_pyproject(
    request, tool, store, private_index, account
):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    home.env.update(TOOL_ENV)
    project_for(home, tool)
    user, old = account
    assert setup(home, private_index, user, old, tool=tool, store=store).returncode == 0
    pyproject = (home.project / "pyproject.toml").read_bytes()
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)  # the registry revoked the old secret
    assert not resolves_afresh(home, tool, pyproject)

    result = home.wizard("rotate", "--index", "acme", "--password-stdin", "--yes", input=new + "\n")

    assert result.returncode == 0, result.stdout + result.stderr
    assert resolves_afresh(home, tool, pyproject)
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    assert new not in result.stdout + result.stderr


@pytest.mark.parametrize(("tool", "store"), [("poetry", "file"), ("pdm", "env")])
def test_a_teammate_joins_a_project_that_names_the_index_with_only_their_credentials(
    tool_home, tool, store, private_index, account
):
    # The project as a teammate committed it: the source is there, no credential on this machine.
    project_for(tool_home, tool)
    user, password = account
    assert setup(tool_home, private_index, user, password, tool=tool, store=store).returncode == 0
    pyproject = (tool_home.project / "pyproject.toml").read_bytes()
    for path in [tool_home.project / ".env", tool_home.root / ".config"]:
        if path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
    assert not resolves_afresh(tool_home, tool, pyproject)

    # No --url, no --targets: the configured source says both.
    result = tool_home.wizard("setup", "--index", "acme", "--username", user, "--password-stdin",
                              "--store", store, "--yes", input=password + "\n")

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tool_home.project / "pyproject.toml").read_bytes() == pyproject
    assert resolves_afresh(tool_home, tool, pyproject)


@pytest.mark.parametrize(("tool", "store"), [("poetry", "keyring"), ("pdm", "file")])
def test_undo_puts_back_pyproject_and_the_tools_config_byte_for_byte(request, tool, store, private_index, account):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    home.env.update(TOOL_ENV)
    project_for(home, tool)
    user, password = account
    config = home.root / ".config" / ("pypoetry/auth.toml" if tool == "poetry" else "pdm/config.toml")
    config.parent.mkdir(parents=True)
    config.write_text("# mine\n[other]\nkey = 'kept'\n")
    before = home.files()

    assert setup(home, private_index, user, password, tool=tool, store=store).returncode == 0
    assert home.files() != before
    undone = home.wizard("undo", "--yes")

    assert undone.returncode == 0, undone.stdout + undone.stderr
    # ar-wizard's own state (the backup) and the keyring backend's file (an empty section once the entry is
    # deleted) are not the user's files: the keyring is checked by asking it.
    def files(snapshot):
        return {p: b for p, b in snapshot.items() if not any(s in p.as_posix() for s in (".local/state", "python_keyring"))}

    assert files(home.files()) == files(before)
    if store == "keyring":
        looked_up = home.run("keyring", "get", "poetry-repository-acme", user)
        assert looked_up.returncode != 0 or not looked_up.stdout.strip()


# -- doctor: the traps of Poetry and PDM sources ------------------------------------------------


def checks(home, *extra) -> dict[str, list[dict]]:
    result = home.wizard("doctor", "--offline", "--json", *extra)
    out: dict[str, list[dict]] = {}
    for check in json.loads(result.stdout)["checks"]:
        out.setdefault(check["id"], []).append(check)
    return out


def test_doctor_finds_a_primary_poetry_source_without_credentials_and_fixes_the_priority(
    tool_home, private_index, account
):
    # As many projects have it: `poetry source add acme URL` before Poetry 1.8 wrote no priority (primary).
    tool_home.project.joinpath("pyproject.toml").write_text(
        PROJECTS["poetry"] + f'\n[[tool.poetry.source]]\nname = "acme"\nurl = "{private_index.simple_url}"\n'
    )

    found = checks(tool_home)

    assert [c["verdict"] for c in found["source-hides-pypi"]] == ["warn"]
    assert [c["verdict"] for c in found["source-credentials"]] == ["warn"]
    fixed = tool_home.wizard("doctor", "--offline", "--fix", "--yes")
    assert 'priority = "supplemental"' in (tool_home.project / "pyproject.toml").read_text(), fixed.stderr
    assert [c["verdict"] for c in checks(tool_home)["source-hides-pypi"]] == ["ok"]

    user, password = account
    joined = tool_home.wizard("setup", "--index", "acme", "--username", user, "--password-stdin", "--store", "file",
                              "--yes", input=password + "\n")
    assert joined.returncode == 0, joined.stdout + joined.stderr
    assert [c["verdict"] for c in checks(tool_home)["source-credentials"]] == ["ok"]


def test_doctor_moves_a_password_out_of_a_pdm_source_url_into_env_and_pdm_still_resolves(
    tool_home, private_index, account
):
    user, password = account
    inline = private_index.simple_url.replace("http://", f"http://{user}:{password}@")
    tool_home.project.joinpath("pyproject.toml").write_text(
        PROJECTS["pdm"] + f'\n[[tool.pdm.source]]\nname = "acme"\nurl = "{inline}"\n'
    )

    found = tool_home.wizard("doctor", "--offline", "--json")
    assert password not in found.stdout
    assert [c["verdict"] for c in checks(tool_home)["source-password-inline"]] == ["fail"]

    fixed = tool_home.wizard("doctor", "--offline", "--fix", "--yes")

    pyproject = (tool_home.project / "pyproject.toml").read_text()
    assert password not in pyproject, fixed.stdout + fixed.stderr
    assert "${PDM_SOURCE_ACME_PASSWORD}" in pyproject
    assert [c["verdict"] for c in checks(tool_home)["source-password-inline"]] == ["ok"]
    assert_added(tool_home, "pdm")


# -- Hatch: publish only ----------------------------------------------------------------------


@pytest.mark.parametrize("store", ["file", "env", "keyring"])
def test_hatch_publish_uploads_to_the_repo_setup_names(request, store, private_index, account):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, password = account
    version = f"0.2.{secrets.randbelow(10**6)}"
    dist = home.project / "dist"
    dist.mkdir()
    (dist / wheel_filename("demo", version)).write_bytes(build_wheel("demo", version))

    result = setup(home, private_index, user, password, "--targets", "hatch", tool="hatch", store=store)
    assert result.returncode == 0, result.stdout + result.stderr
    published = home.run(VENV_BIN / "hatch", "publish", "-r", "acme", "--no-prompt", dist / wheel_filename("demo", version),
                         env=load_dotenv(home) | {"HATCH_DATA_DIR": str(home.root / "hatch-data")})

    assert published.returncode == 0, published.stdout + published.stderr
    assert wheel_filename("demo", version) in private_index.packages()


@pytest.mark.parametrize(("tool", "store"), [("poetry", "file"), ("pdm", "env")])
def test_doctor_asks_the_index_with_the_credential_the_tool_sends_and_sees_it_refused(
    tool_home, tool, store, private_index, account
):
    project_for(tool_home, tool)
    user, old = account
    assert setup(tool_home, private_index, user, old, tool=tool, store=store).returncode == 0
    healthy = tool_home.wizard("doctor", "--json")
    assert [c["verdict"] for c in json.loads(healthy.stdout)["checks"] if c["id"] == "credentials-accepted"] == ["ok"]

    private_index.set_password(user, "pw-" + secrets.token_urlsafe(12))  # the old secret is revoked
    report = tool_home.wizard("doctor", "--json")

    (live,) = [c for c in json.loads(report.stdout)["checks"] if c["id"] == "credentials-accepted"]
    assert report.returncode == 1 and live["verdict"] == "fail" and live["subject"] == "acme"
    assert ("auth.toml" if tool == "poetry" else ".env") in live["message"]
    assert old not in report.stdout


def test_rotation_also_renews_the_password_hatch_publishes_with(tool_home, private_index, account):
    project_for(tool_home, "poetry")
    user, old = account
    result = setup(tool_home, private_index, user, old, "--targets", "poetry,hatch", tool="poetry", store="file")
    assert result.returncode == 0, result.stdout + result.stderr
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)

    rotated = tool_home.wizard("rotate", "--index", "acme", "--password-stdin", "--yes", input=new + "\n")

    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    version = f"0.3.{secrets.randbelow(10**6)}"
    wheel = tool_home.project / wheel_filename("demo", version)
    wheel.write_bytes(build_wheel("demo", version))
    published = tool_home.run(VENV_BIN / "hatch", "publish", "-r", "acme", "--no-prompt", wheel,
                              env={"HATCH_DATA_DIR": str(tool_home.root / "hatch-data")})
    assert published.returncode == 0, published.stdout + published.stderr
    assert resolves_afresh(tool_home, "poetry", (tool_home.project / "pyproject.toml").read_bytes())
