"""The errors a build reports to the analyst; kept apart so that the command line can catch
them without importing the libraries that raise them."""


class ConfigError(ValueError):
    """The report's YAML file is missing, malformed or inconsistent."""


class DatasetError(ValueError):
    """One or more input files are missing or do not match their schema."""


class ChapterError(RuntimeError):
    """A chapter notebook failed while it ran."""


class PdfCheckError(RuntimeError):
    """The final PDF is not an accessible, archival PDF (PDF/A-2a, PDF/UA-1)."""
