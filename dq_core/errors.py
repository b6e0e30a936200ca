"""The one exception type a user can cause; its message is French and shown as is."""

import struct


class DQError(Exception):
    """A problem the user can fix (bad argument, unknown code, locked file...).

    `message` is written for the user, in French; pages show it with `st.error`, the CLI on stderr.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def unexpected(exc: BaseException) -> str:
    """What an error no reader foresaw says about a file, in French, without the (English) class name, which is
    logged instead: « caractères dans un encodage inattendu », « fichier tronqué »…"""
    if isinstance(exc, UnicodeError):
        return "caractères dans un encodage inattendu"
    if isinstance(exc, RecursionError):
        return "structure imbriquée trop profondément"
    if isinstance(exc, MemoryError):
        return "trop volumineux pour la mémoire disponible"
    if isinstance(exc, (struct.error, EOFError)):
        return "fichier tronqué"
    if type(exc).__module__.startswith("shapely"):
        return "contour mal formé"
    return "contenu inattendu pour ce format"
