"""Point the Celery app at another broker in a test (its producer pools are made again on first use)."""

from vinhlong_cmcn4.celery import app


def broker_use(url: str, *, eager: bool) -> tuple[str, bool]:
    """Switch broker and eagerness; returns the previous pair, to switch back."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, eager
    # Celery 5.6 fixes the read and write URLs from broker_url when the settings are read: move them too.
    app.conf.broker_read_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous
