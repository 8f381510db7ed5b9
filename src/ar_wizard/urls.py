"""Index URLs spelled with and without credentials, and where a server takes uploads.

Below every layer: it imports nothing of ar_wizard, so providers, discovery, planning,
rotation and validation all use the one spelling without importing each other.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit, urlunsplit


def with_userinfo(url: str, username: str, password: str | None = None) -> str:
    """``url`` with ``username[:password]@`` in front of the host, percent-encoded."""
    parts = urlsplit(url)
    userinfo = quote(username, safe="")
    if password is not None:
        userinfo += ":" + quote(password, safe="")
    netloc = f"{userinfo}@{parts.netloc.rsplit('@', 1)[-1]}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, parts.query, parts.fragment))


def upload_url_for(simple_url: str) -> str:
    """Most servers take uploads at the index URL without ``simple/``; devpi at ``/USER/INDEX/``
    for the index ``/USER/INDEX/+simple/``."""
    parts = urlsplit(simple_url)
    path = parts.path
    stripped = path.rstrip("/")
    for last in ("+simple", "simple"):
        if stripped.endswith("/" + last):
            path = stripped[: -len(last)]
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


#: Indexes that serve every page and file to anyone: PyPI and the public mirrors people name in projects.
#: Credentials are never needed for them, so they are shown as public, never as missing credentials.
PUBLIC_INDEX_HOSTS = frozenset({
    "pypi.org", "test.pypi.org", "pypi.python.org", "files.pythonhosted.org",
    "mirrors.aliyun.com", "pypi.tuna.tsinghua.edu.cn", "mirrors.tuna.tsinghua.edu.cn", "pypi.doubanio.com",
    "mirrors.cloud.tencent.com", "mirror.baidu.com", "pypi.mirrors.ustc.edu.cn", "mirrors.ustc.edu.cn",
    "repo.huaweicloud.com", "mirrors.huaweicloud.com", "download.pytorch.org",
})


def is_public_index(url: str) -> bool:
    """PyPI or a known public mirror (by host): an index that needs no credentials from anyone."""
    return (urlsplit(url).hostname or "").lower() in PUBLIC_INDEX_HOSTS
