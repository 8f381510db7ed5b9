"""The transaction: all or nothing, backed up, undoable, on real files in a temp home."""

from __future__ import annotations

import os
import signal

import pytest

from ar_wizard import apply as transaction
from ar_wizard import fileio
from ar_wizard.errors import ApplyFailed, UserError
from ar_wizard.model import FileChange, Secret, SecretWrite


def change(path, after: bytes, **kw) -> FileChange:
    before = path.read_bytes() if path.exists() else None
    return FileChange(path=path, before=before, after=after, **kw)


@pytest.fixture
def files(home):
    # Files ar-wizard manages: undo refuses a backup that names any other file.
    a = home.root / "pyproject.toml"
    b = home.root / ".config" / "pip" / "pip.conf"
    b.parent.mkdir(parents=True)
    a.write_bytes(b"a = 1\r\n")
    b.write_bytes(b"[b]\n")
    os.chmod(b, 0o640)
    return a, b, home.root / "new" / ".env"


def test_every_file_is_written_with_its_mode_kept_and_new_secret_files_private(files):
    a, b, c = files
    result = transaction.run_transaction(
        [change(a, b"a = 2\r\n"), change(b, b"[b]\nx = 1\n"), change(c, b"S=1\n", holds_secret=True)], [], label="t"
    )
    assert (a.read_bytes(), b.read_bytes(), c.read_bytes()) == (b"a = 2\r\n", b"[b]\nx = 1\n", b"S=1\n")
    assert b.stat().st_mode & 0o777 == 0o640
    assert c.stat().st_mode & 0o777 == 0o600
    assert result.backup_id and result.written == [a, b, c]
    assert not list(a.parent.glob(".*.ar-wizard")), "no temp file is left behind"


def test_a_symlinked_config_is_written_through_and_stays_a_link(home):
    real = home.root / "dotfiles" / "uv.toml"
    real.parent.mkdir()
    real.write_bytes(b"# mine\n")
    link = home.root / "uv.toml"
    link.symlink_to(real)

    transaction.run_transaction([change(link, b"# mine\n[[index]]\n")], [], label="t")

    assert link.is_symlink()
    assert real.read_bytes() == b"# mine\n[[index]]\n"


def test_files_whose_bytes_would_not_change_are_not_touched(files):
    a, _, _ = files
    mtime = a.stat().st_mtime_ns
    result = transaction.run_transaction([change(a, a.read_bytes())], [], label="t")
    assert result.backup_id is None and result.unchanged == [a]
    assert a.stat().st_mtime_ns == mtime


def test_a_file_changed_since_the_preview_is_not_clobbered(files):
    a, b, _ = files
    planned = [change(a, b"a = 2\n"), change(b, b"[b]\nx = 1\n")]
    b.write_bytes(b"[b]\nsomeone = 'else'\n")

    with pytest.raises(ApplyFailed, match="pip.conf changed since the preview") as err:
        transaction.run_transaction(planned, [], label="t")

    assert err.value.exit_code == 3
    assert a.read_bytes() == b"a = 1\r\n"
    assert b.read_bytes() == b"[b]\nsomeone = 'else'\n"
    assert transaction.list_backups() == []


def test_a_failure_in_the_third_file_puts_the_first_two_back(files, monkeypatch):
    a, b, c = files
    b_before = b.read_bytes()
    calls = []
    real_install = fileio.install

    def failing_install(tmp, target):
        calls.append(target)
        if target.name == ".env":
            raise OSError(28, "No space left on device", str(target))
        real_install(tmp, target)

    monkeypatch.setattr(fileio, "install", failing_install)
    with pytest.raises(ApplyFailed, match=".env could not be written \\(No space left on device\\), so everything already written was put back"):
        transaction.run_transaction(
            [change(a, b"a = 2\n"), change(b, b"changed\n"), change(c, b"S=1\n", holds_secret=True)], [], label="t"
        )

    assert a.read_bytes() == b"a = 1\r\n"
    assert b.read_bytes() == b_before and b.stat().st_mode & 0o777 == 0o640
    assert not c.exists()
    assert not list(c.parent.iterdir())
    assert transaction.list_backups() == []


def test_a_failing_secret_write_puts_the_files_back(files):
    a, _, _ = files
    bad = SecretWrite("uv", "not a url", "me", Secret("tok-123456"))
    with pytest.raises(ApplyFailed, match="uv auth login"):
        transaction.run_transaction([change(a, b"a = 2\n")], [bad], label="t")
    assert a.read_bytes() == b"a = 1\r\n"


def test_undo_restores_contents_modes_and_removes_created_files(files):
    a, b, c = files
    os.chmod(a, 0o604)
    originals = {a: a.read_bytes(), b: b.read_bytes()}
    done = transaction.run_transaction(
        [change(a, b"a = 2\n", holds_secret=True), change(b, b"x\n"), change(c, b"S=1\n")], [], label="t"
    )

    transaction.undo()

    assert {p: p.read_bytes() for p in originals} == originals
    assert a.stat().st_mode & 0o777 == 0o604
    assert not c.exists()
    assert transaction.list_backups()[-1].undone_by is not None
    assert any(info.id == done.backup_id for info in transaction.list_backups())


def test_undo_refuses_to_overwrite_a_file_edited_after_the_change(files):
    a, _, _ = files
    transaction.run_transaction([change(a, b"a = 2\n")], [], label="t")
    a.write_bytes(b"a = 3  # edited by hand\n")
    with pytest.raises(UserError, match="was edited on line 1 since backup"):
        transaction.undo()
    assert a.read_bytes() == b"a = 3  # edited by hand\n"


def test_ctrl_c_during_apply_waits_until_the_transaction_is_whole(files, monkeypatch):
    a, b, c = files
    real_install = fileio.install

    def interrupted_install(tmp, target):
        if target.name == "pip.conf":
            os.kill(os.getpid(), signal.SIGINT)
        real_install(tmp, target)

    monkeypatch.setattr(fileio, "install", interrupted_install)
    with pytest.raises(KeyboardInterrupt):
        transaction.run_transaction([change(a, b"1\n"), change(b, b"2\n"), change(c, b"3\n")], [], label="t")

    assert (a.read_bytes(), b.read_bytes(), c.read_bytes()) == (b"1\n", b"2\n", b"3\n")
    assert transaction.list_backups()[0].files == [str(a), str(b), str(c)]
