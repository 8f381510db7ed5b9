"""The release steps: the version from the tag, the notes from CHANGELOG, the distributions checked."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import release  # noqa: E402


@pytest.fixture
def checkout(tmp_path) -> Path:
    for name in ("pyproject.toml", "CHANGELOG.md", "src/ar_wizard/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_tags_version_is_written_to_both_places_the_package_declares_it(checkout):
    release.set_version("2.3.4rc1", checkout)
    assert 'version = "2.3.4rc1"' in (checkout / "pyproject.toml").read_text()
    assert '__version__ = "2.3.4rc1"' in (checkout / "src/ar_wizard/__init__.py").read_text()


def test_a_tag_that_is_not_a_version_is_refused_and_nothing_changes(checkout):
    before = (checkout / "pyproject.toml").read_bytes()
    with pytest.raises(SystemExit, match="not a release version"):
        release.set_version("latest", checkout)
    assert (checkout / "pyproject.toml").read_bytes() == before


def test_the_release_notes_are_the_unreleased_section_of_the_changelog(checkout):
    notes = release.notes(checkout)
    assert notes.startswith("### ") and "## Unreleased" not in notes and "## 0.1.0" not in notes


def test_an_empty_unreleased_section_stops_the_release(checkout):
    (checkout / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n## 0.1.0\n- first\n")
    with pytest.raises(SystemExit, match="empty"):
        release.notes(checkout)


@pytest.mark.integration
def test_the_built_distributions_pass_the_release_checks_and_a_wheel_with_strays_does_not(tmp_path):
    built = subprocess.run([shutil.which("uv") or "uv", "build", "--out-dir", tmp_path / "dist", ROOT],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert release.check(tmp_path / "dist") == []
    dists = [*(tmp_path / "dist").glob("*.whl"), *(tmp_path / "dist").glob("*.tar.gz")]
    twine = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *dists],
                           capture_output=True, text=True)
    assert twine.returncode == 0, twine.stdout + twine.stderr

    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel, "a") as z:
        z.writestr("tests/conftest.py", "")
    assert any("carries tests" in p for p in release.check(tmp_path / "dist"))
