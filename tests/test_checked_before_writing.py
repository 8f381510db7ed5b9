"""Everything a change needs is checked before its first write: URLs, snippet files, each doctor fix.

And the variable `--token-env` names stays in the wizard: no tool it runs sees it.
"""

from __future__ import annotations

import pytest

from conftest import PYPROJECT

pytestmark = pytest.mark.integration


def setup(home, url, *extra, store="env"):
    return home.wizard("setup", "--index", "acme", "--url", url, "--username", "me", "--password-stdin",
                       "--store", store, "--no-validate", "--yes", *extra, input="s3cret-value\n")


@pytest.mark.parametrize("url, words", [
    ("https://x.example:99999/simple/", "port must be a number from 1 to 65535"),
    ("https://x.example:abc/simple/", "port must be a number from 1 to 65535"),
    ("https://[fe80::1%eth0]/simple/", "zone"),
    ("https://x exa.example/simple/", "contains a space"),
    ("https://x.example/sim\nple/", "contains a line break"),
    ("https://x.example/sim\tple/", "control character"),
    ("https://bücher.example/simple/", "'xn--bcher-kva.example'"),
    ("https://under$core.example/simple/", "may only hold letters, digits"),
    ("https://999.1.1.1/simple/", "uv reads it as an IPv4 address, and it is not one (999 is over 255)"),
    ("https://1.2.3.4.5/simple/", "uv reads it as an IPv4 address, and it is not one (it has more than four parts)"),
    ("https://pkg.1/simple/", "uv reads it as an IPv4 address, and it is not one ('pkg' is not a number)"),
])
def test_an_index_url_that_cannot_work_is_one_sentence_naming_the_flag_and_nothing_is_written(home, url, words):
    before = home.files()
    result = setup(home, url)
    assert result.returncode == 2, result.stdout + result.stderr
    said = result.stderr.strip()
    assert len(said.splitlines()) == 1 and "Traceback" not in said
    assert said.startswith("error: --url") and words in said, said
    assert home.files() == before


def test_a_snippet_file_that_may_not_be_written_stops_setup_before_any_write(home):
    workflow = home.project / ".github" / "workflows" / "private-index.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("# the team's own workflow\n")
    before = home.files()

    result = setup(home, "https://registry.example/simple/", "--emit", "github-actions", "--write-snippets")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "already exists with other content" in result.stderr
    assert home.files() == before
    assert home.wizard("undo", "--list").stdout == "No backups yet.\n"


def test_snippet_files_are_written_and_undone_with_the_setup(home):
    result = setup(home, "https://registry.example/simple/", "--emit", "dockerfile", "--write-snippets")
    assert result.returncode == 0, result.stderr
    snippet = home.project / "Dockerfile.private-index"
    assert snippet.exists()
    assert "wrote   ~/work/demo/Dockerfile.private-index" in result.stdout

    undone = home.wizard("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert not snippet.exists() and not (home.project / ".env").exists()


def test_doctor_fix_plans_each_fix_from_the_files_the_fix_before_left(home, private_index, account):
    # A password in the URL, and the URL lacks /simple/: the second fix must not undo the first.
    user, password = account
    bare = private_index.simple_url.replace("/simple/", "/")
    url = bare.replace("http://", f"http://{user}:{password}@")
    pyproject = home.project / "pyproject.toml"
    pyproject.write_text(PYPROJECT + f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n')

    result = home.wizard("doctor", "--fix", "--yes", "--offline")

    assert result.returncode in (0, 1), result.stdout + result.stderr
    text = pyproject.read_text()
    assert password not in text, "the credential move was not lost"
    assert private_index.simple_url.replace("http://", f"http://{user}@") in text, "and /simple/ was added to it"
    assert result.stderr.count("Fix for") == 2, result.stderr
    assert home.uv("auth", "token", private_index.simple_url, "--username", user).stdout.strip() == password, (
        result.stdout + result.stderr)
    assert home.wizard("undo", "--list").stdout.count("doctor fix") == 2, "each fix is its own backup"


SPY = """#!/bin/sh
env > "{log}.$$"
exec "{real}" "$@"
"""


def test_the_token_env_variable_never_reaches_a_tool_the_wizard_runs(home, tmp_path):
    import shutil

    log = tmp_path / "env"
    spy_dir = tmp_path / "spy"
    spy_dir.mkdir()
    (spy_dir / "uv").write_text(SPY.format(log=log, real=shutil.which("uv", path=home.env["PATH"])))
    (spy_dir / "uv").chmod(0o755)
    home.put_first_on_path(spy_dir)

    result = home.wizard("setup", "--index", "acme", "--url", "https://registry.example/simple/",
                         "--username", "me", "--token-env", "MY_REGISTRY_TOKEN", "--store", "uv",
                         "--no-validate", "--yes", env={"MY_REGISTRY_TOKEN": "tok-from-env-1234"})

    assert result.returncode == 0, result.stderr
    seen = [p.read_text() for p in tmp_path.glob("env.*")]
    assert seen, "uv was run"
    assert not any("MY_REGISTRY_TOKEN" in env or "tok-from-env-1234" in env for env in seen)


def test_rotate_refuses_a_secret_the_dot_env_file_would_not_give_back_and_writes_nothing(home):
    assert setup(home, "https://registry.example/simple/").returncode == 0
    before = home.files()

    result = home.wizard("rotate", "--index", "acme", "--password-stdin", "--no-validate", "--yes",
                         input="new\x07secret\n")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "~/work/demo/.env cannot hold the new secret exactly" in result.stderr
    # (rotate asks uv's store whether it holds the secret; uv makes its lock file for that)
    assert {p: b for p, b in home.files().items() if p.name != "credentials.toml.lock"} == before


HOSTS = ["999.1.1.1", "1.2.3.4.5", "1.2.3.4", "1.2.3.4.", "127.1", "0x7f.0.0.1", "pkg.1", "host.0x", "08.1.1.1",
         "010.0.0.1", "4294967295", "4294967296", "10.0.0.256", "10.0.65535", "10.0.65536", "a1.b2", "pkg.example.com",
         "1.0x", "0x", "1e3.example", "example.123"]


@pytest.mark.parametrize("host", HOSTS)
def test_a_host_is_refused_exactly_when_uv_refuses_it(home, host):
    from ar_wizard.errors import UserError
    from ar_wizard.providers.base import check_index_url
    from conftest import VENV_BIN

    url = f"https://{host}/simple/"
    uv = home.run(VENV_BIN / "uv", "pip", "compile", "--offline", "--no-cache", "--index-url", url, "-", input="")
    uv_refuses = "invalid IPv4 address" in uv.stderr
    try:
        check_index_url(url)
        we_refuse = False
    except UserError:
        we_refuse = True
    assert we_refuse == uv_refuses, (host, uv.stderr)


def test_a_username_with_a_colon_is_refused_before_writing(home):
    before = home.files()
    result = home.wizard("setup", "--index", "acme", "--url", "https://registry.example/simple/", "--username",
                         "team:me", "--password-stdin", "--store", "env", "--no-validate", "--yes", input="s3cret\n")
    assert result.returncode == 2, result.stderr
    assert "--username 'team:me' contains ':'" in result.stderr and "the user 'team'" in result.stderr
    assert home.files() == before


@pytest.mark.parametrize("targets, store", [("pip", "netrc"), ("uv,twine", "env"), ("uv,pip", "keyring")])
def test_a_secret_outside_latin1_is_refused_for_pip_and_twine_naming_the_client_that_can_send_it(
        keyring_home, targets, store):
    home = keyring_home
    before = home.files()
    result = home.wizard("setup", "--index", "acme", "--url", "https://registry.example/simple/", "--username", "me",
                         "--password-stdin", "--store", store, "--targets", targets, "--no-validate", "--yes",
                         input="s3cret-\u20ac-\U0001f511\n")
    assert result.returncode == 2, result.stderr
    client = "pip" if "pip" in targets else "twine"
    assert f"{client} sends the secret as Latin-1" in result.stderr, result.stderr
    assert "(--targets uv), which sends UTF-8" in result.stderr and "\u20ac" not in result.stderr
    assert home.files() == before


def test_the_same_secret_is_kept_for_uv_which_sends_utf8(home):
    result = home.wizard("setup", "--index", "acme", "--url", "https://registry.example/simple/", "--username", "me",
                         "--password-stdin", "--store", "env", "--targets", "uv", "--no-validate", "--yes",
                         input="s3cret-\u20ac\n")
    assert result.returncode == 0, result.stderr
