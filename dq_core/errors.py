"""The one exception type a user can cause; its message is French and shown as is."""


class DQError(Exception):
    """A problem the user can fix (bad argument, unknown code, locked file...).

    `message` is written for the user, in French; pages show it with `st.error`, the CLI on stderr.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
