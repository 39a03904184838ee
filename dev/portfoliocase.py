"""Write a synthetic portfolio of restructuring programmes, for benchmarks and tests.

Seeded, so the same seed and size give the same files. Every programme is a complete case
(`reports/<name>.yaml`, `data/<name>/`, `prose/<name>/`) built on one national synthetic donor
panel: employment in every municipality of today, 2000–2025, which every case's data folder holds
as the same file (a hard link where the file system allows). Every dataset record and statistics
row is marked `synthetic`, so every report says on its title page and in its footer that it is not
a real evaluation.

The programmes are spread over the counties, over start years 2008–2021 and over both sides of the
renumberings of 2020 and 2024: a municipality is named in its configuration by the number it had
when its programme started, and its statistics carry the number in use in each year, as SSB's
tables do. Some programmes get a true effect on employment (a few per cent from their first year),
so that the portfolio overview has something to find; the configuration does not say which.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20260101
PANEL_YEARS = list(range(2000, 2026))
REGISTER_YEAR = 2024  # the municipalities of today, whose codes the donor panel uses
FIRST_START, LAST_START = 2008, 2021
PANEL_FILE = "donor_pool_employment.csv"
SHARED_PANEL = Path("data") / "portfolio_donor_pool" / PANEL_FILE
TRUE_EFFECT_SHARE = 0.3  # the share of programmes given a real effect on employment
TRUE_EFFECT_PCT = (3.0, 7.0)  # its size, per cent of employment, drawn between these

FOCUS_AREAS = ["Industri og teknologi", "Reiseliv og opplevelser", "Kompetanse og rekruttering",
               "Nyskaping og etablering", "Havbruk og sjømat", "Landbruk og mat"]
ADMINISTRATION = "Administrasjon og drift"
PROJECT_WORDS = ["Leverandørnettverk", "Produktutvikling", "Etablerertjeneste", "Kompetanseløft",
                 "Næringsareal", "Reiselivsklynge", "Digitalisering", "Lokalmat", "Inkubator", "Fagbrev på jobb"]
PROSE_SLOTS = ("background", "organisation", "projects", "qualitative_goals", "assessment", "employment",
               "capacity", "permanent_work", "lessons")
PROSE = ("Dette er en syntetisk sak laget for å teste og måle evalreport. {{ municipality }} og tallene "
         "her er ikke en virkelig evaluering, og teksten sier ingenting om kommunen.")


@dataclass(frozen=True)
class Programme:
    """One synthetic programme: where, when, and the true effect put into its employment."""

    name: str
    code: str  # the municipality's number today
    neighbour: str  # a comparison municipality in the same county, its number today
    start: int
    end: int
    effect_pct: float

    @property
    def period(self) -> tuple[int, int]:
        return self.start - 3, min(self.end + 2, PANEL_YEARS[-1])


def code_in_year(current: str, year: int) -> str | None:
    """The number the municipality with today's number `current` had on 1 January of `year`, if it
    existed as one unit then (None where it was formed by a merger after `year`)."""
    return _codes_by_year(year).get(current)


_CODES: dict[int, dict[str, str]] = {}


def _codes_by_year(year: int) -> dict[str, str]:
    """Today's number -> the number that year, for municipalities that are one unit through both."""
    from evalreport import regions

    if year not in _CODES:
        found: dict[str, list[str]] = {}
        for code in regions.municipalities_in(year):
            found.setdefault(regions.to_current_code(code), []).append(code)
        _CODES[year] = {current: codes[0] for current, codes in found.items() if len(codes) == 1}
    return _CODES[year]


def _renumbered(current: str, years) -> bool:
    return any(code_in_year(current, y) not in (None, current) for y in years)


def choose_programmes(n: int, rng: np.random.Generator) -> list[Programme]:
    """`n` programmes in different municipalities: every third across the 2020 renumbering, every
    third across 2024's where such municipalities are left, the counties taken in turn."""
    from evalreport import regions

    today = regions.municipalities_in(REGISTER_YEAR)
    by_county: dict[str, list[str]] = {}
    for code in today:
        by_county.setdefault(code[:2], []).append(code)
    counties = sorted(by_county)
    used: set[str] = set()
    programmes = []
    for i in range(n):
        for attempt in range(200):
            start = int(rng.integers(FIRST_START, LAST_START + 1))
            if i % 3 == 0:
                start = int(rng.integers(2016, 2020))  # its period runs across 1 January 2020
            elif i % 3 == 1:
                start = int(rng.integers(2020, LAST_START + 1))  # its period runs across 1 January 2024
            end = min(start + int(rng.integers(3, 7)) - 1, PANEL_YEARS[-1] - 2)
            years = range(start - 3, min(end + 2, PANEL_YEARS[-1]) + 1)
            county = counties[(i + attempt) % len(counties)]
            candidates = [c for c in by_county[county] if c not in used
                          and all(code_in_year(c, y) is not None for y in years)]
            wanted = [c for c in candidates if _renumbered(c, years)] if i % 3 != 2 else candidates
            if i % 3 != 2 and not wanted and attempt < 50:
                continue  # another county, one with renumbered municipalities
            pool = wanted or candidates
            if len(pool) < 2:
                continue
            code, neighbour = (str(c) for c in rng.choice(pool, size=2, replace=False))
            if not all(code_in_year(neighbour, y) is not None for y in years):
                continue
            used.add(code)
            effect = float(rng.uniform(*TRUE_EFFECT_PCT)) if rng.random() < TRUE_EFFECT_SHARE else 0.0
            name = f"syn{i + 1:02d}_{_slug(regions.region_name(code))}"
            programmes.append(Programme(name, code, neighbour, start, end, effect))
            break
        else:
            raise ValueError(f"could not place programme {i + 1} of {n}: too few municipalities left")
    return programmes


def _slug(name: str) -> str:
    import re
    import unicodedata

    folded = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:30] or "kommune"


def national_panel(programmes: list[Programme], rng: np.random.Generator) -> pd.DataFrame:
    """Employment in every municipality of today, 2000–2025: sizes spread as Norway's are, a common
    national path (the dips of 2003, 2009 and 2020), a trend and noise of each municipality's own,
    and each programme's true effect from its first year on."""
    from evalreport import regions

    growth = [1.0, 1.004, 0.996, 0.994, 1.006, 1.014, 1.022, 1.030, 1.026, 0.985, 1.002, 1.012, 1.010,
              1.006, 1.004, 1.003, 1.006, 1.010, 1.012, 1.008, 0.985, 1.030, 1.020, 1.008, 1.004, 1.003]
    national = np.cumprod(growth)
    effects = {p.code: p for p in programmes}
    years = np.array(PANEL_YEARS)
    rows = []
    for code in regions.municipalities_in(REGISTER_YEAR):
        size = float(np.clip(rng.lognormal(np.log(2500), 1.2), 300, 450_000))
        trend = rng.normal(0.0, 0.006)
        noise = rng.normal(0.0, 0.003 + 0.3 / np.sqrt(size), len(years))
        values = size * national * np.exp(trend * np.arange(len(years)) + np.cumsum(noise))
        if code in effects and effects[code].effect_pct:
            values = values * np.where(years >= effects[code].start, 1 + effects[code].effect_pct / 100, 1.0)
        name = regions.region_name(code)
        rows += [(code, name, int(y), int(round(v))) for y, v in zip(years, values)]
    return pd.DataFrame(rows, columns=["region_code", "region_name", "year", "employed"])


def _statistics(rows: list[tuple[str, int, float]], column: str) -> str:
    from evalreport import regions

    lines = [f"region_code,region_name,year,{column},status,source_url"]
    for code, year, value in rows:
        name = "Hele landet" if code == "0" else regions.region_name(code, year=year)
        lines.append(f"{code},{name},{year},{value},synthetic,")
    return "\n".join(lines) + "\n"


def _link_or_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        import shutil

        shutil.copyfile(source, target)


def write_programme(root: Path, programme: Programme, panel: pd.DataFrame, rng: np.random.Generator) -> Path:
    """Write one programme's case into the project at `root`; return its configuration's path."""
    from evalreport import regions

    p = programme
    first, last = p.period
    years = list(range(first, last + 1))
    programme_years = list(range(p.start, p.end + 1))
    data = root / "data" / p.name
    data.mkdir(parents=True, exist_ok=True)
    county = regions.lookup(code_in_year(p.code, p.start)).county_code  # the county that funded it, then
    county_name = regions.region_name(county, year=p.start) if county else "Fylket"
    name = regions.region_name(p.code)
    (data / "funders.csv").write_text(
        "funder_id,name,kind,public\n"
        f"fylket,{county_name} fylkeskommune,fylkeskommune,ja\n"
        f"kommunen,{name} kommune,kommune,ja\n"
        "in,Innovasjon Norge,innovasjon_norge,ja\n", encoding="utf-8")
    scale = float(rng.uniform(0.6, 1.6))
    funding, spending, yearly = ["year,funder_id,amount_nok"], ["year,focus_area,amount_nok"], {}
    areas = list(rng.choice(FOCUS_AREAS, size=2, replace=False))
    for year in programme_years:
        county_nok = int(round(scale * rng.uniform(1.5, 2.5), 1) * 1_000_000)
        municipal_nok = int(round(scale * rng.uniform(0.3, 0.8), 1) * 1_000_000)
        innovation_nok = int(round(scale * rng.uniform(0.5, 1.5), 1) * 1_000_000)
        funding += [f"{year},fylket,{county_nok}", f"{year},kommunen,{municipal_nok}",
                    f"{year},in,{innovation_nok}"]
        total = county_nok + municipal_nok + innovation_nok
        yearly[year] = total
        admin = round(total * 0.15, -4)
        first_area = round((total - admin) * 0.6, -4)
        spending += [f"{year},{ADMINISTRATION},{int(admin)}", f"{year},{areas[0]},{int(first_area)}",
                     f"{year},{areas[1]},{int(total - admin - first_area)}"]
    (data / "funding.csv").write_text("\n".join(funding) + "\n", encoding="utf-8")
    (data / "spending.csv").write_text("\n".join(spending) + "\n", encoding="utf-8")
    projects = ["project_id,name,focus_area,start_year,granted_nok,paid_nok,total_cost_nok"]
    for j in range(int(rng.integers(4, 9))):
        granted = int(round(rng.uniform(0.2, 2.0), 1) * 1_000_000)
        paid = int(round(granted * rng.uniform(0.8, 1.0), -4))
        projects.append(f"P{j + 1:02d},{PROJECT_WORDS[j % len(PROJECT_WORDS)]} i {name},{areas[j % 2]},"
                        f"{int(rng.choice(programme_years))},{granted},{paid},{int(round(paid * rng.uniform(1.5, 3.5), -4))}")
    (data / "projects.csv").write_text("\n".join(projects) + "\n", encoding="utf-8")
    new_target, secured_target = int(rng.integers(4, 16)) * 10, int(rng.integers(2, 10)) * 10
    (data / "goals.csv").write_text(
        "goal_id,indicator,description,target,achieved\n"
        f"M1,nye_arbeidsplasser,Nye arbeidsplasser,{new_target},{int(new_target * rng.uniform(0.5, 1.3))}\n"
        f"M2,sikrede_arbeidsplasser,Sikrede arbeidsplasser,{secured_target},"
        f"{int(secured_target * rng.uniform(0.5, 1.3))}\n"
        f"M3,nye_bedrifter,Nye bedrifter,{int(rng.integers(5, 20))},{int(rng.integers(3, 25))}\n", encoding="utf-8")
    by_code = panel.set_index(["region_code", "year"])["employed"]
    national = panel.groupby("year")["employed"].sum()
    employment = [(code_in_year(c, y), y, int(by_code[(c, y)])) for c in (p.code, p.neighbour) for y in years]
    employment += [("0", y, int(national[y])) for y in years]
    (data / "employment.csv").write_text(_statistics(employment, "employed"), encoding="utf-8")
    level = float(rng.uniform(1.5, 4.0))
    unemployment = [(code_in_year(p.code, y), y, round(level + rng.normal(0, 0.4), 1)) for y in years]
    unemployment += [("0", y, round(2.8 + 0.3 * np.sin(y), 1)) for y in years]
    (data / "unemployment.csv").write_text(_statistics(unemployment, "unemployed_pct"), encoding="utf-8")
    people = int(by_code[(p.code, years[0])] * rng.uniform(1.8, 2.3))
    population = [(code_in_year(p.code, y), y, int(people * (1 + rng.normal(0, 0.004)) ** (y - first)))
                  for y in years]
    (data / "population.csv").write_text(_statistics(population, "population"), encoding="utf-8")
    dwellings = [(code_in_year(p.code, y), y, int(rng.integers(5, 40) * people / 10_000 + 1)) for y in years]
    (data / "dwellings.csv").write_text(_statistics(dwellings, "dwellings_completed"), encoding="utf-8")
    enterprises = [(code_in_year(p.code, y), y, int(rng.integers(10, 60) * people / 10_000 + 1)) for y in years]
    (data / "enterprises.csv").write_text(_statistics(enterprises, "new_enterprises"), encoding="utf-8")
    finances = ["region_code,region_name,year,netto_driftsresultat_pct,robek,status,source_url"]
    finances += [f"{code_in_year(p.code, y)},{regions.region_name(code_in_year(p.code, y), year=y)},{y},"
                 f"{rng.normal(1.5, 1.5):.1f},0,synthetic," for y in years]
    (data / "municipal_finances.csv").write_text("\n".join(finances) + "\n", encoding="utf-8")
    _link_or_copy(root / SHARED_PANEL, data / PANEL_FILE)
    datasets = "".join(
        f"{dataset}:\n  file: {dataset}.csv\n  title: Syntetiske data ({dataset})\n"
        "  source: Syntetisk portefølje (dev.portfoliocase)\n  source_url: ''\n"
        "  licence: CC BY 4.0 (evalreport sample data)\n  retrieved: '2026-01-01'\n  status: synthetic\n"
        f"  method: Laget med fast frø for å teste og måle evalreport; ingen virkelige tall.\n"
        for dataset in ("funders", "funding", "spending", "projects", "goals", "employment", "unemployment",
                        "population", "dwellings", "enterprises", "municipal_finances", "donor_pool_employment"))
    (data / "datasets.yaml").write_text(datasets, encoding="utf-8")
    prose = root / "prose" / p.name
    prose.mkdir(parents=True, exist_ok=True)
    for slot in PROSE_SLOTS:
        (prose / f"{slot}.md").write_text(PROSE + "\n", encoding="utf-8")
    config = root / "reports" / f"{p.name}.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(textwrap.dedent(f"""\
        # Synthetic: written by dev.portfoliocase; not a real programme.
        title: Sluttevaluering av omstillingsprogrammet i {name} {p.start}–{p.end}
        municipality: "{code_in_year(p.code, p.start)}"
        programme:
          start: {p.start}
          end: {p.end}
        period:
          start: {first}
          end: {last}
        base_year: {p.start - 1}
        comparison: ["{code_in_year(p.neighbour, p.start)}", "0"]
        author: Syntetisk forfatter
        organisation: evalreport (syntetisk portefølje)
        report_date: {min(p.end + 1, 2026)}-06-01
        language: nb
        data_dir: data/{p.name}
        output_name: {p.name}
        administration_area: {ADMINISTRATION}
        goal_indicators:
          nye_arbeidsplasser: new_jobs
          sikrede_arbeidsplasser: secured_jobs
          nye_bedrifter: other
        effect:
          fit_years: {PANEL_YEARS[0]}-{p.start - 1}
        """), encoding="utf-8")
    return config


def write_portfolio(root: Path, n: int, seed: int = SEED) -> list[Path]:
    """Write `n` synthetic programmes and their shared donor panel into the project at `root`;
    return their configurations' paths (the same seed and `n` give the same files)."""
    if n < 1:
        raise ValueError(f"a portfolio needs at least one programme (asked for {n})")
    rng = np.random.default_rng(seed)
    programmes = choose_programmes(n, rng)
    panel = national_panel(programmes, rng)
    shared = root / SHARED_PANEL
    shared.parent.mkdir(parents=True, exist_ok=True)
    frame = panel.assign(status="synthetic", source_url="")
    frame.to_csv(shared, index=False, lineterminator="\n")
    return [write_programme(root, p, panel, rng) for p in programmes]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many programmes")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--root", default=".", help="the project to write into (default: here)")
    args = parser.parse_args(argv)
    for path in write_portfolio(Path(args.root).resolve(), args.count, args.seed):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
