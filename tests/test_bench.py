"""`make bench` measures the build against a lower bound that runs every chapter's code in one
process; that lower bound must still build the whole report, or the benchmark stops (it did once,
when the chapters' glue no longer went through the display it replaced)."""

from __future__ import annotations

from pypdf import PdfReader

from support import CONFIG


def test_the_benchmarks_lower_bound_builds_the_whole_bundled_report(project, tmp_path):
    from dev.bench import build_without_kernels

    out = tmp_path / "lower.pdf"
    pages = build_without_kernels(CONFIG, out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert pages == len(PdfReader(out).pages) >= 20
    # values every chapter glues for its text are in: the introduction's and chapter 4's
    assert "omstillingskommune etter søknad i 2009" in " ".join(text.split())
    assert "Hadde programmet en virkning på sysselsettingen?" in text
