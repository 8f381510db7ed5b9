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


def ipv4_problem(host: str) -> str | None:
    """Why ``host`` is no IPv4 address although uv must read it as one; None when it is fine.

    uv parses URLs by the WHATWG rules (the ``url`` crate): a host whose last label is a
    number (``1.2.3.999``, ``pkg.1``, ``0x10``) is read as an IPv4 address, in any of its
    forms (``127.1``, ``0x7f.0.0.1``), and one that is not a valid address makes every
    uv command fail. pip reads such a host the same way when it resolves it.
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels = labels[:-1]
    last = labels[-1]
    if not (last.isascii() and last.isdigit()) and _ipv4_number(last) is None:
        return None  # a domain name
    if len(labels) > 4:
        return "it has more than four parts"
    numbers = [_ipv4_number(label) for label in labels]
    bad = next((label for label, n in zip(labels, numbers) if n is None), None)
    if bad is not None:
        return f"{bad!r} is not a number" if bad else "it has an empty part"
    over = next((label for label, n in zip(labels[:-1], numbers[:-1]) if n is not None and n > 255), None)
    if over is not None:
        return f"{over} is over 255"
    if numbers[-1] is not None and numbers[-1] >= 256 ** (5 - len(numbers)):
        return f"{labels[-1]} is too large for its place"
    return None


def _ipv4_number(text: str) -> int | None:
    """One part of a WHATWG IPv4 host: decimal, ``0x`` hex or ``0`` octal; None when it is not one."""
    if not text or not text.isascii():
        return None
    radix = 10
    if text[:2] in ("0x", "0X"):
        text, radix = text[2:], 16
    elif len(text) > 1 and text[0] == "0":
        text, radix = text[1:], 8
    if not text:
        return 0
    try:
        return int(text, radix) if text.isalnum() else None
    except ValueError:
        return None
