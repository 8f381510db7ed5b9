"""What already exists on this machine: indexes in every config file, and the tools."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import UserError


@dataclass(frozen=True)
class FoundIndex:
    name: str
    url: str
    source: Path
    tool: str  # "uv", "pip" or "twine"


@dataclass
class Findings:
    indexes: list[FoundIndex] = field(default_factory=list)
    tools: dict[str, str | None] = field(default_factory=dict)
    gcloud_adc: Path | None = None
    problems: list[str] = field(default_factory=list)  # files that could not be read

    def index_names(self, tool: str = "uv") -> list[str]:
        return [i.name for i in self.indexes if i.tool == tool]


def discover(project_dir: Path) -> Findings:
    from .targets import pip_conf, pypirc, text, uv_config

    found = Findings()

    def read(path: Path) -> str | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as err:
            found.problems.append(f"{path} cannot be read: {err.strerror}.")
            return None
        try:
            return text.decode(data, path)[0]
        except UserError as err:
            found.problems.append(str(err))
            return None

    uv_files = [paths.project_uv_config(project_dir), paths.user_uv_toml()]
    for path in uv_files:
        content = read(path)
        if content is None:
            continue
        try:
            entries = uv_config.read_indexes(content, path=path, in_pyproject=path.name == "pyproject.toml")
        except UserError as err:
            found.problems.append(str(err))
            continue
        found.indexes += [FoundIndex(e.get("name", "?"), e.get("url", ""), path, "uv") for e in entries]

    for path in (paths.pip_conf(), paths.legacy_pip_conf()):
        content = read(path)
        if content is None:
            continue
        try:
            urls = pip_conf.extra_index_urls(content, path=path)
        except UserError as err:
            found.problems.append(str(err))
            continue
        found.indexes += [FoundIndex(_host(u), u, path, "pip") for u in urls]

    content = read(paths.pypirc())
    if content is not None:
        try:
            repos = pypirc.repositories(content, path=paths.pypirc())
        except UserError as err:
            found.problems.append(str(err))
        else:
            found.indexes += [
                FoundIndex(name, r.get("repository", ""), paths.pypirc(), "twine") for name, r in repos.items()
            ]

    found.tools = {tool: shutil.which(tool) for tool in ("uv", "keyring", "gcloud", "aws", "az")}
    adc = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    default_adc = paths.config_home() / "gcloud" / "application_default_credentials.json"
    for candidate in (Path(adc) if adc else None, default_adc):
        if candidate is not None and candidate.is_file():
            found.gcloud_adc = candidate
            break
    return found


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url
