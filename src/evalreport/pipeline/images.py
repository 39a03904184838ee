"""Images an analyst puts into the case's prose: which files may be used, and what they must be.

An image is a file in the case's prose folder (`prose/<case>/kart.png`, or a folder below it), named
relative to that folder: never an absolute path, a `..`, a symbolic link or an address on the web. It
is embedded in the PDF and in the HTML twin as a `data:` URI, so the report never refers to anything
outside itself.

The format is read from the file's first bytes, not from its name: PNG, JPEG (RGB or grey: PDF/A-2
has no room for a CMYK image without a CMYK output intent) or SVG (without scripts, event handlers or
references to anything outside the image; an SVG stays an <img> in the twin, in which a browser runs
no script).

The limits, and why:
- 5 MiB a file: a photo from a phone at normal JPEG quality is 2–5 MiB; a larger file makes the
  archived PDF and the web page heavy without showing more (the twin carries it in base64, a third
  larger again). Save the image smaller.
- 40 megapixels: what a file decodes to, not its size on disk, is what the PDF writer holds in memory
  (4 bytes a pixel); a small PNG can decode to gigapixels. 40 MP is more than any camera in a phone and
  ten times what a full-width figure needs at 300 dpi (about 2000 × 1500 pixels).
- 20 MiB for all of a report's images together, for the same reason as the first.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from PIL import Image as Pillow

from evalreport.errors import ProseError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler", "listener"}


@dataclass(frozen=True)
class Image:
    """An image file that passed every check."""

    path: Path
    kind: str  # png, jpeg, svg
    size: int  # bytes
    width: int | None = None  # pixels (None for SVG)
    height: int | None = None

    @property
    def mime(self) -> str:
        return MIME[self.kind]


def resolve(target: str, prose_dir: Path | None) -> Path:
    """The file an image in prose names, inside the case's prose folder; ProseError saying why not."""
    what = f"the image '{target}'"
    if prose_dir is None:
        raise ProseError(f"{what}: images belong to a case's prose (prose/<case>/); this text has no prose folder")
    if not target.strip():
        raise ProseError("an image without a file: write ![what it shows](file.png)")
    if SCHEME.match(target) or target.startswith("//"):
        raise ProseError(f"{what}: an image must be a file in {_shown(prose_dir)}, not an address; download it and "
                         "put it there (the report never fetches anything from outside itself)")
    path = PurePosixPath(target.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", target):
        raise ProseError(f"{what}: write the file's name relative to the case's prose folder (kart.png), not an "
                         "absolute path")
    if ".." in path.parts:
        raise ProseError(f"{what}: '..' leaves the case's prose folder; put the image in it")
    folder = Path(prose_dir)
    candidate = folder.joinpath(*path.parts)
    step = folder
    for part in path.parts:
        step = step / part
        if step.is_symlink():
            raise ProseError(f"{what}: {part} is a symbolic link; put the image itself in the case's prose folder")
    if not candidate.is_file():
        raise ProseError(f"{what} is not in {_shown(folder)}: put the file there, or correct its name "
                         "(letters are matched exactly, also small and capital)")
    if not candidate.resolve().is_relative_to(folder.resolve()):
        raise ProseError(f"{what} lies outside the case's prose folder")
    return candidate


def inspect(path: Path) -> Image:
    """Check an image file's format (by content) and size; ProseError saying what to do."""
    stat = path.stat()
    return _inspect(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _inspect(path: Path, _mtime_ns: int, size: int) -> Image:
    name = path.name
    if size > MAX_BYTES:
        raise ProseError(f"the image '{name}' is {size / 1024 / 1024:.1f} MiB; at most {MAX_BYTES // 1024 // 1024} "
                         "MiB is allowed: save it smaller (a photo at 2000 pixels' width is plenty for a page)")
    if size == 0:
        raise ProseError(f"the image '{name}' is empty")
    with path.open("rb") as file:
        head = file.read(512)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _bitmap(path, "png", size)
    if head.startswith(b"\xff\xd8\xff"):
        return _bitmap(path, "jpeg", size)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE svg")):
        return _svg(path, size)
    raise ProseError(f"the image '{name}' is not a PNG, JPEG or SVG file (read from its content, not its name); "
                     "save it as one of those")


def _bitmap(path: Path, kind: str, size: int) -> Image:
    name = path.name
    try:
        with Pillow.open(path) as image:
            width, height = image.size
            mode = image.mode
            if width * height > MAX_PIXELS:
                raise ProseError(f"the image '{name}' is {width} × {height} pixels ({width * height / 1e6:.0f} "
                                 f"megapixels); at most {MAX_PIXELS // 1_000_000} megapixels is allowed: scale it "
                                 "down (2000 pixels' width is plenty for a page)")
            image.verify()  # reads the whole file: a damaged one fails here, not in the PDF writer
    except ProseError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a damaged file
        raise ProseError(f"the image '{name}' cannot be read as {kind.upper()} ({type(exc).__name__}: {exc}); save it "
                         "again from the program that made it") from None
    if kind == "jpeg" and mode not in ("RGB", "L"):
        raise ProseError(f"the image '{name}' is a {mode} JPEG; the archival PDF (PDF/A) takes RGB or grey images: "
                         "save it as RGB (sRGB)")
    return Image(path, kind, size, width, height)


def _svg(path: Path, size: int) -> Image:
    name = path.name
    raw = path.read_bytes()
    if b"<!ENTITY" in raw:
        raise ProseError(f"the SVG image '{name}' declares entities, which are not allowed; save it again as plain SVG")
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as exc:
        raise ProseError(f"the SVG image '{name}' is not well-formed XML ({exc}); save it again") from None
    if root.tag != f"{SVG_NS}svg":
        raise ProseError(f"the image '{name}' is XML but not SVG (its root is {root.tag!r})")
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in SVG_FORBIDDEN:
            raise ProseError(f"the SVG image '{name}' holds <{local}>, which may run code or load other files; "
                             "remove it, or save the image as PNG")
        for attribute, value in element.attrib.items():
            local_attribute = attribute.rsplit("}", 1)[-1]
            value = value.strip()
            if local_attribute.lower().startswith("on"):
                raise ProseError(f"the SVG image '{name}' has an event handler ({local_attribute}); remove it, or save "
                                 "the image as PNG")
            if (attribute in ("href", XLINK_HREF) and not value.startswith(("#", "data:image/"))) or \
                    re.search(r"url\(\s*['\"]?(?!#)", value):
                raise ProseError(f"the SVG image '{name}' refers to another file or address ({value[:60]!r}); the "
                                 "report embeds only what is inside the image: embed it, or save the image as PNG")
    return Image(path, "svg", size)


def total_problem(paths, relative=str) -> str:
    """What is wrong with the total size of a report's images (`paths`), or ''."""
    sizes = {Path(p): Path(p).stat().st_size for p in paths if Path(p).is_file()}
    total = sum(sizes.values())
    if total <= MAX_TOTAL_BYTES:
        return ""
    largest = ", ".join(f"{relative(p)} ({size / 1024 / 1024:.1f} MiB)" for p, size in
                        sorted(sizes.items(), key=lambda item: -item[1])[:3])
    return (f"the report's images are {total / 1024 / 1024:.1f} MiB together; at most "
            f"{MAX_TOTAL_BYTES // 1024 // 1024} MiB is allowed: save the largest smaller ({largest})")


def data_uri(image: Image) -> str:
    """The image as a data: URI, to embed in the PDF and the HTML twin."""
    return f"data:{image.mime};base64," + base64.b64encode(image.path.read_bytes()).decode("ascii")


def _shown(folder: Path) -> str:
    """The case's prose folder as the analyst knows it: prose/<case>/."""
    return f"{Path(folder).parent.name}/{Path(folder).name}/"
