"""Celery tasks of the questionnaires: thin wrappers around services/messaging.py and
services/reminders.py. Each can run twice: messages are claimed one by one, so nothing is sent
twice. The services are imported inside the task bodies: services/messaging.py imports this
module to enqueue."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="questionnaires.messages_send", bind=True, max_retries=5, ignore_result=True)
def messages_send(self, message_ids: list[int]) -> dict[str, int]:
    """Send a batch of messages over one connection; retry the failed ones with backoff."""
    from questionnaires.services.messaging import messages_deliver, retry_delay

    outcome = messages_deliver(message_ids)
    failed = outcome["failed"]
    if failed and not self.app.conf.task_always_eager and self.request.retries < self.max_retries:
        # Embedded (eager) mode leaves them failed, to retry from the outbox or by the sweep.
        delay = retry_delay(self.request.retries + 1).total_seconds()
        raise self.retry(args=[failed], countdown=delay)
    return {key: len(ids) for key, ids in outcome.items()}


@shared_task(name="questionnaires.messages_dispatch", ignore_result=True)
def messages_dispatch() -> int:
    """Beat: queue messages left waiting (broker down, retry due)."""
    from questionnaires.services.messaging import messages_dispatch as dispatch

    return dispatch()


@shared_task(name="questionnaires.reminders_send", ignore_result=True)
def reminders_send() -> int:
    """Beat: queue the reminders that are due."""
    from questionnaires.services.reminders import reminders_run

    return reminders_run()
