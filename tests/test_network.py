"""The one HTTP client configuration: proxies chosen by uv's rules, and errors that blame the part that failed."""

from __future__ import annotations

import pytest

from ar_wizard import network
from conftest import PACKAGE
from connect_proxy import ConnectProxy, dead_proxy_url


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({"ALL_PROXY": "http://p:1"}, "https://pypi.acme.example/simple/", ("ALL_PROXY", "p", 1)),
        ({"all_proxy": "p:2"}, "http://pypi.acme.example/simple/", ("all_proxy", "p", 2)),
        ({"ALL_PROXY": "http://a:1", "all_proxy": "http://b:2"}, "https://x/", ("ALL_PROXY", "a", 1)),
        ({"ALL_PROXY": "http://a:1", "HTTPS_PROXY": "http://s:3"}, "https://x/", ("HTTPS_PROXY", "s", 3)),
        ({"ALL_PROXY": "http://a:1", "HTTPS_PROXY": "http://s:3"}, "http://x/", ("ALL_PROXY", "a", 1)),
        ({"https_proxy": "http://s:3"}, "https://x/", ("https_proxy", "s", 3)),
        ({"HTTP_PROXY": "http://h:4"}, "http://x/", ("HTTP_PROXY", "h", 4)),
        ({"HTTP_PROXY": "http://h:4"}, "https://x/", None),
        ({"HTTP_PROXY": "http://h:4", "REQUEST_METHOD": "GET"}, "http://x/", None),
        ({"HTTPS_PROXY": "http://s:3", "ALL_PROXY": "http://a:1", "REQUEST_METHOD": "GET"}, "https://x/", None),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": "acme.example"}, "https://pypi.acme.example/", None),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": ".acme.example"}, "https://acme.example/", None),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": ".acme.example"}, "https://notacme.example/", ("HTTPS_PROXY", "s", 3)),
        ({"HTTPS_PROXY": "http://s:3", "no_proxy": "*"}, "https://anything.example/", None),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": "10.0.0.0/8, 127.0.0.1"}, "https://10.1.2.3:8443/", None),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": "10.0.0.0/8"}, "https://11.1.2.3/", ("HTTPS_PROXY", "s", 3)),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": "::1"}, "https://[::1]:8443/", None),
        ({"HTTPS_PROXY": "http://s:3", "NO_PROXY": "", "no_proxy": "*"}, "https://x/", ("HTTPS_PROXY", "s", 3)),
        ({"HTTPS_PROXY": "ftp://nope:3", "ALL_PROXY": "http://a:1"}, "https://x/", ("ALL_PROXY", "a", 1)),
    ],
)
def test_the_proxy_is_the_one_uv_would_use(env, url, expected):
    proxy = network.proxy_for(url, env)

    assert (proxy and (proxy.variable, proxy.host, proxy.port)) == expected


def test_a_proxy_login_is_sent_but_never_shown():
    proxy = network.proxy_for("https://x/", {"HTTPS_PROXY": "http://alice:s%40cret@proxy.corp:3128"})

    assert proxy is not None
    assert (proxy.username, proxy.password) == ("alice", "s@cret")
    assert "s@cret" not in proxy.named and "s%40cret" not in proxy.named
    assert proxy.named == "the proxy http://alice@proxy.corp:3128 (from HTTPS_PROXY)"


def test_a_socks_proxy_is_said_plainly_to_be_one_the_check_cannot_use(monkeypatch):
    import urllib.request

    monkeypatch.setenv("ALL_PROXY", "socks5h://127.0.0.1:1080")
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(network.NetworkError) as raised:
        network.open_url(urllib.request.Request("https://pypi.acme.example/simple/"), timeout=1)

    assert raised.value.message.startswith("The proxy socks5h://127.0.0.1:1080 (from ALL_PROXY) is a SOCKS proxy")


def _get(url: str) -> int:
    import urllib.request

    with network.open_url(urllib.request.Request(url), timeout=5) as response:
        return response.status


def test_a_request_goes_through_the_proxy_named_only_in_all_proxy(private_index, monkeypatch):
    for name in network.VARIABLES[:8]:
        monkeypatch.delenv(name, raising=False)
    with ConnectProxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)

        status = _get(private_index.simple_url)

        assert status == 401
        assert proxy.carried == [f"127.0.0.1:{private_index.simple_url.split(':')[2].split('/')[0]}"]


def test_a_dead_proxy_is_blamed_by_name_and_variable_not_the_registry(private_index, monkeypatch):
    for name in network.VARIABLES[:8]:
        monkeypatch.delenv(name, raising=False)
    dead = dead_proxy_url()
    monkeypatch.setenv("all_proxy", dead)

    with pytest.raises(network.NetworkError) as raised:
        _get(private_index.simple_url)

    assert raised.value.message.startswith(f"The proxy {dead} (from all_proxy) refused the connection")
    assert "127.0.0.1 itself was not reached" in raised.value.message


def test_a_proxy_that_wants_a_login_is_sent_the_one_in_its_url(private_index, monkeypatch):
    for name in network.VARIABLES[:8]:
        monkeypatch.delenv(name, raising=False)
    with ConnectProxy(login=("alice", "proxy-pw")) as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url.replace("http://", "http://alice:proxy-pw@"))
        assert _get(private_index.simple_url) == 401
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        assert _get(private_index.simple_url) == 407


def test_no_proxy_sends_loopback_direct_past_a_dead_proxy(private_index, monkeypatch):
    for name in network.VARIABLES[:8]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALL_PROXY", dead_proxy_url())
    monkeypatch.setenv("NO_PROXY", "127.0.0.0/8")

    assert _get(private_index.simple_url) == 401


@pytest.mark.integration
def test_setup_and_uv_work_through_a_proxy_named_only_in_all_proxy(home, private_index, account):
    user, password = account
    with ConnectProxy() as proxy:
        home.env["ALL_PROXY"] = proxy.url

        result = home.wizard("setup", "--provider", "generic", "--index", "acme", "--url", private_index.simple_url,
                             "--auth", "token", "--username", user, "--password-stdin", "--store", "netrc",
                             "--targets", "uv,pip", "--yes", input=password + "\n")

        assert result.returncode == 0, result.stderr
        assert "accepted the credentials" in result.stderr
        carried_by_setup = len(proxy.carried)
        assert carried_by_setup >= 2  # the wizard's own check and the real uv's
        added = home.uv("add", PACKAGE)
        assert added.returncode == 0, added.stderr
        assert len(proxy.carried) > carried_by_setup


@pytest.mark.integration
def test_setup_with_a_dead_proxy_blames_the_proxy_and_writes_nothing(home, private_index, account):
    user, password = account
    dead = dead_proxy_url()
    home.env["ALL_PROXY"] = dead
    before = home.files()

    result = home.wizard("setup", "--provider", "generic", "--index", "acme", "--url", private_index.simple_url,
                         "--auth", "token", "--username", user, "--password-stdin", "--store", "uv", "--yes",
                         input=password + "\n")

    assert result.returncode == 1
    assert f"The proxy {dead} (from ALL_PROXY) refused the connection" in result.stderr
    assert "Nothing is listening at 127.0.0.1" not in result.stderr
    assert home.files() == before


@pytest.mark.parametrize(("version", "setting"), [
    ((0, 13, 10), "UV_SYSTEM_CERTS=true (or --system-certs"),
    ((0, 10, 0), "UV_SYSTEM_CERTS=true (or --system-certs"),
    ((0, 9, 30), "UV_NATIVE_TLS=true (or --native-tls; this uv has no --system-certs"),
    (None, "UV_NATIVE_TLS=true"),
])
def test_uv_is_told_to_trust_the_system_store_the_way_its_version_understands(version, setting):
    from ar_wizard.tls_trust import uv_system_store_setting

    assert uv_system_store_setting(version).startswith(setting)


def test_pip_reads_ssl_cert_file_only_from_24_2_on_linux():
    from ar_wizard.tls_trust import pip_trusts_ssl_cert_file

    assert pip_trusts_ssl_cert_file((24, 2), platform="linux")
    assert not pip_trusts_ssl_cert_file((24, 1, 2), platform="linux")
    assert not pip_trusts_ssl_cert_file((26, 3), platform="darwin")
    assert not pip_trusts_ssl_cert_file(None, platform="linux")


def test_a_proxy_that_wants_a_login_it_was_not_given_is_named_in_the_verdict(private_index, monkeypatch):
    from ar_wizard.validate import check_index

    for name in network.VARIABLES[:8]:
        monkeypatch.delenv(name, raising=False)
    with ConnectProxy(login=("alice", "proxy-pw")) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)

        verdict = check_index(private_index.simple_url, "u", None, explain=str)

    assert not verdict.ok
    assert verdict.message == (f"The proxy {proxy.url} (from HTTP_PROXY) asks for a login (HTTP 407): put "
                               "user:password@ in HTTP_PROXY's URL.")
