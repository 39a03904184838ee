"""`make check` finds every broken image, footnote, citation, cross-reference, label and callout in the
prose before any chapter runs, each with its file and line (prose.check_markup, dialect.scan), and the
image checks read a file's content, not its name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from evalreport.errors import ProseError
from evalreport.pipeline import images
from evalreport.pipeline.prose import check_markup
from evalreport.project import Chapter


def png(width: int = 20, height: int = 10, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(mode: str) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (20, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def case(tmp_path) -> tuple[Path, Path]:
    prose = tmp_path / "prose" / "case"
    prose.mkdir(parents=True)
    (prose / "kart.png").write_bytes(png())
    return tmp_path, prose


def problems(root: Path, prose: Path, text: str, name: str = "background.md") -> list[str]:
    (prose / name).write_text(text, encoding="utf-8")
    chapter = Chapter(prose / "75_eige.md", 75, own=True)
    if not chapter.path.exists():
        chapter.path.write_text("# Eige kapittel\n\nTekst.\n", encoding="utf-8")
    with pytest.raises(ProseError) as info:
        check_markup([chapter], prose, "nb", lambda p: Path(p).relative_to(root).as_posix())
    return str(info.value).splitlines()


@pytest.mark.parametrize("text, expected", [
    ("Tekst.\n\n![](kart.png){source=\"SSB\"}\n", "prose/case/background.md, line 3: the image kart.png has no text"),
    ("![Kart](kart.png)\n", "prose/case/background.md, line 1: say where the image kart.png comes from"),
    ("\n![Kart](mangler.png){source=\"SSB\"}\n", "prose/case/background.md, line 2: the image 'mangler.png' is not in prose/case/"),
    ("![Kart](../kart.png){source=\"SSB\"}\n", "prose/case/background.md, line 1: the image '../kart.png': '..' leaves"),
    ("![Kart](/etc/kart.png){source=\"SSB\"}\n", "prose/case/background.md, line 1: the image '/etc/kart.png': write the"),
    ("![Kart](https://example.org/k.png){source=\"SSB\"}\n",
     "prose/case/background.md, line 1: the image 'https://example.org/k.png': an image must be a file in prose/case/, not an "
     "address"),
    ("Se ![Kart](kart.png) her.\n", "prose/case/background.md, line 1: an image stands in a paragraph of its own"),
    ("Tekst[^a].\n", "prose/case/background.md, line 1: there is no footnote [^a]"),
    ("Tekst.\n\n[^b]: Ubrukt.\n", "prose/case/background.md, line 3: the footnote [^b] is never referred to"),
    ("Tekst[^c] og[^c].\n\n[^c]: To gonger.\n", "prose/case/background.md, line 1: the footnote [^c] is referred to twice"),
    ("Første.\n\nSe [@ukjend, s. 3].\n", "prose/case/background.md, line 3: no source with the key ukjend"),
    ("Som @ukjend2 skriv.\n", "prose/case/background.md, line 1: no source with the key ukjend2"),
    ("Se [@telemarksforsking2022, xyz].\n", "prose/case/background.md, line 1: the locator 'xyz' is not understood"),
    ("Første.\nAndre @fig-finst-ikkje.\n",
     "prose/case/background.md, line 2: no figure, table or section is labelled 'fig-finst-ikkje'"),
    ("Se [@fig-kart].\n\n![Kart](kart.png){#fig-kart source=\"SSB\"}\n",
     "prose/case/background.md, line 1: write a cross-reference without brackets: @fig-kart"),
    ("![Kart](kart.png){#fig-kart source=\"SSB\"}\n\n![Kart](kart.png){#fig-kart source=\"SSB\"}\n",
     "prose/case/background.md, line 3: the label 'fig-kart' is used already"),
    ("![Kart](kart.png){#tbl-kart source=\"SSB\"}\n", "prose/case/background.md, line 1: the label 'tbl-kart' of an image"),
    ("::: {.callout-tip}\nTekst.\n:::\n", "prose/case/background.md, line 1: '::: {.callout-tip}' is not a callout"),
    ("Tekst.\n\n: Ein tabell utan tabell\n",
     "prose/case/background.md, line 3: a table caption (': ...') without a table"),
    ("# Tittel {#fig-x}\n", "prose/case/background.md, line 1: the label 'fig-x' of a heading is written sec-name"),
])
def test_each_broken_reference_is_named_with_its_file_and_line(case, text, expected):
    root, prose = case
    found = problems(root, prose, text)
    assert any(line.startswith(expected) for line in found), found


def test_every_problem_of_every_file_is_listed_at_once(case):
    root, prose = case
    (prose / "lessons.md").write_text("Se @tbl-ingen.\n", encoding="utf-8")
    found = problems(root, prose, "Tekst[^a].\n\n![](kart.png)\n")
    assert any(line.startswith("prose/case/lessons.md, line 1: no figure, table or section") for line in found)
    assert sum(line.startswith("prose/case/background.md") for line in found) == 3  # note, text, source


def test_a_citation_and_cross_reference_that_exist_pass(case):
    root, prose = case
    (prose / "references.json").write_text('[{"id": "eiga2020", "type": "report", "title": "Ein rapport", '
                                           '"author": [{"family": "Nordmann", "given": "Kari"}], '
                                           '"issued": {"date-parts": [[2020]]}}]', encoding="utf-8")
    (prose / "background.md").write_text(
        "Se [@eiga2020, s. 3; @telemarksforsking2022] og @fig-kart.[^a]\n\n"
        "![Kart](kart.png){#fig-kart source=\"SSB\"}\n\n[^a]: Ein note.\n", encoding="utf-8")
    check_markup([], prose, "nb", lambda p: Path(p).relative_to(root).as_posix())  # raises nothing


def test_a_broken_bibliography_is_named(case):
    root, prose = case
    (prose / "references.json").write_text('[{"id": "x", "type": "report"}', encoding="utf-8")
    found = problems(root, prose, "Tekst.\n")
    assert any(line.startswith("prose/case/references.json, line 1: not valid JSON") for line in found), found


# --- the image files themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("content, expected", [
    (b"not an image at all", "is not a PNG, JPEG or SVG file (read from its content, not its name)"),
    (png(10_000, 5_000, "1"), "is 10000 × 5000 pixels (50 megapixels); at most 40 megapixels"),
    (png()[:40], "cannot be read as PNG"),
    (jpeg("CMYK"), "is a CMYK JPEG; the archival PDF (PDF/A) takes RGB or grey images"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "holds <script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>', "has an event handler (onclick)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="file:///etc/passwd"/></svg>', "refers to another file or address"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
     "declares entities"),
])
def test_an_image_file_is_checked_by_its_content(tmp_path, content, expected):
    path = tmp_path / "bilete.png"
    path.write_bytes(content)
    with pytest.raises(ProseError) as info:
        images.inspect(path)
    assert expected in str(info.value)


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "stor.jpg"
    path.write_bytes(jpeg("RGB") + b"\0" * images.MAX_BYTES)  # trailing bytes after the image: a large file
    with pytest.raises(ProseError, match=r"is 5\.0 MiB; at most 5 MiB is allowed"):
        images.inspect(path)


def test_good_images_pass_and_are_embedded(tmp_path):
    for name, content, kind in [("a.png", png(), "png"), ("b.jpg", jpeg("RGB"), "jpeg"), ("g.jpg", jpeg("L"), "jpeg"),
                                ("c.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
                                 "svg")]:
        path = tmp_path / name
        path.write_bytes(content)
        image = images.inspect(path)
        assert image.kind == kind and images.data_uri(image).startswith(f"data:{images.MIME[kind]};base64,")


def test_a_symbolic_link_is_refused(tmp_path):
    outside = tmp_path / "hemmeleg.png"
    outside.write_bytes(png())
    prose = tmp_path / "prose"
    prose.mkdir()
    (prose / "kart.png").symlink_to(outside)
    with pytest.raises(ProseError, match="kart.png is a symbolic link"):
        images.resolve("kart.png", prose)


def test_all_images_together_are_limited(case):
    root, prose = case
    text = ""
    for n in range(5):  # 5 × 4.5 MiB: each under the limit for one file, 22.5 MiB together
        (prose / f"foto{n}.jpg").write_bytes(jpeg("RGB") + b"\0" * (9 * 1024 * 1024 // 2))
        text += f"![Foto {n}](foto{n}.jpg){{source=\"Foto: Ola Nordmann\"}}\n\n"
    found = problems(root, prose, text)
    assert any(line.startswith("the report's images are 22.5 MiB together; at most 20 MiB") for line in found), found
