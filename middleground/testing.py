"""A pytest plugin (loaded with ``-p middleground.testing`` from pyproject.toml) that sets the
environment of the test suite before Django reads its settings: production-like settings, but
over plain HTTP, since the test client and the browser tests' live server do not speak TLS.

It also holds helpers the tests import (``from middleground.testing import api_post``).
Django is imported only for type checking, after the environment is set."""

import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

os.environ.setdefault("MG_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")


def api_post(client: "Client", path: str, data: Any) -> Any:
    """POST ``data`` as a JSON body, as an API client does; returns the test client's response."""
    return client.post(path, json.dumps(data), content_type="application/json")


class SmtpInbox(list):
    """What the test SMTP server received: ``email.message.EmailMessage`` objects, in order.

    Set ``fail_with`` to an SMTP reply (e.g. ``"451 4.3.0 try again later"``) and the server
    refuses every message with it until it is set back to ``None``.
    """

    host = "127.0.0.1"
    port = 0
    fail_with: str | None = None


try:
    import pytest as _pytest
except ImportError:  # pragma: no cover - the plugin is only loaded under pytest
    _pytest = None  # type: ignore[assignment]

if _pytest is not None:

    @_pytest.fixture
    def smtp_server(settings):
        """A real SMTP server (aiosmtpd) on 127.0.0.1 at a free port, with Django's SMTP
        backend pointed at it; yields the ``SmtpInbox`` of what it received."""
        import email
        import email.policy
        import socket

        from aiosmtpd.controller import Controller

        inbox = SmtpInbox()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if inbox.fail_with:
                    return inbox.fail_with
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                inbox.append(message)
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        controller.start()
        inbox.port = port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        try:
            yield inbox
        finally:
            controller.stop()
