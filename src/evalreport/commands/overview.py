"""The portfolio overview: one report across programmes, made from the built reports' JSON sidecars.

One row per programme (its years, funding, the jobs it reports, public money per job, and the
synthetic-control estimate with its placebo p-value), a forest plot of the estimates with their
confidence sets where those are bounded, and the pooled picture: how many programmes show an effect
that normal variation cannot explain, against how many would by chance alone at the same
thresholds. It is written as every report is (PDF/A-2a and PDF/UA-1, checked, with its HTML twin),
in nb, nn or en, to build/portfolio.pdf, .html and .json.

The numbers are the reports' own: nothing is estimated again here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from evalreport import __version__, figures, regions, words
from evalreport.config import load_config
from evalreport.errors import ConfigError
from evalreport.exhibits import Look
from evalreport.files import write_text
from evalreport.formatting import for_language
from evalreport.pipeline import document, pdf, pdfcheck, publish
from evalreport.pipeline.portfolio import portfolio_cases, read_portfolio_file
from evalreport.tables import Column, make_table, table_rows

OUTPUT_NAME = "portfolio"

@dataclass(frozen=True)
class ProgrammeRow:
    """One programme as its built report's sidecar gives it."""

    case: str
    code: str  # the municipality's current number
    start: int
    end: int
    funding_nok: float | None
    jobs: float | None  # new and secured jobs, as the programme reports them
    cost_per_job_nok: float | None  # public money per reported job
    att: float | None  # index points
    p_value: float | None
    units: int | None
    significance: float
    level: float | None
    low: float | None
    high: float | None
    sample: bool
    built_at: str
    sample_kinds: tuple[str, ...] = ("reconstructed", "synthetic")  # what of its data is not published

    @property
    def clear(self) -> bool:
        return self.p_value is not None and self.p_value <= self.significance

    @property
    def chance(self) -> float:
        """The probability that the placebo test flags this programme with no effect at all: with n
        units and ties against the treated unit, p = rank / n <= alpha for floor(alpha n) ranks of n."""
        if not self.units:
            return 0.0
        return math.floor(round(self.significance * self.units, 9)) / self.units


def read_row(case: str, sidecar: dict) -> ProgrammeRow:
    """A programme's row from its sidecar; raise ConfigError naming the file if it lacks what the row needs."""
    try:
        parameters, figures = sidecar["parameters"], sidecar.get("key_figures", {})
        estimate = sidecar.get("effect") or {}
        jobs = [figures.get("jobs_new"), figures.get("jobs_secured")]
        return ProgrammeRow(
            case=case, code=regions.to_current_code(parameters["municipality"]),
            start=int(parameters["programme"]["start"]), end=int(parameters["programme"]["end"]),
            funding_nok=figures.get("total_funding_nok"),
            jobs=sum(j for j in jobs if j is not None) if any(j is not None for j in jobs) else None,
            cost_per_job_nok=figures.get("cost_per_job_nok"),
            att=estimate.get("att_points"), p_value=estimate.get("p_value"), units=estimate.get("units"),
            significance=float(estimate.get("significance", parameters["effect"]["significance"])),
            level=estimate.get("interval_level"), low=estimate.get("interval_low"), high=estimate.get("interval_high"),
            # A sidecar that does not say is taken as sample data: the overview never claims more than it knows.
            sample=bool(sidecar.get("sample", True)), built_at=sidecar.get("provenance", {}).get("built_at", ""),
            sample_kinds=tuple((sidecar.get("sample_data") or {}).get("kinds") or ("reconstructed", "synthetic")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"build/{case}.json: not a report's sidecar as this version writes it ({type(exc).__name__}: "
                          f"{exc}); build the report again with 'make report CASE={case}'") from None


def read_rows(project, config_paths: list[Path]) -> tuple[list[ProgrammeRow], list[str]]:
    """The rows of the built reports, in the order given, and the names of the cases not built."""
    rows, missing = [], []
    for path in config_paths:
        config = load_config(path, project.relative(path))
        sidecar_path = project.build_dir / f"{config.output_name}.json"
        if not sidecar_path.is_file():
            missing.append(path.stem)
            continue
        try:
            sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ConfigError(f"{project.relative(sidecar_path)}: damaged (not JSON); build the report again with "
                              f"'make report CASE={path.stem}'") from None
        rows.append(read_row(path.stem, sidecar))
    return rows, missing


# --- the pooled picture: pure numbers ---------------------------------------------------------------

def chance_of_at_least(k: int, probabilities: list[float]) -> float:
    """P(at least k successes) among independent trials with these success probabilities (the
    Poisson binomial distribution, by its recursion over trials)."""
    distribution = [1.0]
    for p in probabilities:
        distribution = [(distribution[i] if i < len(distribution) else 0.0) * (1 - p)
                        + (distribution[i - 1] * p if i > 0 else 0.0) for i in range(len(distribution) + 1)]
    return float(min(1.0, max(0.0, sum(distribution[k:]))))


@dataclass(frozen=True)
class Pooled:
    programmes: int  # with an estimate
    clear: int
    expected: float
    chance: float
    levels: tuple[float, ...]


def pool(rows: list[ProgrammeRow]) -> Pooled:
    """How many programmes show an effect normal variation cannot explain, against chance."""
    estimated = [r for r in rows if r.p_value is not None]
    clear = sum(r.clear for r in estimated)
    probabilities = [r.chance for r in estimated]
    return Pooled(len(estimated), clear, sum(probabilities), chance_of_at_least(clear, probabilities),
                  tuple(sorted({r.significance for r in estimated})))


# --- the document ---------------------------------------------------------------------------------------

def _name(row: ProgrammeRow, language: str) -> str:
    return regions.region_name(row.code, language)


def table_programmes(rows: list[ProgrammeRow], language: str, source: str, look: Look):
    fmt = for_language(language)

    def word(key: str) -> str:
        return words.text(language, f"overview.{key}")

    def maybe(formatter):
        return lambda value: word("no_estimate") if value is None or (isinstance(value, float) and math.isnan(value)) \
            else formatter(value)

    frame = pd.DataFrame([{
        "programme": _name(r, language), "years": fmt.years(r.start, r.end), "funding": r.funding_nok,
        "jobs": r.jobs, "cost": r.cost_per_job_nok, "effect": r.att, "p": r.p_value} for r in rows])
    columns = [Column("programme", word("col_programme"), numeric=False), Column("years", word("col_years")),
               Column("funding", word("col_funding"), maybe(lambda v: fmt.number(v / 1_000_000, 1))),
               Column("jobs", word("col_jobs"), maybe(lambda v: fmt.number(v))),
               Column("cost", word("col_cost"), maybe(lambda v: fmt.number(v))),
               Column("effect", word("col_effect"), maybe(lambda v: fmt.signed(v, 1))),
               Column("p", word("col_p"), maybe(lambda v: fmt.number(v, 2)))]
    return make_table(frame, columns, word("table_caption"), source, language, look)


def table_pooled(pooled: Pooled, language: str, source: str, look: Look):
    fmt = for_language(language)
    rows = [(words.text(language, "overview.pooled_row_clear"),
             f"{fmt.number(pooled.clear)} / {fmt.number(pooled.programmes)}"),
            (words.text(language, "overview.pooled_row_expected"), fmt.number(pooled.expected, 1)),
            (words.text(language, "overview.pooled_row_chance"), fmt.number(pooled.chance, 2))]
    headers = (words.text(language, "overview.pooled_what"), words.text(language, "overview.pooled_value"))
    return table_rows(rows, headers, language, look, words.text(language, "overview.pooled_table_caption"), source)


def plot_forest(rows: list[ProgrammeRow], language: str, source: str, look: Look):
    """A dot per programme at its estimate, its confidence interval as a line where bounded, a line at zero."""
    fmt = for_language(language)
    shown = [r for r in rows if r.att is not None]
    estimates = [r.att for r in shown]
    alt = words.text(language, "overview.forest_alt",
                     n=fmt.number(len(shown)), low=fmt.signed(min(estimates), 1) if estimates else "–",
                     high=fmt.signed(max(estimates), 1) if estimates else "–",
                     clear=fmt.number(sum(r.clear for r in shown)),
                     bounded=fmt.number(sum(r.low is not None for r in shown)))
    return figures.plot_forest([(_name(r, language), r.att, r.low, r.high, r.clear) for r in shown], fmt, look,
                               words.text(language, "overview.forest_caption"), source, alt,
                               x_label=words.text(language, "overview.forest_axis"))


def compose(rows: list[ProgrammeRow], missing: list[str], language: str, title: str, author: str,
            organisation: str, templates: Path) -> str:
    """The overview as one HTML document on the reports' template (title page, contents, numbering)."""
    look = Look(templates)
    fmt = for_language(language)

    def word(key: str, **values) -> str:
        return words.text(language, f"overview.{key}", **values)

    def chapter(key: str, paragraphs: list[str], exhibit=None) -> str:
        return look.html("overview.html.j2", title=word(key), paragraphs=paragraphs,
                         exhibit=Markup(exhibit._repr_html_()) if exhibit else "")

    source = word("source", cases=", ".join(r.case for r in rows))
    pooled = pool(rows)
    levels = fmt.join([fmt.number(level, 2) for level in pooled.levels], words.text(language, "words.and"))
    level = next((r.level for r in rows if r.level), None)
    missing_note = [word("missing", cases=", ".join(missing))] if missing else []
    pooled_text = word("pooled_text", clear=fmt.number(pooled.clear), n=fmt.number(pooled.programmes),
                       levels=levels or "–", expected=fmt.number(pooled.expected, 1))
    if pooled.clear:
        pooled_text += " " + word("pooled_chance", clear=fmt.number(pooled.clear), chance=fmt.number(pooled.chance, 2))
    chapters = [
        chapter("programmes", [word("programmes_intro"), *missing_note],
                table_programmes(rows, language, source, look)),
        chapter("estimates", [word("forest_text", level=fmt.number((level or 0.9) * 100))],
                plot_forest(rows, language, source, look)),
        chapter("pooled", [pooled_text, word("pooled_caveat")], table_pooled(pooled, language, source, look)),
        chapter("about", [word("about_text")]),
    ]
    fixed = {**words.section(language, "document"), "final_evaluation": word("kicker"),
             "sample_footer": document.sample_label(language, {
                 "kinds": sorted({k for r in rows if r.sample for k in r.sample_kinds}) or ["synthetic"],
                 "partly": True})["sample_footer"],
             "sample_notice": word("sample_notice")}
    before, _, after = fixed["page"].partition("{page}")
    created = max((r.built_at for r in rows), default="") or f"{dt.date.today().isoformat()}T12:00:00+00:00"
    years = (min(r.start for r in rows), max(r.end for r in rows)) if rows else None
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates / document.TEMPLATE_NAME),
                                     autoescape=jinja2.select_autoescape(["html", "j2"]))
    page = environment.get_template("report.html.j2").render(
        language=language, title=title, short_title=word("kicker"), subject=f"{word('kicker')}: {title}",
        keywords=", ".join([word("keywords"), *(_name(r, language) for r in rows)]),
        author=author, organisation=organisation, municipality=word("subtitle", n=fmt.number(len(rows))),
        programme_period=fmt.years(*years) if years else "–",
        report_date=fmt.date(dt.date.fromisoformat(created[:10])), version=__version__, created=created,
        sample=any(r.sample for r in rows), fixed=fixed, page_label_before=before,
        page_label_middle=after.split("{pages}")[0], stylesheet="evalreport/report.css", provenance_json="",
        chapters=chapters)
    return document.finish_document(page, language)


@dataclass(frozen=True)
class Written:
    pdf: Path
    html: Path
    sidecar: Path
    pages: int
    rows: int
    missing: list[str]

    def message(self, project) -> str:
        text = (f"The portfolio overview is ready: {project.relative(self.pdf)} ({self.pages} pages, {self.rows} "
                f"programme(s)); HTML twin: {project.relative(self.html)}")
        if self.missing:
            text += f"\nNot built, so not in it: {', '.join(self.missing)} (build them with 'make reports')"
        return text


def write_portfolio_report(project, portfolio_file: Path | None = None, language: str | None = None) -> Written:
    """Write build/portfolio.pdf (checked: PDF/A-2a, PDF/UA-1), its HTML twin and its JSON from the
    built reports of the portfolio (every case in reports/, or those `portfolio_file` lists)."""
    settings = read_portfolio_file(project, portfolio_file) if portfolio_file else {}
    language = language or settings.get("language", "nb")
    rows, missing = read_rows(project, portfolio_cases(project, portfolio_file))
    if not rows:
        raise ConfigError("none of the portfolio's reports is built: build them first with 'make reports'")
    title = settings.get("title") or words.text(language, "overview.title")
    page = compose(rows, missing, language, title, settings.get("author") or words.text(language, "overview.author"),
                   settings.get("organisation") or words.text(language, "overview.organisation"), project.templates)
    build = project.build_dir
    pdf_target, html_target, json_target = (build / f"{OUTPUT_NAME}{suffix}" for suffix in (".pdf", ".html", ".json"))
    staging = publish.Staging(build / ".work" / OUTPUT_NAME, OUTPUT_NAME)
    created = max(r.built_at for r in rows) or None
    epoch = int(dt.datetime.fromisoformat(created).timestamp()) if created else None
    checks = []
    pages = pdf.write_pdf(page, staging.path(".pdf"), project.templates, epoch=epoch,
                          verify=lambda tmp: checks.append(pdfcheck.verify_pdf(
                              tmp, language, title=title, label=project.relative(pdf_target))))
    document.write_html_twin(page, staging.path(".html"), project.templates, document.chart_digests(page))
    pooled = pool(rows)
    write_text(staging.path(".json"), json.dumps({
        "title": title, "language": language, "programmes": [r.__dict__ for r in rows], "missing": missing,
        "pooled": pooled.__dict__, "pdf_checks": {"passed": checks[0].passed, "checkers": list(checks[0].checkers)},
    }, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    publish.publish(staging, build, (".pdf", ".html", ".json"))
    return Written(pdf_target, html_target, json_target, pages, len(rows), missing)
