"""The one error of the SSB client, kept apart so that every part of the package can raise it."""

from evalreport.errors import EvalreportError


class SsbError(EvalreportError, RuntimeError):
    """A request to SSB failed, a response is not valid json-stat2, or a query does not fit the
    table; the message names the table, the URL or code concerned, and what to do."""


class SsbUnreachable(SsbError):
    """SSB cannot be reached at all (no network, a name that does not resolve): every other request
    would fail the same way, so the command stops at the first and says it once."""
