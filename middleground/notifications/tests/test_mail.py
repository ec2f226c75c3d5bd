"""Mail delivery through a real SMTP server on 127.0.0.1: queued rows, retries, sent once."""

import datetime as dt

from django.utils import timezone

from middleground.notifications import jobs, periodic, services
from middleground.notifications.models import MailStatus, OutgoingMail


def _queue(capture, **kwargs):
    with capture(execute=True):
        return services.queue_mail(
            to="bob@example.org", subject="Hello", body="The text.", **kwargs
        )


def test_queued_mail_is_sent_by_the_task_through_smtp(
    db, smtp_server, django_capture_on_commit_callbacks
):
    mail = _queue(django_capture_on_commit_callbacks, headers={"X-Test": "yes"})
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 1 and mail.sent_at
    assert len(smtp_server) == 1
    received = smtp_server[0]
    assert received["To"] == "bob@example.org"
    assert received["Subject"] == "Hello"
    assert received["X-Test"] == "yes"
    assert "The text." in received.get_content()


def test_queue_mail_sends_nothing_before_the_transaction_commits(
    db, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail = services.queue_mail(to="bob@example.org", subject="Later", body="x")
    assert len(callbacks) == 1
    assert smtp_server == []
    assert OutgoingMail.objects.get(pk=mail.pk).status == MailStatus.QUEUED


def test_a_failing_smtp_server_leaves_the_mail_queued_and_the_retry_sends_it_once(
    db, smtp_server, django_capture_on_commit_callbacks, settings
):
    smtp_server.fail_with = "451 4.3.0 Try again later"
    mail = _queue(django_capture_on_commit_callbacks)
    mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 1
    assert "451" in mail.last_error
    assert smtp_server == []

    # the backoff has not passed: the periodic job leaves it
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.retry_queued_mail() == 0

    smtp_server.fail_with = None
    later = timezone.now() + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.retry_queued_mail(now=later) == 1
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT and mail.attempts == 2 and mail.last_error == ""
    assert len(smtp_server) == 1

    # sent is final: another task run or periodic pass sends nothing more
    assert jobs.send_mail(mail_id=mail.pk) == MailStatus.SENT
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.retry_queued_mail(now=later + dt.timedelta(hours=1)) == 0
    assert len(smtp_server) == 1


def test_mail_is_given_up_as_failed_after_the_last_attempt_with_the_reason(
    db, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.MAIL_MAX_ATTEMPTS = 2
    smtp_server.fail_with = "554 5.7.1 Rejected"
    mail = _queue(django_capture_on_commit_callbacks)
    assert jobs.send_mail(mail_id=mail.pk) == MailStatus.FAILED
    mail.refresh_from_db()
    assert mail.attempts == 2 and "554" in mail.last_error
    assert jobs.send_mail(mail_id=mail.pk) == MailStatus.FAILED  # no third attempt
    mail.refresh_from_db()
    assert mail.attempts == 2


def test_an_unreachable_server_keeps_the_mail_queued(db, settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    mail = OutgoingMail.objects.create(to="bob@example.org", subject="s", body="b")
    assert jobs.send_mail(mail_id=mail.pk) == MailStatus.QUEUED
    mail.refresh_from_db()
    assert mail.attempts == 1 and mail.last_error


def test_queue_mail_refuses_a_mail_without_address(db):
    import pytest

    from middleground.core.errors import ServiceError

    with pytest.raises(ServiceError):
        services.queue_mail(to="", subject="s", body="b")
    assert not OutgoingMail.objects.exists()


def test_the_console_backend_stays_the_default_without_email_host(monkeypatch):
    import importlib

    from middleground.config import settings as config

    monkeypatch.delenv("EMAIL_HOST", raising=False)
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    assert importlib.reload(config).EMAIL_BACKEND.endswith("console.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    reloaded = importlib.reload(config)
    assert reloaded.EMAIL_BACKEND.endswith("smtp.EmailBackend")
    assert reloaded.EMAIL_PORT == 587 and reloaded.EMAIL_USE_TLS is True
    monkeypatch.delenv("EMAIL_HOST")
    importlib.reload(config)
