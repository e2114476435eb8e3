"""Exceptions raised by libphs.

Every failure of the C library becomes an :class:`Error` (or a subclass)
carrying the library's status code and message and, where they apply, the
spec file, line and column (:class:`SpecError`) or the resident field
(:class:`RecordError`, :class:`NotFoundError`).  The subclasses also derive
from the matching built-in exception, so ``except ValueError`` and
``except LookupError`` work as a Python programmer expects.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "Error",
    "SpecError",
    "RecordError",
    "NotFoundError",
    "InvalidArgumentError",
    "LimitError",
    "PhsIOError",
    "PhsMemoryError",
]

# Status codes of phs.h (phs_status).
OK = 0
ERROR = -1
ENOMEM = -2
EINVAL = -3
EIO = -4
ESPEC = -5
ERECORD = -6
ENOTFOUND = -7
ELIMIT = -8
EOF = -9

_NAMES = {
    ERROR: "PHS_ERROR",
    ENOMEM: "PHS_ENOMEM",
    EINVAL: "PHS_EINVAL",
    EIO: "PHS_EIO",
    ESPEC: "PHS_ESPEC",
    ERECORD: "PHS_ERECORD",
    ENOTFOUND: "PHS_ENOTFOUND",
    ELIMIT: "PHS_ELIMIT",
    EOF: "PHS_EOF",
}


class Error(Exception):
    """A libphs failure.

    Attributes:
        code: the phs_status code (negative; see ``phs.errors``).
        message: the library's message; for spec errors it already starts
            with ``file:line:column:``.
        file, line, column: where in a rule file the error is (``None``,
            0, 0 when it has no position).
        field: the resident field the error is about, or ``None``.
    """

    code: int
    message: str
    file: Optional[str]
    line: int
    column: int
    field: Optional[str]

    def __init__(
        self,
        message: str,
        code: int = ERROR,
        file: Optional[str] = None,
        line: int = 0,
        column: int = 0,
        field: Optional[str] = None,
    ) -> None:
        Exception.__init__(self, message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.field = field

    @property
    def status(self) -> str:
        """The status code's name, e.g. ``"PHS_ESPEC"``."""
        return _NAMES.get(self.code, str(self.code))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extra = ""
        if self.file:
            extra += f", file={self.file!r}, line={self.line}, column={self.column}"
        if self.field:
            extra += f", field={self.field!r}"
        return f"{type(self).__name__}({self.message!r}, code={self.status}{extra})"

    def __reduce__(self) -> Tuple[Any, ...]:  # picklable across processes
        return (
            _rebuild,
            (type(self), self.message, self.code, self.file, self.line, self.column, self.field),
        )


def _rebuild(cls, message, code, file, line, column, field):  # type: ignore[no-untyped-def]
    return cls(message, code, file, line, column, field)


class SpecError(Error, ValueError):
    """A rule specification is invalid (PHS_ESPEC): see file, line, column."""


class RecordError(Error, ValueError):
    """A resident's value is invalid or of the wrong type (PHS_ERECORD):
    see field."""


class NotFoundError(Error, LookupError):
    """A name is unknown (PHS_ENOTFOUND): a field, a program, a parameter."""


class InvalidArgumentError(Error, ValueError):
    """A bad argument (PHS_EINVAL)."""


class LimitError(Error):
    """A resource limit was exceeded while loading rules (PHS_ELIMIT)."""


class PhsIOError(Error, OSError):
    """A file could not be opened or read (PHS_EIO)."""

    def __init__(self, message: str, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        OSError.__init__(self, message)
        Error.__init__(self, message, *args, **kwargs)


class PhsMemoryError(Error, MemoryError):
    """An allocation failed (PHS_ENOMEM)."""


_CLASSES: Dict[int, Type[Error]] = {
    ESPEC: SpecError,
    ERECORD: RecordError,
    ENOTFOUND: NotFoundError,
    EINVAL: InvalidArgumentError,
    ELIMIT: LimitError,
    EIO: PhsIOError,
    ENOMEM: PhsMemoryError,
}


def _from_native(
    code: int,
    message: str,
    file: Optional[str],
    line: int,
    column: int,
    field: Optional[str],
) -> Error:
    """Called by the extension (phs_python.i) to build the exception."""
    cls = _CLASSES.get(code, Error)
    return cls(message, code, file or None, line, column, field or None)
