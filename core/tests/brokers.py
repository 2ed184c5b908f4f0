"""Point the Celery app at another broker in a test (its producer pools are made again on first use)."""

from vinhlong_cmcn4.celery import app


def conf_set(**values) -> None:
    # The app reads Django's settings under the CELERY_ prefix, and Celery 5.6 looks a key up by its prefixed name
    # first: a value set only under the plain name would be shadowed by the settings module's.
    for key, value in values.items():
        app.conf[key] = value
        app.conf[f"CELERY_{key.upper()}"] = value


def broker_use(url: str, *, eager: bool) -> tuple[str, bool]:
    """Switch broker and eagerness; returns the previous pair, to switch back."""
    previous = app.conf.broker_url, app.conf.task_always_eager
    # Celery 5.6 also fixes the read and write URLs from broker_url when the settings are read: move them too.
    conf_set(broker_url=url, broker_read_url=url, broker_write_url=url, task_always_eager=eager)
    app._pool = None
    app.amqp._producer_pool = None
    return previous
