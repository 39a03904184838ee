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
import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalreport import regions
from evalreport.errors import ConfigError
from evalreport.files import write_text
from evalreport.formatting import for_language
from evalreport.pipeline import document, pdf, pdfcheck, publish
from evalreport.pipeline.portfolio import portfolio_cases, read_portfolio_file

OUTPUT_NAME = "portfolio"

WORDS = {
    "nb": {
        "kicker": "Porteføljeoversikt",
        "title": "Omstillingsprogrammene i porteføljen",
        "subtitle": "{n} programmer",
        "period": "Programmenes år",
        "author": "Laget automatisk",
        "organisation": "evalreport",
        "programmes": "Programmene",
        "sample_notice": ("Oversikten bygger på rapporter med rekonstruerte eller syntetiske data og er ikke en "
                          "faktisk evaluering. Hver rapport viser status for sine datasett."),
        "programmes_intro": ("Tabellen viser hvert program med årene det varte, midlene det fikk, arbeidsplassene "
                             "det selv rapporterer (nye og sikrede) og offentlige midler per slik arbeidsplass. "
                             "De to siste kolonnene er anslaget for virkningen på sysselsettingen fra den "
                             "syntetiske kontrollen i programmets egen rapport, i indekspoeng (prosent av "
                             "kommunens egen sysselsetting før programmet), og placebo-p-verdien: andelen "
                             "kommuner der avviket etter starten er minst like stort i forhold til tilpasningen "
                             "før."),
        "table_caption": "Programmene: år, midler, rapporterte arbeidsplasser og anslått virkning",
        "col_programme": "Program", "col_years": "År", "col_funding": "Midler (mill. kr)",
        "col_jobs": "Arbeidsplasser", "col_cost": "Offentlige kr per arbeidsplass", "col_effect": "Anslag (poeng)",
        "col_p": "p-verdi",
        "estimates": "Anslagene",
        "forest_caption": "Anslått virkning på sysselsettingen per program, med konfidensintervall",
        "forest_axis": "Virkning, indekspoeng",
        "forest_alt": ("Prikkdiagram over {n} programmer. Anslagene går fra {low} til {high} indekspoeng. "
                       "{clear} av dem har en p-verdi på eller under sitt signifikansnivå. {bounded} har et "
                       "avgrenset konfidensintervall, vist som en strek."),
        "forest_text": ("Figuren viser anslaget for hvert program som en prikk, med {level} prosent "
                        "konfidensintervall som en strek der placebotesten avgrenser det. Fylt prikk betyr at "
                        "placebo-p-verdien er på eller under programmets signifikansnivå; åpen prikk at den ikke er "
                        "det. Et intervall som omfatter null, betyr at testen ikke kan skille virkningen fra null."),
        "pooled": "Samlet bilde",
        "pooled_text": ("{clear} av {n} programmer har en virkning som normal variasjon ikke kan forklare, det vil si "
                        "en placebo-p-verdi på eller under programmets signifikansnivå ({levels}). Også uten noen "
                        "virkning i noe program ville vi ved tilfeldighet vente om lag {expected} slike funn blant "
                        "{n} programmer, fordi placebotesten slår ut for en andel av kommunene uten virkning som er "
                        "lik signifikansnivået."),
        "pooled_chance": "Sannsynligheten for å se minst {clear} slike funn bare ved tilfeldighet er {chance}.",
        "pooled_caveat": ("Sannsynligheten forutsetter at testene er uavhengige. Det er de ikke helt: "
                          "programmene deler kontrollkommuner og nasjonale konjunkturer, så tallet er en "
                          "rettesnor, ikke et presist svar. Forventet antall funn ved tilfeldighet gjelder "
                          "uansett. Et program uten et slikt funn er ikke bevis for at det var uten virkning: "
                          "små virkninger i små kommuner er vanskelige å skille fra vanlige svingninger."),
        "pooled_table_caption": "Samlet bilde: funn og hva tilfeldighet alene ville gitt",
        "pooled_row_clear": "Programmer med p-verdi på eller under signifikansnivået",
        "pooled_row_expected": "Forventet antall ved tilfeldighet, uten noen virkning",
        "pooled_row_chance": "Sannsynlighet for minst så mange funn ved tilfeldighet",
        "pooled_what": "Mål", "pooled_value": "Verdi",
        "missing": "Rapportene for {cases} er ikke bygget og er ikke med i oversikten.",
        "no_estimate": "–",
        "source": "Programmenes sluttevalueringer, bygget av evalreport ({cases})",
        "about": "Om tallene",
        "about_text": ("Tallene er hentet fra hver rapports JSON-fil (build/<navn>.json). Arbeidsplassene er "
                       "programmenes egne rapporterte tall og er ikke kontrollert. Anslaget er hovedanslaget i "
                       "rapportens kapittel om sysselsetting: gjennomsnittlig avvik mellom kommunen og dens "
                       "syntetiske kontroll i programårene. Hver rapport beskriver sine valg og sin usikkerhet."),
    },
    "nn": {
        "kicker": "Porteføljeoversyn",
        "title": "Omstillingsprogramma i porteføljen",
        "subtitle": "{n} program",
        "period": "Åra til programma",
        "author": "Laga automatisk",
        "organisation": "evalreport",
        "programmes": "Programma",
        "sample_notice": ("Oversynet byggjer på rapportar med rekonstruerte eller syntetiske data og er ikkje ei "
                          "faktisk evaluering. Kvar rapport viser status for datasetta sine."),
        "programmes_intro": ("Tabellen viser kvart program med åra det varte, midlane det fekk, arbeidsplassane "
                             "det sjølv rapporterer (nye og sikra) og offentlege midlar per slik arbeidsplass. "
                             "Dei to siste kolonnane er overslaget for verknaden på sysselsetjinga frå den "
                             "syntetiske kontrollen i rapporten til programmet, i indekspoeng (prosent av "
                             "sysselsetjinga i kommunen før programmet), og placebo-p-verdien: delen kommunar "
                             "der avviket etter starten er minst like stort i høve til tilpassinga før."),
        "table_caption": "Programma: år, midlar, rapporterte arbeidsplassar og overslag over verknad",
        "col_programme": "Program", "col_years": "År", "col_funding": "Midlar (mill. kr)",
        "col_jobs": "Arbeidsplassar", "col_cost": "Offentlege kr per arbeidsplass", "col_effect": "Overslag (poeng)",
        "col_p": "p-verdi",
        "estimates": "Overslaga",
        "forest_caption": "Overslag over verknaden på sysselsetjinga per program, med konfidensintervall",
        "forest_axis": "Verknad, indekspoeng",
        "forest_alt": ("Prikkdiagram over {n} program. Overslaga går frå {low} til {high} indekspoeng. "
                       "{clear} av dei har ein p-verdi på eller under signifikansnivået sitt. {bounded} har eit "
                       "avgrensa konfidensintervall, vist som ein strek."),
        "forest_text": ("Figuren viser overslaget for kvart program som ein prikk, med {level} prosent "
                        "konfidensintervall som ein strek der placebotesten avgrensar det. Fylt prikk tyder at "
                        "placebo-p-verdien er på eller under signifikansnivået til programmet; open prikk at han "
                        "ikkje er det. Eit intervall som omfattar null, tyder at testen ikkje kan skilje verknaden "
                        "frå null."),
        "pooled": "Samla bilete",
        "pooled_text": ("{clear} av {n} program har ein verknad som normal variasjon ikkje kan forklare, det vil "
                        "seie ein placebo-p-verdi på eller under signifikansnivået til programmet ({levels}). Òg "
                        "utan nokon verknad i noko program ville vi ved tilfeldigheit vente om lag {expected} slike "
                        "funn blant {n} program, fordi placebotesten slår ut for ein del av kommunane utan verknad "
                        "som er lik signifikansnivået."),
        "pooled_chance": "Sannsynet for å sjå minst {clear} slike funn berre ved tilfeldigheit er {chance}.",
        "pooled_caveat": ("Sannsynet føreset at testane er uavhengige. Det er dei ikkje heilt: programma deler "
                          "kontrollkommunar og nasjonale konjunkturar, så talet er ei rettesnor, ikkje eit presist "
                          "svar. Forventa tal på funn ved tilfeldigheit gjeld uansett. Eit program utan eit slikt "
                          "funn er ikkje prov for at det var utan verknad: små verknader i små kommunar er "
                          "vanskelege å skilje frå vanlege svingingar."),
        "pooled_table_caption": "Samla bilete: funn og kva tilfeldigheit åleine ville gitt",
        "pooled_row_clear": "Program med p-verdi på eller under signifikansnivået",
        "pooled_row_expected": "Forventa tal ved tilfeldigheit, utan nokon verknad",
        "pooled_row_chance": "Sannsyn for minst så mange funn ved tilfeldigheit",
        "pooled_what": "Mål", "pooled_value": "Verdi",
        "missing": "Rapportane for {cases} er ikkje bygde og er ikkje med i oversynet.",
        "no_estimate": "–",
        "source": "Sluttevalueringane til programma, bygde av evalreport ({cases})",
        "about": "Om tala",
        "about_text": ("Tala er henta frå JSON-fila til kvar rapport (build/<namn>.json). Arbeidsplassane er "
                       "tala programma sjølve har rapportert, og dei er ikkje kontrollerte. Overslaget er "
                       "hovudoverslaget i kapittelet om sysselsetjing: gjennomsnittleg avvik mellom kommunen og "
                       "den syntetiske kontrollen i programåra. Kvar rapport skildrar vala og uvissa si."),
    },
    "en": {
        "kicker": "Portfolio overview",
        "title": "The restructuring programmes in the portfolio",
        "subtitle": "{n} programmes",
        "period": "The programmes' years",
        "author": "Made automatically",
        "organisation": "evalreport",
        "programmes": "The programmes",
        "sample_notice": ("The overview rests on reports built on reconstructed or synthetic data and is not a "
                          "real evaluation. Each report shows the status of its datasets."),
        "programmes_intro": ("The table shows each programme with its years, the money it received, the jobs it "
                             "reports itself (new and secured) and public money per such job. The last two columns "
                             "are the estimated effect on employment from the synthetic control in the programme's "
                             "own report, in index points (per cent of the municipality's own employment before the "
                             "programme), and the placebo p-value: the share of municipalities whose gap after the "
                             "start is at least as large relative to their fit before."),
        "table_caption": "The programmes: years, funding, jobs reported and estimated effect",
        "col_programme": "Programme", "col_years": "Years", "col_funding": "Funding (NOK million)",
        "col_jobs": "Jobs", "col_cost": "Public NOK per job", "col_effect": "Estimate (points)",
        "col_p": "p-value",
        "estimates": "The estimates",
        "forest_caption": "Estimated effect on employment by programme, with confidence intervals",
        "forest_axis": "Effect, index points",
        "forest_alt": ("Dot plot of {n} programmes. The estimates range from {low} to {high} index points. "
                       "{clear} of them have a p-value at or below their significance level. {bounded} have a "
                       "bounded confidence interval, drawn as a line."),
        "forest_text": ("The figure shows each programme's estimate as a dot, with its {level} per cent confidence "
                        "interval as a line where the placebo test bounds it. A filled dot means the placebo "
                        "p-value is at or below the programme's significance level; an open dot that it is not. An "
                        "interval that includes zero means the test cannot tell the effect from zero."),
        "pooled": "The pooled picture",
        "pooled_text": ("{clear} of {n} programmes show an effect that normal variation cannot explain, that is, a "
                        "placebo p-value at or below the programme's significance level ({levels}). Even if no "
                        "programme had any effect we would expect about {expected} such findings among {n} "
                        "programmes by chance, since the placebo test flags a share of the municipalities without an "
                        "effect equal to the significance level."),
        "pooled_chance": "The probability of at least {clear} such findings by chance alone is {chance}.",
        "pooled_caveat": ("That probability assumes the tests are independent. They are not quite: the programmes "
                          "share control municipalities and national business cycles, so the figure is a guide, not "
                          "a precise answer. The expected number of chance findings holds regardless. A programme "
                          "without such a finding is not proof that it had no effect: small effects in small "
                          "municipalities are hard to tell from ordinary fluctuations."),
        "pooled_table_caption": "The pooled picture: findings and what chance alone would give",
        "pooled_row_clear": "Programmes with a p-value at or below the significance level",
        "pooled_row_expected": "Expected number by chance, with no effect anywhere",
        "pooled_row_chance": "Probability of at least as many findings by chance",
        "pooled_what": "Measure", "pooled_value": "Value",
        "missing": "The reports of {cases} are not built and are not in the overview.",
        "no_estimate": "–",
        "source": "The programmes' final evaluations, built by evalreport ({cases})",
        "about": "About the figures",
        "about_text": ("The figures come from each report's JSON file (build/<name>.json). The jobs are the "
                       "programmes' own reported figures and have not been verified. The estimate is the main "
                       "estimate in the report's chapter on employment: the mean gap between the municipality and "
                       "its synthetic control over the programme years. Each report describes its choices and its "
                       "uncertainty."),
    },
}


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
            sample=bool(sidecar.get("sample", True)), built_at=sidecar.get("provenance", {}).get("built_at", ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"build/{case}.json: not a report's sidecar as this version writes it ({type(exc).__name__}: "
                          f"{exc}); build the report again with 'make report CASE={case}'") from None


def read_rows(project, config_paths: list[Path]) -> tuple[list[ProgrammeRow], list[str]]:
    """The rows of the built reports, in the order given, and the names of the cases not built."""
    from evalreport.config import load_config

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


def table_programmes(rows: list[ProgrammeRow], language: str, source: str):
    from evalreport.tables import Column, make_table

    fmt, words = for_language(language), WORDS[language]

    def maybe(formatter):
        return lambda value: words["no_estimate"] if value is None or (isinstance(value, float) and math.isnan(value)) \
            else formatter(value)

    frame = pd.DataFrame([{
        "programme": _name(r, language), "years": fmt.years(r.start, r.end), "funding": r.funding_nok,
        "jobs": r.jobs, "cost": r.cost_per_job_nok, "effect": r.att, "p": r.p_value} for r in rows])
    columns = [Column("programme", words["col_programme"], numeric=False), Column("years", words["col_years"]),
               Column("funding", words["col_funding"], maybe(lambda v: fmt.number(v / 1_000_000, 1))),
               Column("jobs", words["col_jobs"], maybe(lambda v: fmt.number(v))),
               Column("cost", words["col_cost"], maybe(lambda v: fmt.number(v))),
               Column("effect", words["col_effect"], maybe(lambda v: fmt.signed(v, 1))),
               Column("p", words["col_p"], maybe(lambda v: fmt.number(v, 2)))]
    return make_table(frame, columns, words["table_caption"], source, language)


def table_pooled(pooled: Pooled, language: str, source: str):
    from evalreport.tables import table_rows

    fmt, words = for_language(language), WORDS[language]
    rows = [(words["pooled_row_clear"], f"{fmt.number(pooled.clear)} / {fmt.number(pooled.programmes)}"),
            (words["pooled_row_expected"], fmt.number(pooled.expected, 1)),
            (words["pooled_row_chance"], fmt.number(pooled.chance, 2))]
    return table_rows(rows, (words["pooled_what"], words["pooled_value"]), language, words["pooled_table_caption"],
                      source)


def plot_forest(rows: list[ProgrammeRow], language: str, source: str, fonts_dir: Path):
    """A dot per programme at its estimate, its confidence interval as a line where bounded, a line at zero."""
    from evalreport import figures

    figures.configure_matplotlib(fonts_dir)
    import matplotlib.pyplot as plt

    fmt, words = for_language(language), WORDS[language]
    shown = [r for r in rows if r.att is not None]
    fig, ax = plt.subplots(figsize=(figures.WIDTH_IN, max(1.6, 0.32 * len(shown) + 0.9)))
    colour = figures.PALETTE[0]
    for y, row in enumerate(reversed(shown)):
        if row.low is not None and row.high is not None:
            ax.plot([row.low, row.high], [y, y], color=colour, linewidth=1.4, solid_capstyle="butt")
        ax.plot([row.att], [y], marker="o", markersize=6, color=colour,
                markerfacecolor=colour if row.clear else "white", markeredgewidth=1.4, linestyle="none")
    ax.axvline(0, color=figures.CONTEXT_COLOUR, linewidth=0.8)
    ax.set_yticks(range(len(shown)), [_name(r, language) for r in reversed(shown)])
    ax.set_ylim(-0.7, len(shown) - 0.3)
    ax.set_xlabel(words["forest_axis"])
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: fmt.signed(v, 0)))
    estimates = [r.att for r in shown]
    alt = words["forest_alt"].format(
        n=fmt.number(len(shown)), low=fmt.signed(min(estimates), 1) if estimates else "–",
        high=fmt.signed(max(estimates), 1) if estimates else "–", clear=fmt.number(sum(r.clear for r in shown)),
        bounded=fmt.number(sum(r.low is not None for r in shown)))
    return figures._figure(figures._to_svg(fig), alt, words["forest_caption"], source, language)


def _section(title: str, *parts: str) -> str:
    return f'<section class="chapter"><h1>{html.escape(title)}</h1>{"".join(parts)}</section>'


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def compose(rows: list[ProgrammeRow], missing: list[str], language: str, title: str, author: str,
            organisation: str, templates: Path) -> str:
    """The overview as one HTML document on the reports' template (title page, contents, numbering)."""
    import jinja2

    from evalreport import __version__, texts
    from evalreport.pipeline.document import TEMPLATE_NAME, finish_document

    fmt, words = for_language(language), WORDS[language]
    source = words["source"].format(cases=", ".join(r.case for r in rows))
    pooled = pool(rows)
    levels = fmt.join([fmt.number(level, 2) for level in pooled.levels], "og" if language != "en" else "and")
    level = next((r.level for r in rows if r.level), None)
    missing_note = [_paragraph(words["missing"].format(cases=", ".join(missing)))] if missing else []
    chapters = [
        _section(words["programmes"], _paragraph(words["programmes_intro"]), *missing_note,
                 table_programmes(rows, language, source)._repr_html_()),
        _section(words["estimates"], _paragraph(words["forest_text"].format(level=fmt.number((level or 0.9) * 100))),
                 plot_forest(rows, language, source, templates / "fonts")._repr_html_()),
        _section(words["pooled"], _paragraph(words["pooled_text"].format(
            clear=fmt.number(pooled.clear), n=fmt.number(pooled.programmes), levels=levels or "–",
            expected=fmt.number(pooled.expected, 1))
            + (" " + words["pooled_chance"].format(clear=fmt.number(pooled.clear), chance=fmt.number(pooled.chance, 2))
               if pooled.clear else "")),
            _paragraph(words["pooled_caveat"]), table_pooled(pooled, language, source)._repr_html_()),
        _section(words["about"], _paragraph(words["about_text"])),
    ]
    fixed = {**texts.fixed(language), "final_evaluation": words["kicker"], "sample_notice": words["sample_notice"]}
    before, _, after = fixed["page"].partition("{page}")
    created = max((r.built_at for r in rows), default="") or f"{dt.date.today().isoformat()}T12:00:00+00:00"
    years = (min(r.start for r in rows), max(r.end for r in rows)) if rows else None
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates / TEMPLATE_NAME),
                                     autoescape=jinja2.select_autoescape(["html", "j2"]))
    page = environment.get_template("report.html.j2").render(
        language=language, title=title, short_title=words["kicker"], subject=f"{words['kicker']}: {title}",
        keywords=", ".join(["omstillingsprogram", "portefølje", *(_name(r, language) for r in rows)]),
        author=author, organisation=organisation, municipality=words["subtitle"].format(n=fmt.number(len(rows))),
        programme_period=fmt.years(*years) if years else "–",
        report_date=fmt.date(dt.date.fromisoformat(created[:10])), version=__version__, created=created,
        sample=any(r.sample for r in rows), fixed=fixed, page_label_before=before,
        page_label_middle=after.split("{pages}")[0], stylesheet="evalreport/report.css", provenance_json="",
        chapters=chapters)
    return finish_document(page, language)


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
    words = WORDS[language]
    rows, missing = read_rows(project, portfolio_cases(project, portfolio_file))
    if not rows:
        raise ConfigError("none of the portfolio's reports is built: build them first with 'make reports'")
    title = settings.get("title") or words["title"]
    page = compose(rows, missing, language, title, settings.get("author") or words["author"],
                   settings.get("organisation") or words["organisation"], project.templates)
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
