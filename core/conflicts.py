"""A write that lost a race: someone saved the same row after the user read it."""


class Conflict(Exception):
    """Raised by a service when the version the user read is stale; the API answers 409 with ``current_version``."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version
