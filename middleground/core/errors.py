"""The one error type services raise for bad input: a message and the field to blame."""


class ServiceError(Exception):
    """Bad input or a forbidden state change, reported to the user as it is.

    Pages show it beside the field; the API answers ``{"detail": message, "field": field}``.
    """

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
