"""The live check against real servers on 127.0.0.1: each failure in one plain sentence."""

from __future__ import annotations

import http.server
import socket
import ssl
import subprocess
import threading

from ar_wizard.model import Draft, Secret
from ar_wizard.network import describe
from ar_wizard.providers.base import explain_status
from ar_wizard.validate import check_index, validate_draft


def explain(url):
    return lambda status: explain_status(status, url=url, username="me")


def check(url, username="me", secret="x", timeout=5.0):
    return check_index(url, username, Secret(secret), explain=explain(url), timeout=timeout)


def serve(handler_body, *, tls_context=None):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            handler_body(self)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls_context:
        server.socket = tls_context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_right_credentials_are_accepted(private_index, account):
    user, password = account
    verdict = check(private_index.simple_url, user, password)
    assert verdict.ok and verdict.status == 200 and verdict.seconds > 0


def test_wrong_credentials_say_the_registry_rejected_them(private_index, account):
    user, _ = account
    verdict = check(private_index.simple_url, user, "wrong")
    assert not verdict.ok and verdict.status == 401
    assert "rejected the credentials" in verdict.message


def test_a_wrong_path_says_nothing_was_found(private_index, account):
    user, password = account
    verdict = check(private_index.base_url + "/nope/simple/", user, password)
    assert verdict.status == 404 and "Nothing was found" in verdict.message


def test_a_server_that_never_answers_times_out_in_plain_words():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        verdict = check(f"http://127.0.0.1:{listener.getsockname()[1]}/simple/", timeout=0.5)
    finally:
        listener.close()
    assert not verdict.ok and "did not answer within" in verdict.message


def test_a_closed_port_says_nothing_is_listening():
    # Bound but not listening: the port refuses connections, and no other process can take it meanwhile.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        verdict = check(f"http://127.0.0.1:{sock.getsockname()[1]}/simple/")
    finally:
        sock.close()
    assert "Nothing is listening" in verdict.message


def test_an_unknown_host_is_explained_as_dns():
    message = describe(socket.gaierror(-2, "Name or service not known"), "https://pkgs.example/simple/", 5)
    assert "could not be found (DNS)" in message


def test_an_untrusted_certificate_explains_ssl_cert_file(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def ok(h):
        h.send_response(200)
        h.end_headers()

    server = serve(ok, tls_context=context)
    try:
        verdict = check(f"https://127.0.0.1:{server.server_address[1]}/simple/")
    finally:
        server.shutdown()
    assert "TLS certificate is not trusted" in verdict.message and "SSL_CERT_FILE" in verdict.message


def test_a_redirect_to_another_host_is_called_a_sign_in_page_and_gets_no_password():
    seen = {}

    def login(h):
        seen["authorization"] = h.headers.get("Authorization")
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        h.wfile.write(b"<html><form>Sign in</form></html>")

    target = serve(login)

    def redirect(h):
        h.send_response(302)
        h.send_header("Location", f"http://localhost:{target.server_address[1]}/login")
        h.end_headers()

    origin = serve(redirect)
    try:
        verdict = check(f"http://127.0.0.1:{origin.server_address[1]}/simple/")
    finally:
        origin.shutdown()
        target.shutdown()
    assert not verdict.ok and "sign-in page" in verdict.message
    assert seen.get("authorization") is None  # the redirect is read, not followed


def test_an_answer_that_is_not_an_index_is_flagged():
    def json_api(h):
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(b"{}")

    server = serve(json_api)
    try:
        verdict = check(f"http://127.0.0.1:{server.server_address[1]}/simple/")
    finally:
        server.shutdown()
    assert not verdict.ok and "not with a package index" in verdict.message


def test_validating_a_draft_uses_its_url_username_and_secret(private_index, account):
    user, password = account
    draft = Draft(fields={"url": private_index.simple_url}, index_name="acme", username=user, secret=Secret(password))
    assert validate_draft(draft).ok


def test_an_empty_keyring_answer_shows_the_plugins_own_words_and_the_clouds_sign_in():
    from ar_wizard import providers
    from ar_wizard.validate import _keyring_said_nothing

    message = _keyring_said_nothing(
        "https://us-python.pkg.dev/p/r/simple/", "oauth2accesstoken",
        "google.auth.exceptions.DefaultCredentialsError: Your default credentials were not found.",
        providers.get("gcp"),
    )

    assert "DefaultCredentialsError: Your default credentials were not found" in message
    assert "gcloud auth application-default login" in message
    assert "keyring set" not in message


def test_an_empty_keyring_without_a_plugin_says_to_store_the_password(keyring_home, private_index, account):
    user, _ = account
    draft = Draft(fields={"url": private_index.simple_url}, index_name="acme", username=user, auth="keyring")

    verdict = validate_draft(draft)

    assert not verdict.ok and "returned nothing" in verdict.message and "keyring set" in verdict.message


def test_a_pep_691_json_only_index_is_an_index(json_only_index):
    json_only_index.set_password("json-user", "json-pw")

    verdict = check(json_only_index.simple_url, "json-user", "json-pw")

    assert verdict.ok and verdict.projects == ("acme-secret",)


def test_a_sign_in_page_behind_a_redirect_is_a_rejection_never_an_index(sign_in_redirect_index):
    sign_in_redirect_index.set_password("signer", "signer-pw")

    verdict = check(sign_in_redirect_index.simple_url, "signer", "wrong")

    assert not verdict.ok and "/+login, a sign-in page" in verdict.message


def test_uv_s_verdict_wins_over_the_probe(private_index, account):
    from ar_wizard.validate import Verdict, confirm_with_uv

    user, _ = account
    # The probe said yes to a project the index does not have: uv's no is the answer.
    probe = Verdict(True, "probe said ok.", private_index.simple_url, 200, projects=("no-such-project",))

    verdict = confirm_with_uv(probe, private_index.simple_url, user, Secret("wrong"), keyring=False)

    assert not verdict.ok and verdict.message.startswith("uv could not resolve no-such-project")
    assert "wrong" not in verdict.message


def test_a_certificate_python_trusts_but_uv_refuses_is_refused_with_uvs_own_words(tmp_path, monkeypatch):
    from wsgiref.simple_server import make_server

    from index_servers import JsonOnlyIndex
    from private_index import _QuietHandler, _ThreadingWSGIServer

    # `openssl req -x509` marks the certificate as a CA: Python's TLS accepts it as the server's own,
    # uv's (webpki) refuses a CA used as an end entity.
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    index = JsonOnlyIndex(tmp_path / "index")
    index.add_package("acme-secret")
    index.set_password("tls-user", "tls-pw")
    server = make_server("127.0.0.1", 0, index.app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # both Python and uv trust it as a root
    url = f"https://127.0.0.1:{server.server_address[1]}/simple/"
    try:
        probe = check(url, "tls-user", "tls-pw")
        verdict = validate_draft(Draft(fields={"url": url}, index_name="acme", username="tls-user",
                                       secret=Secret("tls-pw")))
    finally:
        server.shutdown()

    assert probe.ok  # Python alone would have said yes
    assert not verdict.ok and verdict.message.startswith("uv could not resolve acme-secret")
    assert "CaUsedAsEndEntity" in verdict.message


def test_asked_without_a_credential_a_public_index_needs_none(devpi_server):
    verdict = check_index(devpi_server.simple_url, "", None, explain=explain(devpi_server.simple_url))

    assert verdict.ok and "needs no credentials" in verdict.message
