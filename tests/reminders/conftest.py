"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the reminder tests, with STARTTLS and AUTH when asked."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from pep_tui.services import Services

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # reminder_helpers lives beside the tests

from reminder_helpers import free_port  # noqa: E402

CI = os.environ.get("CI") == "true"


def need(module: str) -> Any:
    """Import a test component; in CI a missing one fails the run instead of skipping."""
    if CI:
        return __import__(module)
    return pytest.importorskip(module)


@dataclass
class Received:
    """What the test server was given."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class _Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.received.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@pytest.fixture(scope="session")
def test_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command for this run."""
    if shutil.which("openssl") is None:
        if CI:
            pytest.fail("openssl is needed to make the test certificate")
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture
def smtp_server(test_certificate: tuple[Path, Path]) -> Iterator[Callable[..., tuple[Received, int]]]:
    """``start(tls=False, auth=None)`` → (received, port): a real SMTP server on 127.0.0.1.

    ``tls=True`` offers STARTTLS (and requires it); ``auth=(user, password)`` requires that login.
    """
    need("aiosmtpd")
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    controllers: list[Any] = []

    def start(tls: bool = False, auth: tuple[str, str] | None = None) -> tuple[Received, int]:
        received = Received()
        port = free_port()
        kwargs: dict[str, Any] = {}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, test_certificate))
            kwargs.update(tls_context=context, require_starttls=True)
        if auth is not None:
            def authenticator(server, session, envelope, mechanism, data):
                ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == auth
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_require_tls=tls, auth_required=True)
        with warnings.catch_warnings():  # AUTH without TLS is what the plain-relay test needs
            warnings.simplefilter("ignore", UserWarning)
            controller = Controller(_Handler(received), hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return received, port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def with_emails(pep_services: Services) -> Services:
    """The sample cohort with an email address on every staff record (fictional, at .example)."""
    store = pep_services.store
    for member in store.list_staff():
        store.save_staff(member.model_copy(update={"email": f"{member.login}@council.example"}), member.revision,
                         "test", "system")
    return pep_services


