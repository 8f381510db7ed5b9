"""Serve the real pypicloud from a paste ini file with waitress: ``python pypicloud_serve.py INI PORT``.

Run by ``index_servers.PypicloudServer`` in a process of its own. pypicloud's views are wrapped by
pyramid_duh 0.1.2 (its last release, 2014), which calls ``inspect.getargspec``; Python 3.11 removed it,
so it is put back here with Python 3.10's meaning before pypicloud is imported. Nothing else changes.
"""

from __future__ import annotations

import inspect
import sys
from collections import namedtuple

ArgSpec = namedtuple("ArgSpec", "args varargs keywords defaults")


def getargspec(func):
    spec = inspect.getfullargspec(func)
    return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


def main(ini: str, port: int) -> None:
    if not hasattr(inspect, "getargspec"):
        inspect.getargspec = getargspec  # type: ignore[attr-defined]
    import waitress
    from pyramid.paster import get_app

    waitress.serve(get_app(ini), host="127.0.0.1", port=port, threads=8, _quiet=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
