"""`undo` trusts neither its argument nor the manifest, walks back through history, and purges."""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import shutil
import subprocess

import pytest

from ar_wizard import apply as transaction
from ar_wizard import backups, journal, paths
from ar_wizard.fileio import write_atomically
from ar_wizard.model import Secret, SecretWrite
from conftest import PACKAGE, VENV_BIN
from test_setup_real_tools import setup

pytestmark = pytest.mark.integration

URL = "https://registry.example/simple/"


def setup_env(home, name="acme", secret="s3cret-value"):
    result = home.wizard("setup", "--index", name, "--url", URL, "--username", "me", "--password-stdin",
                         "--store", "env", "--no-validate", "--yes", input=secret + "\n")
    assert result.returncode == 0, result.stderr
    return result.stdout.split("backup  ")[1].split()[0]


def manifest_of(home, backup_id):
    return paths.state_dir() / "backups" / backup_id / "manifest.json"


def assert_refused(result, *words):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def test_undo_refuses_a_path_or_a_relative_id_and_changes_nothing(home, tmp_path):
    setup_env(home)
    elsewhere = tmp_path / "evil"
    elsewhere.mkdir()
    before = home.files()

    for argument in (str(paths.state_dir() / "backups"), str(elsewhere), "../x", "../../etc", "20260101-000000"):
        assert_refused(home.wizard("undo", argument, "--yes"), "no backup")
    assert home.files() == before


def test_undo_refuses_a_set_whose_directory_is_a_link_out_of_the_state_dir(home, tmp_path):
    backup_id = setup_env(home)
    real = tmp_path / "outside"
    shutil.move(paths.state_dir() / "backups" / backup_id, real)
    (paths.state_dir() / "backups" / backup_id).symlink_to(real)
    before = home.files()

    assert_refused(home.wizard("undo", backup_id, "--yes"), "no backup")
    assert home.files() == before


@pytest.mark.parametrize("tamper, words", [
    (lambda m, victim: m["files"][0].update(path=str(victim), shown=str(victim)), "not a file this change wrote"),
    (lambda m, victim: m["files"][0].update(path=str(victim.parent / "other" / ".netrc"),
                                           shown=str(victim.parent / "other" / ".netrc")), "not a file this change wrote"),
    (lambda m, victim: m["files"][0].update(copy="../../../../victim.txt"), "not a plain name"),
    (lambda m, victim: m["files"][0].update(copy="/etc/passwd"), "not a plain name"),
    (lambda m, victim: m["files"][0].pop("after_sha256"), "cannot be used"),
    (lambda m, victim: m.pop("files"), "'files' is missing"),
    (lambda m, victim: m["secrets"].append({"store": "sh", "service": "x", "username": "y"}), "no store"),
    (lambda m, victim: m.update(id="../x"), "names itself"),
])
def test_undo_refuses_a_crafted_or_damaged_manifest_in_one_sentence(home, tamper, words):
    backup_id = setup_env(home)
    victim = home.root / "victim.txt"
    victim.write_text("mine\n")
    path = manifest_of(home, backup_id)
    manifest = json.loads(path.read_text())
    tamper(manifest, victim)
    path.write_text(json.dumps(manifest))
    before = home.files()

    assert_refused(home.wizard("undo", backup_id, "--yes"), words)
    assert home.files() == before


def test_a_manifest_that_is_not_json_is_one_sentence(home):
    backup_id = setup_env(home)
    manifest_of(home, backup_id).write_text("{not json")
    before = home.files()
    assert_refused(home.wizard("undo", backup_id, "--yes"), "not JSON")
    assert home.files() == before


def test_undo_twice_walks_back_through_history_and_never_reapplies(home):
    pyproject = home.project / "pyproject.toml"
    original = pyproject.read_bytes()
    first = setup_env(home, "one")
    after_first = pyproject.read_bytes()
    second = setup_env(home, "two")

    undone = home.wizard("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert f"undone   {second}" in undone.stdout
    assert pyproject.read_bytes() == after_first

    undone = home.wizard("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert f"undone   {first}" in undone.stdout
    assert pyproject.read_bytes() == original
    assert "removed  ~/work/demo/.env (it did not exist before)" in undone.stdout
    assert "removed  ~/work/demo/.gitignore (it did not exist before)" in undone.stdout
    assert not (home.project / ".env").exists()

    third = home.wizard("undo", "--yes")
    assert third.returncode == 2 and "nothing (left) to undo" in third.stderr
    assert pyproject.read_bytes() == original

    listing = home.wizard("undo", "--list").stdout
    assert "undone by" in listing and f"undid {first}" in listing and f"undid {second}" in listing


def test_an_undo_cannot_itself_be_undone_nor_a_change_undone_twice(home):
    first = setup_env(home)
    undone = home.wizard("undo", "--yes")
    undo_id = undone.stdout.split("(as backup ")[1].split(";")[0]
    before = home.files()

    assert_refused(home.wizard("undo", undo_id, "--yes"), "never re-applies")
    assert_refused(home.wizard("undo", first, "--yes"), "already undone")
    assert home.files() == before


def test_backup_sets_holding_secrets_are_listed_as_such_and_purge_deletes_them_after_asking(home):
    backup_id = setup_env(home)
    setup_env(home, secret="second-secret")  # .env existed: its old copy holds the first secret

    listing = home.wizard("undo", "--list").stdout
    assert "holds old secrets" in listing

    refused = home.wizard("undo", "--purge")
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    assert (paths.state_dir() / "backups" / backup_id).is_dir()

    kept = home.wizard("undo", "--purge", "--older-than", "1", "--yes")
    assert kept.returncode == 0 and "No backup sets to delete" in kept.stdout

    purged = home.wizard("undo", "--purge", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert "held old secrets" in purged.stdout
    assert not any((paths.state_dir() / "backups").iterdir())
    assert "s3cret-value" not in b"".join(p.read_bytes() for p in paths.state_dir().rglob("*") if p.is_file()).decode()
    assert home.wizard("undo", "--list").stdout == "No backups yet.\n"


def test_older_than_alone_is_a_usage_error(home):
    assert_refused(home.wizard("undo", "--older-than", "3"), "--purge")


def test_an_interrupted_set_is_listed_until_it_can_be_recovered(home, keyring_bin):
    pyproject = home.project / "pyproject.toml"
    before = pyproject.read_bytes()
    after = before + b"# new\n"
    # A change cut short: the journal names it, pyproject.toml is replaced, a keyring secret was
    # being stored, and the keyring is not on PATH, so the secret cannot be put back yet.
    state = paths.state_dir()
    state.mkdir(parents=True)
    backup = backups.BackupSet.create(backups.new_id(), "setup acme")
    journal.begin(state, backup.id)
    backup.add_file(pyproject, pyproject, before, after, 0o644, holds_secret=False)
    backup.add_secret(SecretWrite("keyring", URL, "me", Secret("new")), None)
    backup.save()
    write_atomically(pyproject, after, 0o644)

    listing = home.wizard("undo", "--list")
    assert listing.returncode == 0
    assert "the secret for https://registry.example/simple/ (keyring is not on PATH, so uv and pip cannot ask it for credentials) could not be put back yet" in listing.stderr, listing.stderr
    assert f"{backup.id}" in listing.stdout and "(interrupted: rolled back when ar-wizard next runs)" in listing.stdout
    assert pyproject.read_bytes() == before, "the files were put back already"
    refused = home.wizard("setup", "--index", "x", "--url", URL, "--username", "me", "--password-stdin",
                          "--store", "env", "--no-validate", "--yes", input="s3cret-value\n")
    assert refused.returncode == 2 and "could not be put back yet" in refused.stderr, "no new change on top of it"

    home.put_first_on_path(keyring_bin)
    recovered = home.wizard("undo", "--list")
    assert "was interrupted and has been rolled back: restored 1 secret." in recovered.stderr, recovered.stderr
    assert recovered.stdout == "No backups yet.\n"
    assert pyproject.read_bytes() == before
    assert transaction.list_backups() == []


def test_purge_deletes_a_damaged_set_too_since_it_may_hold_secrets(home):
    backup_id = setup_env(home)
    manifest_of(home, backup_id).write_text("{not json")
    purged = home.wizard("undo", "--purge", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert f"deleted  {backup_id}  (damaged)" in purged.stdout
    assert not (paths.state_dir() / "backups" / backup_id).exists()


# -- the state directory is ours alone: a crafted journal or set is set aside, never acted on ----------

def plant_victims(home, tmp_path):
    """Directories a crafted journal could name: one beside the sets, one in the state dir, one outside it."""
    victims = [paths.state_dir() / "backups" / "keep-me", paths.state_dir() / "keep-me", tmp_path / "outside"]
    for victim in victims:
        victim.mkdir(parents=True)
        (victim / "precious").write_text("mine\n")
    return victims


@pytest.mark.parametrize("journal_bytes", [
    b"", b"\n", b"\n\n", b"\xff\xfe garbage \x00\n", b"../../../outside\n", b"backups\n", b".\n",
    b"/tmp\n", b"keep-me\n", b"20260101-000000-000000\n" * 40000, b"20260101-000000-000000\nchild 1 1\nchild 2 2\n",
    b"20260101-000000-000000\nrm -rf /\n",
], ids=["empty", "blank", "two-blank", "garbage", "relative-path", "backups", "dot", "absolute-path", "a-sibling",
        "oversized", "two-children", "a-command"])
def test_a_blank_garbage_path_shaped_or_oversized_journal_is_set_aside_and_deletes_nothing(home, tmp_path,
                                                                                        journal_bytes):
    first, second = setup_env(home, "one"), setup_env(home, "two")
    victims = plant_victims(home, tmp_path)
    journal.journal_file(paths.state_dir()).write_bytes(journal_bytes)
    before = {p: b for p, b in home.files().items() if "journal" not in p.name}

    listing = home.wizard("undo", "--list")

    assert listing.returncode == 0, listing.stderr
    assert len(listing.stderr.strip().splitlines()) == 1 and "Traceback" not in listing.stderr, listing.stderr
    assert "journal was not one it wrote" in listing.stderr and "nothing was rolled back" in listing.stderr
    assert first in listing.stdout and second in listing.stdout
    assert all((victim / "precious").read_text() == "mine\n" for victim in victims)
    set_aside = list((paths.state_dir() / "damaged").iterdir())
    assert [p.read_bytes() for p in set_aside] == [journal_bytes], "renamed, never deleted"
    assert {p: b for p, b in home.files().items() if p not in set_aside} == before
    again = home.wizard("setup", "--index", "three", "--url", URL, "--username", "me", "--password-stdin",
                        "--store", "env", "--no-validate", "--yes", input="x\n")
    assert again.returncode == 0 and again.stderr == "", "every command keeps working, and says it once"

    purged = home.wizard("undo", "--purge", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert set_aside[0].name in purged.stdout
    assert not (paths.state_dir() / "damaged").exists() or not any((paths.state_dir() / "damaged").iterdir())
    assert all((victim / "precious").read_text() == "mine\n" for victim in victims)


def test_a_journal_naming_a_set_without_a_manifest_but_with_files_sets_it_aside_instead_of_deleting(home):
    setup_env(home)
    state = paths.state_dir()
    named = backups.new_id()
    (state / "backups" / named).mkdir()
    (state / "backups" / named / "secret-0").write_text("an old secret someone put here\n")
    journal.begin(state, named)

    listing = home.wizard("undo", "--list")

    assert listing.returncode == 0 and "before it wrote anything" in listing.stderr, listing.stderr
    aside = list((state / "damaged").iterdir())
    assert [(p / "secret-0").read_text() for p in aside] == ["an old secret someone put here\n"]
    assert not (state / "backups" / named).exists() and journal.in_flight(state) is None


def deep(n):
    return "[" * n + "]" * n


@pytest.mark.parametrize("write", [
    lambda path: path.write_text('{"files": ' + deep(100_000) + "}"),
    lambda path: path.write_bytes(b'{"label": "' + b"x" * (2 << 20) + b'"}'),
    lambda path: path.write_bytes(b"\xff\xfe\x00{}"),
    lambda path: path.write_text(json.dumps(json.loads(path.read_text()) | {"run": "rm -rf ~"})),
    lambda path: path.write_text(json.dumps(json.loads(path.read_text()) | {"status": "whatever"})),
    lambda path: path.write_text(json.dumps(json.loads(path.read_text()) | {"undoes": "../../x"})),
], ids=["deeply-nested", "oversized", "not-utf-8", "unknown-key", "unknown-status", "undoes-a-path"])
def test_a_deep_oversized_or_foreign_manifest_is_one_sentence_in_list_undo_and_purge_and_can_be_purged(
        home, write):
    backup_id = setup_env(home)
    write(manifest_of(home, backup_id))
    before = home.files()

    listing = home.wizard("undo", "--list")
    assert listing.returncode == 0 and "Traceback" not in listing.stderr, listing.stderr
    assert f"{backup_id}  (damaged, cannot be undone; may hold old secrets" in listing.stdout
    assert_refused(home.wizard("undo", backup_id, "--yes"), "cannot be used")
    assert home.files() == before
    purged = home.wizard("undo", "--purge", "--yes")
    assert purged.returncode == 0, purged.stderr
    assert f"deleted  {backup_id}  (damaged)" in purged.stdout
    assert not (paths.state_dir() / "backups" / backup_id).exists()


def test_an_old_secret_that_is_not_utf8_is_one_sentence_in_undo_and_in_recovery(home, keyring_bin):
    home.put_first_on_path(keyring_bin)
    setup = home.wizard("setup", "--index", "acme", "--url", URL, "--username", "me", "--password-stdin",
                        "--store", "keyring", "--targets", "uv", "--no-validate", "--yes", input="first\n")
    assert setup.returncode == 0, setup.stderr
    again = home.wizard("setup", "--index", "acme", "--url", URL, "--username", "me", "--password-stdin",
                        "--store", "keyring", "--targets", "uv", "--no-validate", "--yes", input="second\n")
    assert again.returncode == 0, again.stderr
    backup_id = again.stdout.split("backup  ")[1].split()[0]
    (paths.state_dir() / "backups" / backup_id / "secret-0").write_bytes(b"\xff\xfe not text")
    assert_refused(home.wizard("undo", backup_id, "--yes"), "not UTF-8 text")

    # The same set named by the journal of an interrupted change: every command still runs.
    manifest = json.loads(manifest_of(home, backup_id).read_text())
    manifest_of(home, backup_id).write_text(json.dumps(manifest | {"status": "pending"}))
    journal.begin(paths.state_dir(), backup_id)
    doctor = home.wizard("doctor", "--offline")
    assert "Traceback" not in doctor.stderr and doctor.returncode in (0, 1), doctor.stderr
    assert "could not be rolled back" in doctor.stderr and "not UTF-8 text" in doctor.stderr
    assert "undo --purge" in doctor.stderr
    assert journal.in_flight(paths.state_dir()) is None
    assert home.wizard("undo", "--list").stderr == ""


def test_undo_refuses_a_set_that_names_another_projects_file_even_when_its_hash_matches(home, tmp_path):
    backup_id = setup_env(home)
    other = tmp_path / "other-project"
    other.mkdir()
    victim = other / "pyproject.toml"
    victim.write_text("[project]\nname = 'other'\n")
    path = manifest_of(home, backup_id)
    manifest = json.loads(path.read_text())
    entry = dict(manifest["files"][0], path=str(victim), shown=str(victim),
                 after_sha256=__import__("hashlib").sha256(victim.read_bytes()).hexdigest())
    manifest["files"].append(entry)
    path.write_text(json.dumps(manifest))
    before = home.files()

    assert_refused(home.wizard("undo", backup_id, "--yes"), str(victim), "not a file this change wrote")
    assert victim.read_text() == "[project]\nname = 'other'\n" and home.files() == before


# -- every sentence is true -----------------------------------------------------------------------------

@contextlib.contextmanager
def undeletable(path):
    """``path`` (a directory) cannot lose its entries: mode 0500, or, for root, the immutable flag."""
    if os.geteuid() != 0:
        path.chmod(0o500)
        try:
            yield
        finally:
            path.chmod(0o700)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no way to make a directory undeletable")
    flagged = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if flagged.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {flagged.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_purge_of_a_set_that_cannot_be_deleted_says_what_remains_and_not_that_it_was_deleted(home):
    first, second = setup_env(home, "one"), setup_env(home, "two")
    stuck = paths.state_dir() / "backups" / second
    with undeletable(stuck):
        purged = home.wizard("undo", "--purge", "--yes")
        assert purged.returncode == 3, purged.stderr
        assert f"deleted  {first}" in purged.stdout
        assert f"deleted  {second}" not in purged.stdout
        assert f"kept     {second}  setup two  (could not be deleted: " in purged.stdout
        assert "remain in" in purged.stdout and str(stuck) in purged.stdout
        assert "1 of 2 backup set(s) could not be deleted" in purged.stderr
        assert stuck.is_dir() and not (paths.state_dir() / "backups" / first).exists()


def test_a_state_dir_nobody_can_write_is_exit_2_and_nothing_is_attempted(home):
    setup_env(home)
    before = home.files()
    with undeletable(paths.state_dir()):
        refused = home.wizard("setup", "--index", "two", "--url", URL, "--username", "me", "--password-stdin",
                              "--store", "env", "--no-validate", "--yes", input="x\n")
    assert refused.returncode == 2, refused.stderr
    assert "which you cannot write" in refused.stderr and "Traceback" not in refused.stderr
    assert home.files() == before


def test_a_reader_that_closes_the_pipe_ends_the_listing_quietly(home):
    for n in range(3):
        setup_env(home, f"index{n}")
    proc = subprocess.Popen([str(VENV_BIN / "ar-wizard"), "undo", "--list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=home.env, cwd=home.project)
    assert proc.stdout is not None
    proc.stdout.close()  # as `| head -0` does, before anything is written
    _, err = proc.communicate(timeout=60)
    assert err == b"" and proc.returncode == 0


# -- undo as a merge ------------------------------------------------------------------------------------

def test_undo_after_a_real_uv_add_keeps_the_dependency_and_takes_out_the_index(home, private_index, account):
    user, password = account
    pyproject = home.project / "pyproject.toml"
    original = pyproject.read_text()
    set_up = setup(home, private_index, user, password, "--targets", "uv,pip", store="netrc")
    assert set_up.returncode == 0, set_up.stderr
    assert "[[tool.uv.index]]" in pyproject.read_text()
    added = home.uv("add", PACKAGE)
    assert added.returncode == 0, added.stderr
    with_dependency = pyproject.read_text()
    assert PACKAGE in with_dependency

    undone = home.wizard("undo", "--yes")

    assert undone.returncode == 0, undone.stderr
    said = undone.stdout
    assert said.index("will:") < said.index("merge    ~/work/demo/pyproject.toml (takes out only what the change") \
        < said.index("merged   ~/work/demo/pyproject.toml (kept your edits since)"), said
    assert "restore  ~/.config/pip/pip.conf" in said or "remove   ~/.config/pip/pip.conf" in said, said
    assert "remove   ~/.netrc (it did not exist before)" in said, said
    text = pyproject.read_text()
    assert PACKAGE in text and "[[tool.uv.index]]" not in text and private_index.simple_url not in text
    assert not (home.root / ".netrc").exists()
    changed = [line for line in difflib.ndiff(original.splitlines(), text.splitlines()) if line[:1] in "+-"]
    assert changed[0] == "- dependencies = []" and changed[1] == "+ dependencies = [", changed
    assert changed[-1] == "+ ]" and all(PACKAGE in line for line in changed[2:-1]), "nothing else differs"


def test_undo_refuses_where_the_same_lines_were_edited_since_and_names_them(home):
    setup_env(home)
    pyproject = home.project / "pyproject.toml"
    text = pyproject.read_text()
    assert 'name = "acme"' in text
    pyproject.write_text(text.replace('name = "acme"', 'name = "acme-renamed"'))
    line = pyproject.read_text().splitlines().index('name = "acme-renamed"') + 1
    before = home.files()

    refused = home.wizard("undo", "--yes")

    assert_refused(refused, "~/work/demo/pyproject.toml was edited on line", f"line {line} ", "nothing was changed")
    assert home.files() == before


def test_undo_of_a_file_still_as_the_change_left_it_restores_it_byte_for_byte_beside_a_merged_one(home):
    original = (home.project / "pyproject.toml").read_bytes()
    setup_env(home)
    dotenv = home.project / ".env"
    dotenv.write_text(dotenv.read_text() + "MY_OWN=1\n")

    undone = home.wizard("undo", "--yes")

    assert undone.returncode == 0, undone.stderr
    assert "restore  ~/work/demo/pyproject.toml (as it was before the change)" in undone.stdout
    assert "merge    ~/work/demo/.env" in undone.stdout
    assert (home.project / "pyproject.toml").read_bytes() == original
    assert dotenv.read_text() == "MY_OWN=1\n", "the change's variables out, the user's line kept"
