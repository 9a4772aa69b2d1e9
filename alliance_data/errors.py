"""The users' package's own exception for arguments that can never be valid."""


class InvalidArgument(ValueError):
    """An argument that can never be valid: an unknown table, a malformed version or date.

    It is a ``ValueError``; the command line reports it as a usage error (exit 2).
    """
