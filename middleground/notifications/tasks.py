"""Background work of notifications: tasks take ids and call the work in ``jobs``."""

from django_tasks import task

from . import jobs


@task()
def send_mail_task(mail_id: int) -> None:
    """Send one queued mail. Idempotent: a mail already sent (or given up) is left alone."""
    jobs.send_mail(mail_id=mail_id)
