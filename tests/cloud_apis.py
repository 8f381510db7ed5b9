"""The cloud control planes ar-wizard lists from, on 127.0.0.1 (the one kind of fake allowed:
what cannot run here), honouring the real APIs' paths, paging, bodies and error shapes.

- Artifact Registry v1: ``projects/P/locations`` and ``…/locations/L/repositories`` (paged with
  ``pageToken``/``nextPageToken``), ``…/repositories/R:testIamPermissions``; errors as
  ``{"error": {"code", "message", "status", "details": [ErrorInfo]}}``, SERVICE_DISABLED included.
- Cloud Resource Manager v1: ``projects`` (paged).
- Azure DevOps: ``ORG/_apis/projects`` and ``ORG[/PROJECT]/_apis/packaging/feeds``, a refused PAT
  answered with a 203 and the sign-in page, as Azure DevOps does.
Bearer tokens are checked against the tokens the local OAuth endpoint issued, so a test
proves the wizard sent the token it minted.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

if TYPE_CHECKING:
    from gcp_fixtures import TokenServer

PAGE = 2  # small, so every listing of more than two items pages


@dataclass
class CloudApis:
    token_server: TokenServer
    #: project → location → [(repository, format)]
    repositories: dict = field(default_factory=dict)
    #: projects whose Artifact Registry API is disabled
    disabled: set = field(default_factory=set)
    list_projects_denied: bool = False
    #: (email, repository) → granted permissions
    grants: dict = field(default_factory=dict)
    #: Azure: organization → {"": [org feeds], project: [project feeds]}
    feeds: dict = field(default_factory=dict)
    pat: str = "azure-pat-123"
    seen_tokens: list = field(default_factory=list)

    def start(self) -> CloudApis:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def identity(self, token: str) -> str | None:
        return next((email for email, issued in self.token_server.issued if issued == token), None)


def _google_error(code: int, status: str, message: str, reason: str = "", service: str = "") -> dict:
    error = {"code": code, "message": message, "status": status}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                             "domain": "googleapis.com", "metadata": {"service": service, "consumer": "projects/1"}}]
    return {"error": error}


def _paged(items: list, key: str, query: dict) -> dict:
    start = int(query.get("pageToken", ["0"])[0] or 0)
    size = min(PAGE, int(query.get("pageSize", [PAGE])[0]))
    answer: dict[str, object] = {key: items[start:start + size]}
    if start + size < len(items):
        answer["nextPageToken"] = str(start + size)
    return answer


def _handler(apis: CloudApis):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self._route("GET")

        def do_POST(self):  # noqa: N802
            self._route("POST")

        def _send(self, status: int, body, content_type: str = "application/json"):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            segments = [s for s in parts.path.split("/") if s]
            if segments[:1] == ["v1"]:
                return self._google(method, segments[1:], query)
            return self._azure(segments)

        def _google(self, method, path, query):
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
            email = apis.identity(token)
            if email is None:
                return self._send(401, _google_error(401, "UNAUTHENTICATED",
                                                     "Request had invalid authentication credentials."))
            apis.seen_tokens.append(token)
            if path == ["projects"]:
                if apis.list_projects_denied:
                    return self._send(403, _google_error(403, "PERMISSION_DENIED",
                                                         "The caller does not have permission"))
                items = [{"projectId": p, "lifecycleState": "ACTIVE", "name": p} for p in sorted(apis.repositories)]
                return self._send(200, _paged(items, "projects", query))
            project = path[1] if len(path) > 1 else ""
            if project in apis.disabled:
                return self._send(403, _google_error(
                    403, "PERMISSION_DENIED", f"Artifact Registry API has not been used in project {project} before "
                    "or it is disabled.", "SERVICE_DISABLED", "artifactregistry.googleapis.com"))
            if project not in apis.repositories:
                return self._send(404, _google_error(404, "NOT_FOUND", f"Project {project} not found."))
            places = apis.repositories[project]
            if len(path) == 3 and path[2] == "locations":
                items = [{"name": f"projects/{project}/locations/{loc}", "locationId": loc} for loc in places]
                return self._send(200, _paged(items, "locations", query))
            if len(path) == 5 and path[4] == "repositories" and method == "GET":
                items = [{"name": f"projects/{project}/locations/{path[3]}/repositories/{name}", "format": fmt,
                          "mode": "STANDARD_REPOSITORY", "description": f"{name} ({fmt.lower()})"}
                         for name, fmt in places.get(path[3], [])]
                return self._send(200, _paged(items, "repositories", query))
            if len(path) == 6 and method == "POST" and path[5].endswith(":testIamPermissions"):
                repo = path[5].removesuffix(":testIamPermissions")
                length = int(self.headers.get("Content-Length", 0))
                asked = json.loads(self.rfile.read(length)).get("permissions", [])
                granted = apis.grants.get((email, repo), set())
                return self._send(200, {"permissions": [p for p in asked if p in granted]} if granted & set(asked)
                                  else {})
            return self._send(404, _google_error(404, "NOT_FOUND", "Requested entity was not found."))

        def _azure(self, segments):
            auth = self.headers.get("Authorization", "")
            try:
                pat = base64.b64decode(auth.removeprefix("Basic ")).decode().split(":", 1)[1]
            except (ValueError, IndexError):
                pat = ""
            if pat != apis.pat:
                return self._send(203, "<html><title>Azure DevOps Services | Sign In</title></html>", "text/html")
            org = segments[0] if segments else ""
            if org not in apis.feeds:
                return self._send(404, {"message": f"VS800075: The project with id 'vstfs:///{org}' does not exist."})
            if segments[1:] == ["_apis", "projects"]:
                names = [p for p in apis.feeds[org] if p]
                return self._send(200, {"count": len(names), "value": [{"name": n} for n in names]})
            scope = segments[1] if segments[2:4] == ["_apis", "packaging"] else ""
            feeds = apis.feeds[org].get(scope, [])
            value = [{"id": f"id-{name}", "name": name, "project": {"name": scope} if scope else None}
                     for name in feeds]
            return self._send(200, {"count": len(value), "value": value})

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass

    return Handler


@pytest.fixture
def cloud_apis(token_server):
    apis = CloudApis(token_server).start()
    yield apis
    apis.stop()
