"""Background tasks of the accounts: e-mail is sent by `pnyx worker`, not during the request,
so a slow or unreachable mail server never holds a page up (django-tasks, database backend)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send one message through Django's configured e-mail backend; returns the count sent.

    An SMTP failure raises, so the task is recorded as failed with the error (see
    `pnyx worker`'s log) rather than lost silently.
    """
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
