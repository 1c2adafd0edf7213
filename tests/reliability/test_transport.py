"""Credentials never travel in clear: a tenant URL with plain http:// to anything but this machine is refused
when the settings are resolved, before a single byte is sent; loopback stays allowed for the sandbox, and a
sandbox on the team's network is reached only with an explicit opt-out."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from mktctl.errors import SettingsError
from mktctl.tenant.settings import resolve
from tests.reliability.support import base_env, record_figures, run

CREDENTIALS = {"MKTCTL_APP_ID": "FSAID_1", "MKTCTL_APP_SECRET": "s3cret-app-secret",
               "MKTCTL_PERMANENT_CODE": "PERM-CODE-0001", "MKTCTL_OPEN_USER_ID": "FSUID_1"}
PROFILE = ("tenants:\n  prod:\n    url: {url}\n    app_id: FSAID_1\n    app_secret: ${{env:S}}\n"
           "    permanent_code: ${{env:P}}\n    open_user_id: FSUID_1\n{extra}")
PROFILE_ENV = {"S": "s3cret-app-secret", "P": "PERM-CODE-0001"}

REFUSED = [
    "http://open.fxiaoke.com",
    "http://open.fxiaoke.com:80/",
    "HTTP://open.fxiaoke.com",
    "http://10.0.0.5:8765",
    "http://192.168.1.20:8765",
    "http://0.0.0.0:8765",  # "this host" on Linux, but not a loopback address: refused, not guessed
    "http://[fe80::1]:8765",
    "http://127.0.0.1.nip.io:8765",  # a name that resolves to loopback today is not trusted
    "http://localhost.evil.example",
    "http://2130706433",  # 127.0.0.1 as one number: only the plain spellings count
    "http://my-sandbox.local:8765",
]
ALLOWED = [
    "https://open.fxiaoke.com",
    "https://open.fxiaoke.com/",
    "http://127.0.0.1:8765",
    "http://127.8.9.10:8765",
    "http://[::1]:8765",
    "http://[::ffff:127.0.0.1]:8765",
    "http://localhost:8765",
    "http://LOCALHOST.:8765",
]


def env_for(url: str, **more: str) -> dict[str, str]:
    return {"MKTCTL_TENANT_URL": url, **CREDENTIALS, **more}


@pytest.mark.parametrize("url", REFUSED)
def test_plain_http_to_another_host_is_refused_with_the_reason_and_the_fix(tmp_path, url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        resolve(tmp_path, None, environ=env_for(url), home=tmp_path)

    message = str(refused.value)
    assert message.startswith("MKTCTL_TENANT_URL: refusing plain http:// to ")
    assert "app secret and the permanent code would be sent unencrypted" in message
    assert refused.value.hint is not None and refused.value.hint.startswith("use https://")
    assert "MKTCTL_ALLOW_PLAIN_HTTP=1" in refused.value.hint


@pytest.mark.parametrize("url", REFUSED[:4])
def test_a_profile_with_plain_http_is_refused_too(tmp_path, url: str) -> None:
    (tmp_path / "mktctl.tenants.yaml").write_text(PROFILE.format(url=url, extra=""), encoding="utf-8")

    with pytest.raises(SettingsError, match=r"tenant 'prod' url: refusing plain http:// to"):
        resolve(tmp_path, "prod", environ=PROFILE_ENV, home=tmp_path)


@pytest.mark.parametrize("url", ALLOWED)
def test_https_and_plain_http_to_this_machine_are_allowed(tmp_path, url: str) -> None:
    settings = resolve(tmp_path, None, environ=env_for(url), home=tmp_path)

    assert settings.url == url.rstrip("/")


@pytest.mark.parametrize("url", ["ftp://open.fxiaoke.com", "open.fxiaoke.com", "https://", "file:///etc/passwd",
                                 "http://[::1"])
def test_a_url_that_is_not_http_or_https_is_refused(tmp_path, url: str) -> None:
    with pytest.raises(SettingsError, match=r"MKTCTL_TENANT_URL: .* (is not an http\(s\) URL|is not a URL)"):
        resolve(tmp_path, None, environ=env_for(url), home=tmp_path)


def test_credentials_in_the_url_never_reach_the_message(tmp_path) -> None:
    with pytest.raises(SettingsError) as refused:
        resolve(tmp_path, None, environ=env_for("http://admin:hunter2-pass@10.1.2.3:8765/"), home=tmp_path)

    text = f"{refused.value} {refused.value.hint}"
    assert "hunter2-pass" not in text and "admin:" not in text
    assert "https://10.1.2.3:8765" in text


def test_the_opt_out_allows_a_sandbox_on_the_network(tmp_path) -> None:
    (tmp_path / "mktctl.tenants.yaml").write_text(
        PROFILE.format(url="http://192.168.1.20:8765", extra="    allow_plain_http: true\n"), encoding="utf-8")

    by_profile = resolve(tmp_path, "prod", environ=PROFILE_ENV, home=tmp_path)
    by_environment = resolve(tmp_path, None, environ=env_for("http://192.168.1.20:8765", MKTCTL_ALLOW_PLAIN_HTTP="1"),
                             home=tmp_path)

    assert by_profile.url == by_environment.url == "http://192.168.1.20:8765"


@pytest.mark.parametrize("value", ["0", "false", "no", ""])
def test_an_opt_out_that_says_no_refuses(tmp_path, value: str) -> None:
    with pytest.raises(SettingsError, match="refusing plain http://"):
        resolve(tmp_path, None, environ=env_for("http://10.0.0.5", MKTCTL_ALLOW_PLAIN_HTTP=value), home=tmp_path)


def test_an_opt_out_that_is_neither_yes_nor_no_is_an_error(tmp_path) -> None:
    with pytest.raises(SettingsError, match="MKTCTL_ALLOW_PLAIN_HTTP: expected true or false"):
        resolve(tmp_path, None, environ=env_for("http://10.0.0.5", MKTCTL_ALLOW_PLAIN_HTTP="perhaps"), home=tmp_path)


def _this_machines_address() -> str | None:
    """An address of this machine that is not loopback (no packet is sent to find it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class Listener:
    """A TCP port on every interface that records whether anyone connected (and never answers)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("0.0.0.0", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            connection.settimeout(0.5)
            try:
                while chunk := connection.recv(65536):
                    self.received += chunk
            except OSError:
                pass
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.mark.e2e
def test_the_real_command_refuses_before_connecting(tmp_path) -> None:
    address = _this_machines_address()
    if address is None:
        pytest.skip("this machine has no address other than loopback")
    (tmp_path / "mktctl.yaml").write_text("version: 1\nname: 传输\n", encoding="utf-8")
    listener = Listener()
    try:
        env = {**base_env(tmp_path), **env_for(f"http://{address}:{listener.port}")}
        refused = run(["plan"], tmp_path, env)
        time.sleep(0.3)
        connected_while_refusing = listener.connections
        allowed = run(["plan"], tmp_path, {**env, "MKTCTL_ALLOW_PLAIN_HTTP": "1", "MKTCTL_DEADLINE": "2"})
    finally:
        listener.close()

    assert refused.code == 1, refused.output
    assert connected_while_refusing == 0
    assert f"refusing plain http:// to {address}" in refused.stderr
    assert "hint: use https://" in refused.stderr
    assert "Traceback" not in refused.output
    assert allowed.code == 1 and listener.connections >= 1, "the opt-out does connect (and is answered by nobody)"
    assert b"s3cret-app-secret" in listener.received, "the reason for the refusal: the secret goes in clear"
    assert "s3cret-app-secret" not in refused.output + allowed.output
    record_figures("plain http refused before connecting", {
        "refused_urls": len(REFUSED), "allowed_urls": len(ALLOWED), "seconds_to_refuse": round(refused.seconds, 2),
        "connections_while_refusing": 0, "message": refused.stderr.strip()[-300:]})
