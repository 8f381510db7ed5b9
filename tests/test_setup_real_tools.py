"""`ar-wizard setup` end to end: the real uv, pip and keyring against a real private index."""

from __future__ import annotations

import subprocess

import pytest

from conftest import PACKAGE
from private_index import build_wheel, wheel_filename

pytestmark = pytest.mark.integration


def setup(home, index, user, password, *extra, store="uv", name="acme"):
    return home.wizard(
        "setup", "--provider", "generic", "--index", name, "--url", index.simple_url,
        "--auth", "token", "--username", user, "--password-stdin", "--store", store, "--yes", *extra,
        input=password + "\n",
    )


def load_dotenv(home) -> dict[str, str]:
    """The variables a user gets from `set -a; . ./.env`."""
    out = subprocess.run(
        ["sh", "-c", "set -a; . ./.env; env -0"], cwd=home.project, capture_output=True, check=True
    ).stdout.decode()
    return dict(line.split("=", 1) for line in out.split("\0") if "=" in line)


def assert_uv_add_resolves(home, env=None):
    added = home.uv("add", PACKAGE, env=env)
    assert added.returncode == 0, added.stderr
    assert PACKAGE in (home.project / "uv.lock").read_text()


@pytest.mark.parametrize("store", ["uv", "keyring", "env", "netrc"])
def test_after_setup_with_each_store_uv_add_resolves_the_private_package(
    request, store, private_index, account
):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, password = account

    result = setup(home, private_index, user, password, store=store)

    assert result.returncode == 0, result.stderr
    assert_uv_add_resolves(home, env=load_dotenv(home) if store == "env" else None)
    pyproject = (home.project / "pyproject.toml").read_text()
    assert password not in pyproject
    assert password not in (home.project / "uv.lock").read_text()


def test_without_the_secret_uv_is_refused_by_the_index(home, private_index, account):
    # The control for the test above: the index really demands credentials.
    user, password = account
    result = setup(home, private_index, user, password, "--no-validate", store="env")
    assert result.returncode == 0, result.stderr
    assert home.uv("add", PACKAGE).returncode != 0


@pytest.mark.parametrize("store", ["keyring", "netrc"])
def test_with_targets_uv_and_pip_and_a_store_pip_reads_pip_download_works(
    request, store, private_index, account, tmp_path
):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, password = account

    result = setup(home, private_index, user, password, "--targets", "uv,pip", store=store)

    assert result.returncode == 0, result.stderr
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", PACKAGE)
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr
    assert (tmp_path / "dl" / wheel_filename(PACKAGE, "1.0.0")).exists()
    assert_uv_add_resolves(home)


def test_with_the_file_store_pip_download_works_from_the_inline_pip_conf(home, private_index, account, tmp_path):
    user, password = account

    result = setup(home, private_index, user, password, "--targets", "pip", store="file")

    assert result.returncode == 0, result.stderr
    pip_conf = home.root / ".config" / "pip" / "pip.conf"
    assert pip_conf.stat().st_mode & 0o777 == 0o600
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", PACKAGE)
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr


def test_a_store_pip_cannot_read_is_refused_with_the_reason_and_an_alternative(home, private_index, account):
    user, password = account
    before = home.files()

    result = setup(home, private_index, user, password, "--targets", "uv,pip", store="uv")

    assert result.returncode == 2
    assert "pip cannot read uv's credential store" in result.stderr
    assert "--store keyring" in result.stderr
    assert home.files() == before


@pytest.mark.parametrize("store", ["uv", "keyring", "netrc", "env"])
def test_with_publish_uv_publish_uploads_to_the_index(request, store, private_index, account, tmp_path):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, password = account
    version = f"2.0.{len(private_index.packages())}"
    wheel = tmp_path / wheel_filename("acme-upload", version)
    wheel.write_bytes(build_wheel("acme-upload", version))

    result = setup(home, private_index, user, password, "--publish", store=store)
    assert result.returncode == 0, result.stderr
    published = home.uv("publish", "--index", "acme", wheel, env=load_dotenv(home) if store == "env" else None)

    assert published.returncode == 0, published.stderr
    assert wheel.name in private_index.packages()


def test_a_wrong_secret_fails_validation_and_writes_nothing(home, private_index, account):
    user, _ = account
    before = home.files()

    result = setup(home, private_index, user, "not-the-password")

    assert result.returncode == 1
    assert "rejected the credentials" in result.stderr
    assert "Nothing was written" in result.stderr
    assert home.files() == before


def test_a_malformed_pyproject_is_named_in_one_sentence_and_left_untouched(home, private_index, account):
    user, password = account
    broken = b'[project]\nname = "demo"\ndependencies = [\n'
    (home.project / "pyproject.toml").write_bytes(broken)

    result = setup(home, private_index, user, password)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "pyproject.toml" in result.stderr and "Traceback" not in result.stderr
    assert (home.project / "pyproject.toml").read_bytes() == broken


def test_undo_restores_every_file_and_the_secret_byte_for_byte(home, private_index, account):
    user, password = account
    (home.root / ".config" / "pip").mkdir(parents=True)
    (home.root / ".config" / "pip" / "pip.conf").write_bytes(b"[global]\r\n# mine\r\ntimeout = 60\r\n")
    before = home.files()

    assert setup(home, private_index, user, password, "--targets", "uv,pip", store="netrc").returncode == 0
    assert home.files() != before
    listed = home.wizard("undo", "--list")
    undone = home.wizard("undo", "--yes")

    assert "setup acme" in listed.stdout
    assert undone.returncode == 0, undone.stderr
    after = {p: b for p, b in home.files().items() if ".local/state/ar-wizard" not in str(p)}
    assert after == before


def test_undo_of_a_uv_store_setup_removes_the_stored_secret(home, private_index, account):
    user, password = account
    assert setup(home, private_index, user, password, store="uv").returncode == 0
    assert home.uv("auth", "token", private_index.simple_url, "--username", user).stdout.strip() == password

    assert home.wizard("undo", "--yes").returncode == 0

    assert home.uv("auth", "token", private_index.simple_url, "--username", user).returncode != 0


def test_the_secret_reaches_no_file_but_its_store_no_output_and_no_argv(home, private_index, account, tmp_path):
    user, password = account
    spy_log = tmp_path / "argv.log"
    spies = tmp_path / "spies"
    spies.mkdir()
    for tool in ("uv", "keyring"):
        real = subprocess.run(["sh", "-c", f"command -v {tool}"], env=home.env, capture_output=True, text=True).stdout.strip()
        (spies / tool).write_text(f'#!/bin/sh\nprintf "%s\\n" "{tool} $*" >> {spy_log}\nexec {real} "$@"\n')
        (spies / tool).chmod(0o755)
    home.put_first_on_path(spies)

    result = setup(home, private_index, user, password, "--targets", "uv", "--publish", store="uv")
    dry = setup(home, private_index, user, password, "--dry-run", store="netrc")

    assert result.returncode == 0 and dry.returncode == 0, result.stderr + dry.stderr
    assert "uv auth login" in spy_log.read_text()
    assert password not in spy_log.read_text()
    for output in (result.stdout, result.stderr, dry.stdout, dry.stderr):
        assert password not in output
    credentials_store = home.root / ".local" / "share" / "uv" / "credentials" / "credentials.toml"
    backups = home.root / ".local" / "state" / "ar-wizard"
    holders = [p for p, data in home.files().items() if password.encode() in data]
    assert holders == [credentials_store], holders
    assert not any(password.encode() in p.read_bytes() for p in backups.rglob("*") if p.is_file())


def test_the_proof_step_resolves_a_listed_package_with_the_real_uv(home, private_index, account):
    from ar_wizard.model import Draft, Secret
    from ar_wizard.validate import prove_with_uv, validate_draft

    user, password = account
    draft = Draft(fields={"url": private_index.simple_url}, index_name="acme", username=user,
                  secret=Secret(password), store="netrc", project_dir=home.project)
    verdict = validate_draft(draft)
    assert PACKAGE in verdict.projects
    assert not prove_with_uv(draft, PACKAGE).ok, "nothing is configured yet"

    assert setup(home, private_index, user, password, store="netrc").returncode == 0

    proof = prove_with_uv(draft, PACKAGE)
    assert proof.ok, proof.message
    assert f"{PACKAGE}==1.0.0" in proof.message
