"""The publisher (pipeline/publish.py) on small hand-made outputs: the links, the switch, the modes,
and the outputs of an older version (plain files) replaced by links without a moment of a mixed set.
The real builds stopped and killed at these steps are in tests/test_faults.py."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from evalreport.files import file_mode, folder_mode
from evalreport.pipeline import publish

SUFFIXES = (".pdf", ".html", ".json")


def stage(work: Path, text: str) -> publish.Staging:
    staging = publish.Staging(work, "r")
    for suffix in SUFFIXES:
        staging.path(suffix).write_text(f"{text}{suffix}", encoding="utf-8")
    return staging


def seen(build: Path) -> list[str | None]:
    """What a reader finds at build/r.*: each file's text, or None."""
    found = []
    for suffix in SUFFIXES:
        try:
            found.append((build / f"r{suffix}").read_text(encoding="utf-8"))
        except FileNotFoundError:
            found.append(None)
    return found


def test_a_set_is_published_through_links_switched_at_once(tmp_path):
    work, build = tmp_path / "build" / ".work" / "r", tmp_path / "build"
    first = stage(work, "one")
    assert not publish.switched(first)
    publish.publish(first, build, SUFFIXES)
    assert publish.switched(first)
    assert seen(build) == ["one.pdf", "one.html", "one.json"]
    assert all((build / f"r{s}").is_symlink() and not os.path.isabs(os.readlink(build / f"r{s}")) for s in SUFFIXES)
    second = stage(work, "two")
    publish.publish(second, build, SUFFIXES)
    assert seen(build) == ["two.pdf", "two.html", "two.json"]
    assert publish.switched(second) and not publish.switched(first)
    assert [p.name for p in (work / "published").glob("v-*")] == [publish.published_version(work)]  # the old set gone


def test_the_outputs_and_their_folder_have_the_modes_of_new_ones(tmp_path):
    # A temporary folder is made 0700; the published one must let in whom the umask lets in.
    work, build = tmp_path / "build" / ".work" / "r", tmp_path / "build"
    publish.publish(stage(work, "one"), build, SUFFIXES)
    for suffix in SUFFIXES:
        target = Path(os.path.realpath(build / f"r{suffix}"))
        assert stat.S_IMODE(target.stat().st_mode) == file_mode()
        assert stat.S_IMODE(target.parent.stat().st_mode) == folder_mode()


def test_plain_outputs_are_replaced_by_links_with_the_same_bytes_first(tmp_path, monkeypatch):
    # An older version wrote build/r.pdf, .html, .json as files. Stopped after the first link, a
    # reader still finds the old three; the next publication shows the new three.
    work, build = tmp_path / "build" / ".work" / "r", tmp_path / "build"
    build.mkdir(parents=True)
    for suffix in SUFFIXES:
        (build / f"r{suffix}").write_text(f"old{suffix}", encoding="utf-8")
    original, links = os.replace, []

    def replace(source, target, *args, **kwargs):
        if Path(target).parent == build:
            links.append(target)
            if len(links) == 2:
                raise KeyboardInterrupt
        return original(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    staging = stage(work, "new")
    with pytest.raises(KeyboardInterrupt):
        publish.publish(staging, build, SUFFIXES)
    assert (build / "r.pdf").is_symlink() and not (build / "r.html").is_symlink()
    assert seen(build) == ["old.pdf", "old.html", "old.json"]
    assert not publish.switched(staging)
    monkeypatch.setattr(os, "replace", original)
    publish.publish(stage(work, "new"), build, SUFFIXES)
    assert seen(build) == ["new.pdf", "new.html", "new.json"]
    assert all((build / f"r{s}").is_symlink() for s in SUFFIXES)
