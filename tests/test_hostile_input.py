"""Hostile or careless input: text from data and configuration is shown as text, never run; the
PDF embeds nothing from outside the project; the report reads nothing outside its case; a bad
configuration is reported, with its key, before any file is touched (issue 10, items 6-9, 11, 13).

Every case runs the `evalreport` command as the analyst does, and reads its exit code and message,
or the HTML twin and the PDF it wrote.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from support import copy_project, environment, evalreport

CONFIG = "reports/vestre_toten.yaml"
NAME = "vestre_toten"
STOPPED = "stopped"

SCRIPT = "<script>alert(1)</script>"
ONERROR = "<img src=x onerror=alert(2)>"
IFRAME = "<iframe src=javascript:alert(3)></iframe>"
JS_LINK = "[klikk her](javascript:alert(4))"
ATTACHMENT = '<a rel="attachment" href="file:///etc/passwd">vedlegg</a>'
# What /etc/passwd begins with on every Unix (the superuser's entry), were it ever attached.
PASSWD_START = b"root:x:0:0:"
PROBE_SIZE = (7, 5)  # an image of this size is not in the report: if the PDF has one, it was fetched


def run(root: Path, *args: str, env: dict | None = None):
    """`evalreport <args>` on the project at `root`, as the analyst runs it."""
    return evalreport(root, *args, env=environment(**(env or {})))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The bundled case with script, event handlers, javascript: links, frames and local files in its
    configuration, its datasets.yaml, its data and its prose; built as a draft (item 7: a draft
    must embed nothing either)."""
    folder = tmp_path_factory.mktemp("hostile")
    root = copy_project(folder / "project")
    from PIL import Image

    probe = folder / "probe.png"
    Image.new("RGB", PROBE_SIZE, (200, 0, 0)).save(probe)
    local_image = f'<img src="file://{probe}" alt="probe">'

    config = root / CONFIG
    replace_in(config, "title: Sluttevaluering av omstillingsprogrammet i Vestre Toten 2011–2017",
               f"title: 'Sluttevaluering {SCRIPT} i Vestre Toten'")
    replace_in(config, "author: Eksempelforfatter", f"author: 'Forfatter {ONERROR}'")
    config.write_text(config.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")

    data = root / "data" / NAME
    hostile_file = f"funding{ONERROR}.csv"  # a real file of that name: '/' is the one character a name cannot hold
    (data / "funding.csv").rename(data / hostile_file)
    provenance = data / "datasets.yaml"
    records = yaml.safe_load(provenance.read_text(encoding="utf-8"))
    records["funding"].update(file=hostile_file, title=f"Finansiering {SCRIPT}",
                              method=f"Metode {IFRAME} {JS_LINK} {ATTACHMENT} {local_image}")
    provenance.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    funders = data / "funders.csv"  # names that the tables show and the prose prints (the largest funder)
    replace_in(funders, ",Oppland fylkeskommune,", f",Oppland {SCRIPT},")
    replace_in(funders, ",Innovasjon Norge,", f",Innovasjon {ONERROR},")

    prose = root / "prose" / NAME / "permanent_work.md"
    prose.write_text(prose.read_text(encoding="utf-8")
                     + f"\n\nAnalytiker {SCRIPT} {ONERROR} {IFRAME} {JS_LINK} {ATTACHMENT} {local_image}\n",
                     encoding="utf-8")
    done = run(root, "build", "--config", CONFIG)
    assert done.returncode == 0, done.stderr
    return root


def _soup(root: Path) -> BeautifulSoup:
    return BeautifulSoup((root / "build" / f"{NAME}.html").read_text(encoding="utf-8"), "html.parser")


def test_the_html_twin_has_no_live_script(hostile):
    soup = _soup(hostile)
    assert soup.find_all(["script", "iframe", "object", "embed", "frame"]) == []
    for element in soup.find_all(True):
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), f"<{element.name} {attribute}=...>"
            if attribute.lower() in {"href", "src", "action", "formaction", "xlink:href"}:
                scheme = re.sub(r"[\s\x00-\x1f]", "", str(value)).lower().split(":", 1)[0]
                assert scheme not in {"javascript", "vbscript", "file"}, f"<{element.name} {attribute}={value!r}>"


@pytest.mark.parametrize("shown", [
    f"Sluttevaluering {SCRIPT} i Vestre Toten",  # the configuration's title
    f"Forfatter {ONERROR}",  # the author
    f"Finansiering {SCRIPT}",  # a dataset's title in datasets.yaml
    f"funding{ONERROR}.csv",  # its file
    "Metode <iframe src=javascript:alert(3)>",  # its method (as far as an escaped text can be read back)
    f"Oppland {SCRIPT}",  # values in the data
    f"Innovasjon {ONERROR}",
])
def test_text_from_data_and_configuration_is_shown_as_text(hostile, shown):
    assert shown in _soup(hostile).get_text()


def _pdf_objects(path: Path):
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            yield obj


def test_the_pdf_has_no_script_action_attachment_or_local_file(hostile):
    pdf_path = hostile / "build" / f"{NAME}.pdf"
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            keys = set(obj.keys())
            assert not keys & {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/Launch"}, keys
            assert obj.get("/Type") != "/EmbeddedFile" and obj.get("/Subtype") != "/FileAttachment"
            if obj.get("/S") in ("/JavaScript", "/Launch", "/GoToR", "/ImportData", "/SubmitForm"):
                pytest.fail(f"the PDF has a {obj.get('/S')} action")
            uri = str(obj.get("/URI", "")).strip().lower()
            assert not uri.startswith(("javascript:", "file:")), uri
            if obj.get("/Subtype") == "/Image":
                assert (int(obj.get("/Width")), int(obj.get("/Height"))) != PROBE_SIZE, "a local image was embedded"
            if isinstance(obj, pikepdf.Stream):
                try:
                    content = obj.read_bytes()
                except pikepdf.PdfError:
                    content = obj.read_raw_bytes()
                assert PASSWD_START not in content
        assert "/Names" not in pdf.Root or "/EmbeddedFiles" not in pdf.Root.Names


def test_the_pdf_shows_the_hostile_title_as_text(hostile):
    reader = PdfReader(hostile / "build" / f"{NAME}.pdf")
    assert reader.metadata.title == f"Sluttevaluering {SCRIPT} i Vestre Toten"
    assert SCRIPT in re.sub(r"\s*\n\s*", "", reader.pages[0].extract_text())  # the title may wrap anywhere


def test_the_pdf_writer_refuses_a_local_file_whatever_the_html(tmp_path):
    # The last line of defence, below the escaping and the sanitiser: WeasyPrint's URL fetcher reads
    # only the project's templates and data: URLs. A template or an output that let a local file
    # through stops the build, with a message, and writes nothing.
    from evalreport.pipeline.pdf import RenderingError, write_pdf
    from support import ROOT

    from PIL import Image

    probe = tmp_path / "probe.png"
    Image.new("RGB", PROBE_SIZE).save(probe)
    for body in (ATTACHMENT, f'<img src="file://{probe}" alt="">', f'<img src="{probe}" alt="">'):
        target = tmp_path / "out.pdf"
        with pytest.raises(RenderingError, match="neither part of the report nor of its templates"):
            write_pdf(f"<html><body><p>x {body}</p></body></html>", target, ROOT / "report_templates")
        assert not target.exists()


# Item 8: the case reads nothing outside its data folder, and says nothing of what a file outside holds.

@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """A copy of the project for checks that need no build; each test writes its own configuration."""
    return copy_project(tmp_path_factory.mktemp("plain") / "project")


def write_config(root: Path, name: str, **changes: str) -> str:
    """A copy of the bundled configuration with some lines replaced (key: new text after the key)."""
    text = (root / CONFIG).read_text(encoding="utf-8")
    for key, value in changes.items():
        text, count = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text)
        assert count == 1, key
    (root / "reports" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return f"reports/{name}.yaml"


def assert_stopped_with(done, *words: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_a_data_file_elsewhere_on_the_machine_is_refused_and_not_echoed(plain, tmp_path):
    secret = tmp_path / "elsewhere" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("SECRET_TOKEN=s3cr3t-value-0123456789\nx\n", encoding="utf-8")
    data = plain / "data" / "secret_case"
    data.mkdir()
    for source in (plain / "data" / NAME).iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    records = yaml.safe_load((data / "datasets.yaml").read_text(encoding="utf-8"))
    records["funding"]["file"] = str(secret)
    (data / "datasets.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
    config = write_config(plain, "secret_case", data_dir="data/secret_case", output_name="secret_case")
    for command in ("check", "build"):
        done = run(plain, command, "--config", config)
        assert_stopped_with(done, "funding", "outside the case's data folder")
        assert "SECRET_TOKEN" not in done.stderr + done.stdout and "s3cr3t" not in done.stderr + done.stdout


# Every process of the command records the files it opens under a watched folder: Python's audit
# hook, installed by a sitecustomize module in the test's own folder (PYTHONPATH).
SITECUSTOMIZE = '''
import os, sys
_log, _watched = os.environ.get("HOSTILE_TEST_OPENED"), os.environ.get("HOSTILE_TEST_WATCHED")
if _log and _watched:
    def _record(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.realpath(os.fsdecode(args[0]))
            if path.startswith(_watched + os.sep):
                with open(_log, "a", encoding="utf-8") as log:
                    log.write(path + "\\n")
    sys.addaudithook(_record)
'''


def test_the_configuration_is_checked_before_any_data_file_is_opened(plain, tmp_path):
    # A data folder that is not a case's (no datasets.yaml) but holds files, and a wrong language:
    # the language is reported, and not one of the files is opened (hashed) first.
    folder = tmp_path / "not_a_case"
    for index in range(50):
        (folder / f"part{index // 10}").mkdir(parents=True, exist_ok=True)
        (folder / f"part{index // 10}" / f"file{index}.csv").write_bytes(b"a,b\n1,2\n" * 1000)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    opened = tmp_path / "opened.log"
    path = os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")]))
    env = {"PYTHONPATH": path, "HOSTILE_TEST_OPENED": str(opened), "HOSTILE_TEST_WATCHED": str(folder)}
    wrong = write_config(plain, "wrong_language", data_dir=str(folder), language="de",
                         output_name="wrong_language")
    for command in ("check", "build"):
        done = run(plain, command, "--config", wrong, env=env)
        assert_stopped_with(done, "language")
        assert "datasets.yaml" not in done.stderr
    right = write_config(plain, "no_provenance", data_dir=str(folder), output_name="no_provenance")
    done = run(plain, "build", "--config", right, env=env)
    assert_stopped_with(done, "datasets.yaml", "missing")
    assert not opened.exists(), opened.read_text(encoding="utf-8")[:2000]


@pytest.mark.parametrize("language", ["de", "nb"])
def test_a_system_folder_as_data_dir_fails_at_once(plain, language):
    config = write_config(plain, f"usr_{language}", data_dir="/usr", language=language,
                          output_name=f"usr_{language}")
    done = run(plain, "build", "--config", config)
    if language == "de":
        assert_stopped_with(done, "key 'language'")
    else:
        assert_stopped_with(done, "/usr/datasets.yaml", "missing")


# Item 9: an output name must name a file in build/, never build/ itself or a folder above it.

@pytest.mark.parametrize("name", ["..", ".", "../elsewhere", ".hidden"])
def test_an_output_name_that_is_not_a_plain_file_name_is_refused(plain, name):
    config = write_config(plain, "bad_output", output_name=f"'{name}'")
    for command in ("check", "build"):
        done = run(plain, command, "--config", config)
        assert_stopped_with(done, "output_name")
    assert not (plain / "build" / ".work" / "state.json").exists()
    assert not (plain / "build" / "state.json").exists()


# Item 11: an impossible date is reported with its key, not as a raw ValueError.

@pytest.mark.parametrize("date", ["2018-13-01", "2018-02-30"])
def test_an_impossible_report_date_names_the_key(plain, date):
    config = write_config(plain, "bad_date", report_date=date)
    for command in ("check", "build"):
        done = run(plain, command, "--config", config)
        assert_stopped_with(done, "report_date", date)
        assert "ValueError" not in done.stderr


# Item 13: a comparison area listed twice is a configuration error, found by the check.

@pytest.mark.parametrize("comparison", ['["0528", "0528", "0"]',
                                        '["0528", "3442", "0"]'])  # Østre Toten's old and new number
def test_a_comparison_area_listed_twice_is_found_by_the_check(plain, comparison):
    config = write_config(plain, "twice", comparison=comparison)
    done = run(plain, "check", "--config", config)
    assert_stopped_with(done, "comparison", "3442", "more than once")
    assert "TypeError" not in done.stderr
