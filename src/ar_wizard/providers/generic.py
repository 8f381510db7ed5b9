"""Any PEP 503 index that takes HTTP basic auth: JFrog, Nexus, GitLab, pypiserver, devpi."""

from __future__ import annotations

from ..urls import upload_url_for
from .base import FieldSpec, IndexUrls, Provider, check_index_url
from .presets import PRESETS, recognise


class Generic(Provider):
    key = "generic"
    title = "Any PEP 503 index"
    blurb = "JFrog, Nexus, GitLab, pypiserver, devpi: any index URL that takes a username and token."
    fields = (
        FieldSpec("url", "Index URL", "https://pypi.example.com/simple/", "The PEP 503 'simple' URL uv installs from."),
        FieldSpec(
            "publish_url",
            "Upload URL",
            "(the index URL without simple/ or +simple/)",
            "Where `uv publish` and twine upload; leave empty for the usual place.",
            optional=True,
        ),
    )

    def check_field(self, name: str, value: str) -> tuple[str, ...]:
        if name == "url":
            return check_index_url(value) + preset_notes(value)
        if name == "publish_url" and value:
            return check_index_url(value, flag="the upload URL")
        return ()

    def urls(self, fields: dict[str, str]) -> IndexUrls:
        simple = fields.get("url", "").strip()
        warnings = check_index_url(simple) + preset_notes(simple)
        upload = fields.get("publish_url", "").strip() or upload_url_for(simple)
        if fields.get("publish_url"):
            check_index_url(upload, flag="--publish-url")
        return IndexUrls(simple=simple, upload=upload, warnings=warnings)

    def parse(self, url: str) -> dict[str, str] | None:
        return {"url": url}


def preset_notes(url: str) -> tuple[str, ...]:
    """What a user of a recognised server (JFrog, GitLab, Nexus) needs to know."""
    found = recognise(url)
    return PRESETS[found[0]].notes if found else ()

