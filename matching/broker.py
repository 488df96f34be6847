"""What the Celery broker says, for the catalog status panel: tasks waiting, workers answering."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class QueueState:
    """What the Celery broker says: tasks waiting and workers answering, or why it cannot."""

    configured: bool
    reachable: bool = False
    queue: str = ""
    waiting: int | None = None
    workers: tuple[str, ...] = ()
    error: str = ""


def queue_state(broker_url: str | None = None, *, timeout: float = 1.0) -> QueueState:
    """Ask Redis for the queue length and the workers for a ping, each within `timeout`."""
    import redis

    from config.celery import app

    url = settings.CELERY_BROKER_URL if broker_url is None else broker_url
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    if not url:
        return QueueState(configured=False, queue=queue)
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        waiting = int(client.llen(queue))
        with app.connection_for_read(url) as connection:
            replies = app.control.inspect(timeout=timeout, connection=connection).ping() or {}
    except Exception as exc:  # Redis or kombu errors alike: the panel reports, never a 500
        return QueueState(configured=True, queue=queue, error=f"{type(exc).__name__}: {exc}")
    return QueueState(
        configured=True,
        reachable=True,
        queue=queue,
        waiting=waiting,
        workers=tuple(sorted(replies)),
    )
