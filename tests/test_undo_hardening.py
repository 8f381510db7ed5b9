"""`undo` trusts neither its argument nor the manifest, walks back through history, and purges."""

from __future__ import annotations

import json
import shutil

import pytest

from ar_wizard import apply as transaction
from ar_wizard import backups, journal, paths
from ar_wizard.fileio import write_atomically
from ar_wizard.model import Secret, SecretWrite

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
    (lambda m, victim: m["files"][0].update(path=str(victim), shown=str(victim)), "not a file ar-wizard writes"),
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
