class ActionRefused(Exception):
    """A domain rule refused an action; the message is shown to the user as it is (never a 500)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LastOwnerError(ActionRefused):
    pass


class PlanLimitReached(ActionRefused):
    pass
