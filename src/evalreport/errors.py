"""The errors evalreport reports to the analyst; kept apart so that the command line can catch
them without importing the libraries that raise them.

Every error meant for the analyst derives from `EvalreportError`: its message says what is wrong,
where (file, column, row) and what to do, and the command line prints it without a traceback.
Anything else that escapes is a fault in evalreport.
"""


class EvalreportError(Exception):
    """An error the analyst can act on; its message is the whole story."""


class ConfigError(EvalreportError, ValueError):
    """The report's YAML file is missing, malformed or inconsistent."""


class DatasetError(EvalreportError, ValueError):
    """One or more input files are missing or do not match their schema."""


class ChapterError(EvalreportError, RuntimeError):
    """A chapter notebook failed while it ran."""


class PdfCheckError(EvalreportError, RuntimeError):
    """The final PDF is not an accessible, archival PDF (PDF/A-2a, PDF/UA-1)."""


class ReleaseError(EvalreportError, RuntimeError):
    """A release to the council was refused (the version exists, a draft, uncommitted changes) or failed."""


class CommentsError(EvalreportError, ValueError):
    """A file given as the client's returned Word copy is not one of this report's Word copies."""


class Published:
    """Said of an exception that stopped a build after its outputs were published: `outputs` (as
    the analyst names them) are the new ones, all of one build (see `pipeline.build.build`). The command line reads it here, without
    importing the build."""

    attribute = "evalreport_published"

    @classmethod
    def mark(cls, exc: BaseException, outputs: list[str]) -> None:
        try:
            setattr(exc, cls.attribute, outputs)
        except AttributeError:  # an exception that takes no attributes; the message says less
            pass

    @classmethod
    def of(cls, exc: BaseException) -> list[str] | None:
        return getattr(exc, cls.attribute, None)


def excerpt(text: object, limit: int = 40) -> str:
    """A short, safe piece of a value for a message: control characters made visible, cut to `limit`.

    A message must never echo a whole line of someone's file (it may hold a secret) or a terminal
    escape sequence.
    """
    text = "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProseError(EvalreportError, ValueError):
    """Prose names a value no chapter computed, or is not valid markup."""


class RenderingError(EvalreportError, RuntimeError):
    """WeasyPrint could not draw part of the report (a chart, an image, a font) or was interrupted."""
