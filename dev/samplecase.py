"""Write the bundled Vestre Toten case: published figures where they exist, the rest made up.

Only a few figures of the real programme were ever published (DOMAIN.md; `data/reference/`).
This module writes a complete, internally consistent case around them: every published figure
is kept exactly, and everything else is reconstructed (derived from published figures) or
synthetic (made by a seeded random generator). Each row of the public statistics says which it
is, and `datasets.yaml` says how each file was made. Run `make sample-data` to write the
files again; the output is the same byte for byte.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from evalreport.ssb.definitions import SSB_LICENCE

SEED = 20180101
YEARS = list(range(2008, 2020))
PROGRAMME_YEARS = list(range(2011, 2018))
RETRIEVED = "2026-11-26"

# Published figures (DOMAIN.md and data/reference/), kept exactly.
ARTICLE_URL = ""  # the newspaper report on the final evaluation (2018) is cited by name only
KOMMUNE_EMPLOYMENT_URL = (
    "http://vestre-toten.kommune.no/framsidelenker/kunngjoringer--horinger/arkiv-kunngjoringer/"
    "hog-og-stabil-sysselsetting-i-vestre-toten/"
)
TOTAL_FUNDING_NOK = 22_000_000
MUNICIPAL_FUNDING_NOK = 3_600_000
COUNTY_FUNDING_FIRST_YEARS_NOK = 2_500_000  # a year, in 2011 and 2012
DWELLINGS_2015_2017 = 150
NEW_AND_SECURED_JOBS = 180

SAMPLE_LICENCE = "CC BY 4.0 (evalreport sample data)"

FOCUS_AREAS = [
    "Industri og teknologi",
    "Kompetanse og rekruttering",
    "Helse og velferdsteknologi",
    "Nyskaping og etablering",
]
ADMINISTRATION = "Administrasjon og drift"

NAMED_PROJECTS = [
    ("Forskning på slagbehandling ved Steffensrud rehabiliteringssenter", "Helse og velferdsteknologi"),
    ("Kompetanseutvikling i Pedersen Sveis AS", "Kompetanse og rekruttering"),
    ("Automatisering i samarbeid med SINTEF Raufoss Manufacturing", "Industri og teknologi"),
    ("Leverandørnettverk i Raufoss Industripark", "Industri og teknologi"),
]
GENERIC_PROJECTS = {
    "Industri og teknologi": ["Produktutvikling i aluminium", "Lean-nettverk for underleverandører",
                              "Robotisering i små verksteder", "Digital produksjonsstyring",
                              "Materialteknologi for bilindustrien", "Testsenter for sveising"],
    "Kompetanse og rekruttering": ["Fagbrev på jobb", "Rekruttering av ingeniører",
                                   "Lærlingløft i industrien", "Lederutvikling i SMB",
                                   "Ungt entreprenørskap i skolen"],
    "Helse og velferdsteknologi": ["Velferdsteknologi i hjemmetjenesten", "Rehabiliteringsklynge Toten",
                                   "Helseinnovasjon i samarbeid med sykehuset"],
    "Nyskaping og etablering": ["Etablerertjeneste", "Inkubator på Raufoss", "Gründerfond for Toten",
                                "Reiseliv og opplevelser", "Lokalmat fra Toten", "Næringsareal på Bøverbru"],
}


def _round_to(values: np.ndarray, unit: int, total: int) -> np.ndarray:
    """Round to whole `unit`s so that the parts still add up to `total` exactly."""
    rounded = np.floor(values / unit).astype(np.int64) * unit
    remainder = (total - rounded.sum()) // unit
    order = np.argsort(-(values - rounded))
    rounded[order[:remainder]] += unit
    return rounded


def build_funding() -> pd.DataFrame:
    """Funding by year and source: the published totals kept, the yearly split reconstructed."""
    county = np.array([2.5, 2.5, 2.3, 2.2, 2.0, 1.8, 1.5]) * 1_000_000
    assert county[0] == county[1] == COUNTY_FUNDING_FIRST_YEARS_NOK
    municipality = np.array([0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) * 1_000_000
    weights = np.array([0.4, 0.5, 0.6, 0.6, 0.6, 0.5, 0.4])
    innovation_norway = weights / weights.sum() * (TOTAL_FUNDING_NOK - county.sum() - municipality.sum())
    rows = []
    for funder, amounts in (("fylkeskommunen", county), ("kommunen", municipality),
                            ("innovasjon_norge", innovation_norway)):
        for year, amount in zip(PROGRAMME_YEARS, amounts):
            rows.append({"year": year, "funder_id": funder, "amount_nok": int(round(amount))})
    funding = pd.DataFrame(rows)
    assert funding["amount_nok"].sum() == TOTAL_FUNDING_NOK
    assert funding.loc[funding["funder_id"] == "kommunen", "amount_nok"].sum() == MUNICIPAL_FUNDING_NOK
    return funding


def build_funders() -> pd.DataFrame:
    """The programme's three funders, all public, as the newspaper report names them."""
    return pd.DataFrame([
        {"funder_id": "fylkeskommunen", "name": "Oppland fylkeskommune", "kind": "fylkeskommune", "public": "ja"},
        {"funder_id": "kommunen", "name": "Vestre Toten kommune", "kind": "kommune", "public": "ja"},
        {"funder_id": "innovasjon_norge", "name": "Innovasjon Norge", "kind": "innovasjon_norge", "public": "ja"},
    ])


def build_projects(funding: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Projects whose payments add up to each year's funding less 15 % administration."""
    yearly = funding.groupby("year")["amount_nok"].sum()
    generic = {area: list(names) for area, names in GENERIC_PROJECTS.items()}
    named = list(NAMED_PROJECTS)
    rows = []
    for year, total in yearly.items():
        administration = int(round(total * 0.15, -3))
        budget = total - administration
        count = int(rng.integers(5, 8))
        paid = _round_to(rng.dirichlet(np.full(count, 2.0)) * budget, 1_000, budget)
        for amount in paid:
            if named:
                name, area = named.pop(0)
            else:
                area = FOCUS_AREAS[int(rng.integers(0, len(FOCUS_AREAS)))]
                pool = generic[area] or [f"Utviklingsprosjekt {area.lower()}"]
                name = pool.pop(0) if generic[area] else f"{pool[0]} {len(rows) + 1}"
            granted = int(round(amount / rng.uniform(0.85, 1.0), -3))
            total_cost = int(round(granted * rng.uniform(1.6, 4.0), -3))
            rows.append({"project_id": f"P{len(rows) + 1:03d}", "name": name, "focus_area": area,
                         "start_year": year, "granted_nok": granted, "paid_nok": int(amount),
                         "total_cost_nok": total_cost})
        rows.append({"project_id": f"A{year}", "name": f"Programledelse og drift {year}",
                     "focus_area": ADMINISTRATION, "start_year": year, "granted_nok": administration,
                     "paid_nok": administration, "total_cost_nok": administration})
    return pd.DataFrame(rows)


def build_spending(projects: pd.DataFrame) -> pd.DataFrame:
    """Spending by year and focus area, as the accounts would sum the payments."""
    spending = (projects.groupby(["start_year", "focus_area"], as_index=False)["paid_nok"].sum()
                .rename(columns={"start_year": "year", "paid_nok": "amount_nok"}))
    return spending.sort_values(["year", "focus_area"]).reset_index(drop=True)


def build_goals() -> pd.DataFrame:
    """Goals and results; the split of the 180 reported jobs is reconstructed."""
    goals = pd.DataFrame([
        {"goal_id": "M1", "indicator": "nye_arbeidsplasser", "description": "Nye arbeidsplasser",
         "target": 100, "achieved": 110},
        {"goal_id": "M2", "indicator": "sikrede_arbeidsplasser", "description": "Sikrede arbeidsplasser",
         "target": 60, "achieved": 70},
        {"goal_id": "M3", "indicator": "nye_bedrifter", "description": "Nye bedrifter",
         "target": 10, "achieved": 8},
        {"goal_id": "M4", "indicator": "bedrifter_med_prosjekt",
         "description": "Bedrifter med utviklingsprosjekt", "target": 40, "achieved": 46},
    ])
    jobs = goals.loc[goals["indicator"].isin(["nye_arbeidsplasser", "sikrede_arbeidsplasser"]), "achieved"].sum()
    assert jobs == NEW_AND_SECURED_JOBS
    return goals


def _series(anchors: dict[int, float], growth: float, noise: float, rng: np.random.Generator,
            years: list[int] = YEARS) -> dict[int, float]:
    """Fill a yearly series around published anchor values with seeded growth."""
    values = dict(anchors)
    first = min(anchors)
    for year in range(first - 1, years[0] - 1, -1):
        values[year] = values[year + 1] / (1 + growth + rng.normal(0, noise))
    for year in range(first + 1, years[-1] + 1):
        if year not in values:
            values[year] = values[year - 1] * (1 + growth + rng.normal(0, noise))
    return {year: values[year] for year in years}


def _statistics_rows(code: str, name: str, column: str, values: dict[int, float],
                     published: dict[int, str], reconstructed: set[int] = frozenset(),
                     decimals: int = 0) -> list[dict]:
    rows = []
    for year, value in values.items():
        if year in published:
            status, url = "published", published[year]
        elif year in reconstructed:
            status, url = "reconstructed", ""
        else:
            status, url = "synthetic", ""
        value = round(value, decimals) if decimals else int(round(value))
        rows.append({"region_code": code, "region_name": name, "year": year, column: value,
                     "status": status, "source_url": url})
    return rows


def _reference(reference_dir: Path, name: str, variable: str) -> pd.DataFrame:
    table = pd.read_csv(reference_dir / name, dtype={"region_code": str})
    return table[table["variable"] == variable]


def _published(table: pd.DataFrame, code: str) -> tuple[dict[int, float], dict[int, str]]:
    rows = table[table["region_code"] == code]
    return (dict(zip(rows["year"], rows["value"].astype(float))), dict(zip(rows["year"], rows["source_url"])))


def build_employment(reference_dir: Path, rng: np.random.Generator) -> pd.DataFrame:
    """Employed persons by place of work, 4th quarter; published values kept."""
    q4 = _reference(reference_dir, "employment.csv", "employed_by_workplace_q4")
    change = _reference(reference_dir, "employment.csv", "employed_by_workplace_change_from_previous_year")
    values, urls = _published(q4, "0529")
    # 2016 and 2017 follow from the published changes (-57 and +230) on the published 2015 level.
    changes, change_urls = _published(change, "0529")
    values[2016] = values[2015] + changes[2016]
    values[2017] = values[2016] + changes[2017]
    values[2009], values[2008] = 6_290, 6_760  # synthetic: the shock of 2008-09 (about 550 jobs)
    for year in (2018, 2019):
        values[year] = values[year - 1] * (1 + 0.006 + rng.normal(0, 0.004))
    rows = _statistics_rows("0529", "Vestre Toten", "employed", dict(sorted(values.items())), urls,
                            reconstructed={2016, 2017})
    # Comparison areas: levels derived from published changes where there are any, the rest synthetic.
    pct_table = _reference(reference_dir, "employment.csv", "employed_by_workplace_change_from_previous_year_pct")
    anchors = {}
    for code in ("0528", "0502"):
        delta, _ = _published(change, code)
        share, _ = _published(pct_table, code)
        level_2015 = delta[2016] / (share[2016] / 100)
        anchors[code] = {2015: level_2015, 2016: level_2015 + delta[2016]}
    county_2012, county_url = _published(_reference(reference_dir, "employment.csv",
                                                    "employed_by_workplace_q4_age15_74"), "05")
    county_delta, _ = _published(change, "05")
    anchors["05"] = {2011: county_2012[2012] - county_delta[2012], 2012: county_2012[2012]}
    national_2012, national_url = _published(_reference(reference_dir, "employment.csv",
                                                        "employed_by_workplace_q4_age15_74"), "0")
    national_delta, _ = _published(change, "0")
    anchors["0"] = {2011: national_2012[2012] - national_delta[2012], 2012: national_2012[2012]}
    names = {"0528": "Østre Toten", "0502": "Gjøvik", "05": "Oppland", "0": "Hele landet"}
    growth = {"0528": 0.003, "0502": 0.008, "05": 0.002, "0": 0.010}
    for code, name in names.items():
        series = _series(anchors[code], growth[code], 0.006, rng)
        published = {}
        if code == "05":
            published = {2012: county_url[2012]}
        if code == "0":
            published = {2012: national_url[2012]}
        rows += _statistics_rows(code, name, "employed", series, published,
                                 reconstructed=set(anchors[code]) - set(published))
    return pd.DataFrame(rows)


def build_unemployment(reference_dir: Path, rng: np.random.Generator) -> pd.DataFrame:
    """Registered fully unemployed in September, % of the labour force."""
    september = _reference(reference_dir, "labour_market.csv", "registered_fully_unemployed_sep_pct")
    national_shape = {2008: 1.7, 2009: 2.7, 2010: 2.8, 2011: 2.5, 2012: 2.3, 2013: 2.5, 2014: 2.6,
                      2015: 2.9, 2016: 2.9, 2017: 2.4, 2018: 2.1, 2019: 2.1}
    rows = []
    for code, name, offset in (("0529", "Vestre Toten", 0.3), ("05", "Oppland", -0.6), ("0", "Hele landet", 0.0)):
        published, urls = _published(september, code)
        series = {}
        for year in YEARS:
            shock = 1.2 if (code == "0529" and year in (2009, 2010)) else 0.0
            series[year] = published.get(year, max(0.5, national_shape[year] + offset + shock + rng.normal(0, 0.15)))
        rows += _statistics_rows(code, name, "unemployed_pct", series, urls, decimals=1)
    return pd.DataFrame(rows)


def build_population(reference_dir: Path, rng: np.random.Generator) -> pd.DataFrame:
    """Population on 1 January; published values kept, gaps filled."""
    table = _reference(reference_dir, "population_1jan.csv", "population_1jan")
    rows = []
    for code, name, growth in (("0529", "Vestre Toten", 0.004), ("05", "Oppland", 0.003), ("0", "Hele landet", 0.012)):
        published, urls = _published(table, code)
        in_period = {y: v for y, v in published.items() if y in YEARS}
        series = _series(in_period, growth, 0.002, rng)
        # Between two published years, interpolate rather than draw: that is a reconstruction.
        known = sorted(in_period)
        reconstructed = set()
        for a, b in zip(known, known[1:]):
            for year in range(a + 1, b):
                series[year] = in_period[a] + (in_period[b] - in_period[a]) * (year - a) / (b - a)
                reconstructed.add(year)
        rows += _statistics_rows(code, name, "population", series,
                                 {y: urls[y] for y in in_period}, reconstructed=reconstructed)
    return pd.DataFrame(rows)


def build_dwellings(rng: np.random.Generator) -> pd.DataFrame:
    """Dwellings completed a year; 2015-2017 split the published 150 (reconstructed)."""
    values = {year: int(rng.integers(20, 45)) for year in YEARS}
    values.update({2015: 46, 2016: 49, 2017: 55})
    assert values[2015] + values[2016] + values[2017] == DWELLINGS_2015_2017
    rows = _statistics_rows("0529", "Vestre Toten", "dwellings_completed", values, {},
                            reconstructed={2015, 2016, 2017})
    return pd.DataFrame(rows)


def build_enterprises(rng: np.random.Generator) -> pd.DataFrame:
    """New enterprises a year (synthetic)."""
    values = {year: int(rng.integers(55, 90)) for year in YEARS}
    return pd.DataFrame(_statistics_rows("0529", "Vestre Toten", "new_enterprises", values, {}))


def build_municipal_finances(reference_dir: Path, rng: np.random.Generator) -> pd.DataFrame:
    """Netto driftsresultat (% of revenue, synthetic) and ROBEK registration (published for 2017)."""
    robek_table = _reference(reference_dir, "robek.csv", "robek_registered_on_2017-06-30")
    robek_2017, robek_url = _published(robek_table, "0529")
    result = {2008: -1.4, 2009: -0.9, 2010: 0.3}
    for year in YEARS:
        result.setdefault(year, 1.2 + rng.normal(0, 0.8))
    rows = []
    for year in YEARS:
        published = year == 2017
        rows.append({"region_code": "0529", "region_name": "Vestre Toten", "year": year,
                     "netto_driftsresultat_pct": round(result[year], 1),
                     "robek": int(robek_2017[2017]) if published else 0,
                     "status": "published" if published else "synthetic",
                     "source_url": robek_url[2017] if published else ""})
    return pd.DataFrame(rows)


DONOR_YEARS = list(range(2000, 2020))  # the control group is fitted to 2000-2010, before the report's period


def build_donor_pool(employment: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Employment in every municipality of today, 2000-2019, a synthetic panel of the size and shape of
    SSB's: sizes spread as Norway's municipalities are (a few hundred to several hundred thousand), a
    common national path with the 2003 and 2009 dips, a trend and noise of each municipality's own
    (relatively larger for small ones). Vestre Toten's own series from 2008 is the one in
    employment.csv; its years before are synthetic like the rest."""
    from evalreport import regions

    growth = [1.0, 1.004, 0.996, 0.994, 1.006, 1.014, 1.022, 1.030, 1.026,
              0.985, 1.002, 1.012, 1.010, 1.006, 1.004, 1.003, 1.006, 1.010, 1.012, 1.008]
    national = np.cumprod(growth)
    own = employment[employment["region_code"].isin(["0529", "3443"])].set_index("year")["employed"]
    rows = []
    for code in regions.municipalities_in(2024):
        if code == "3443":
            # 2000-2007 follow the national path back from 2008, with noise of its own.
            backwards = float(own[YEARS[0]]) * national[:8] / national[8] * (1 + rng.normal(0, 0.006, 8))
            values = [*backwards, *(float(own[year]) for year in YEARS)]
        else:
            size = float(np.clip(rng.lognormal(np.log(2500), 1.2), 150, 450_000))
            trend = rng.normal(0.0, 0.008)
            noise = rng.normal(0.0, 0.004 + 0.6 / np.sqrt(size), len(DONOR_YEARS))
            values = size * national * np.exp(trend * np.arange(len(DONOR_YEARS)) + np.cumsum(noise))
        name = regions.region_name(code)
        rows += [{"region_code": code, "region_name": name, "year": year, "employed": int(round(v)),
                  "status": "synthetic", "source_url": ""} for year, v in zip(DONOR_YEARS, values)]
    return pd.DataFrame(rows)


def build_case(reference_dir: Path) -> dict[str, pd.DataFrame]:
    """Return every dataset of the bundled case, made the same way every time."""
    rng = np.random.default_rng(SEED)
    funding = build_funding()
    projects = build_projects(funding, rng)
    employment = build_employment(reference_dir, rng)
    return {
        "funders": build_funders(),
        "funding": funding,
        "projects": projects,
        "spending": build_spending(projects),
        "goals": build_goals(),
        "employment": employment,
        "unemployment": build_unemployment(reference_dir, rng),
        "population": build_population(reference_dir, rng),
        "dwellings": build_dwellings(rng),
        "enterprises": build_enterprises(rng),
        "municipal_finances": build_municipal_finances(reference_dir, rng),
        "donor_pool_employment": build_donor_pool(employment, rng),
    }


PROVENANCE = {
    "funders": {
        "title": "Bidragsytere til omstillingsprogrammet",
        "source": "Avisoppslag om sluttrapporten (2018)",
        "source_url": ARTICLE_URL,
        "licence": SAMPLE_LICENCE,
        "status": "published",
        "method": "Fylkeskommunen, kommunen og Innovasjon Norge er nevnt som bidragsytere; alle er offentlige.",
    },
    "funding": {
        "title": "Finansiering av omstillingsprogrammet etter kilde og år",
        "source": "Avisoppslag om sluttrapporten (2018); fordelingen på år er rekonstruert",
        "source_url": ARTICLE_URL,
        "licence": SAMPLE_LICENCE,
        "status": "reconstructed",
        "method": ("Publisert: 22 mill. kr i alt, 3,6 mill. kr fra kommunen, 2,5 mill. kr i året fra "
                   "fylkeskommunen i 2011 og 2012. Fylkets bidrag etter 2012 er satt fallende, og resten "
                   "er fordelt på Innovasjon Norge, slik at alle publiserte summer stemmer."),
    },
    "projects": {
        "title": "Prosjekter med tilsagn, utbetaling og total kostnad",
        "source": "Syntetisk prosjektliste; fire prosjektnavn bygger på omtale i pressen",
        "source_url": ARTICLE_URL,
        "licence": SAMPLE_LICENCE,
        "status": "synthetic",
        "method": ("Hvert års midler minus 15 % administrasjon er fordelt på 5–7 prosjekter med en "
                   f"Dirichlet-trekning med fast frø ({SEED}); tilsagn og total kostnad er trukket rundt utbetalingen."),
    },
    "spending": {
        "title": "Forbruk etter år og innsatsområde",
        "source": "Summert fra prosjektlisten",
        "source_url": "",
        "licence": SAMPLE_LICENCE,
        "status": "synthetic",
        "method": "Sum av utbetalinger per år og innsatsområde i prosjektlisten, med administrasjon og drift.",
    },
    "goals": {
        "title": "Mål og resultater",
        "source": "Vestre Toten kommune (2018): om lag 180 nye og sikrede arbeidsplasser",
        "source_url": "https://www.vestre-toten.kommune.no/aktuelt/vellykket-omstillingsarbeid-i-vestre-toten/",
        "licence": SAMPLE_LICENCE,
        "status": "reconstructed",
        "method": ("Summen av nye og sikrede arbeidsplasser (180) er publisert; fordelingen på de to og "
                   "målene er rekonstruert for eksempelet."),
    },
    "employment": {
        "title": "Sysselsatte etter arbeidssted, 4. kvartal",
        "source": "SSB, sysselsatte etter arbeidssted (Vestre Toten 2010–2015 publisert; øvrige tall rekonstruert eller syntetiske)",
        "source_url": KOMMUNE_EMPLOYMENT_URL,
        "licence": SSB_LICENCE,
        "status": "reconstructed",
        "method": ("Vestre Toten 2010–2015 er publisert; 2016–2017 er regnet fra publiserte endringer "
                   "(−57 og +230). Sammenligningsområdene er forankret i publiserte endringer og nivåer og "
                   "ellers syntetiske (vekstrater trukket med fast frø). Statusen står på hver rad."),
    },
    "unemployment": {
        "title": "Registrerte helt ledige i september, prosent av arbeidsstyrken",
        "source": "NAV, registrerte helt ledige (enkelte tall publisert, øvrige syntetiske)",
        "source_url": "",
        "licence": SAMPLE_LICENCE,
        "status": "synthetic",
        "method": "Oppland 2014, 2015 og 2018 og landet 2015 er publisert; resten er syntetisk rundt et nasjonalt forløp.",
    },
    "population": {
        "title": "Folkemengde 1. januar",
        "source": "SSB, folkemengde 1. januar (publiserte tall, resten interpolert eller syntetisk)",
        "source_url": "https://www.ssb.no/befolkning",
        "licence": SSB_LICENCE,
        "status": "reconstructed",
        "method": ("Publiserte tall beholdt (Vestre Toten 1. januar 2018: 13 314); år mellom to publiserte "
                   "tall er interpolert, øvrige år syntetiske."),
    },
    "dwellings": {
        "title": "Fullførte boliger",
        "source": "Avisoppslag om sluttrapporten (2018): 150 hus de siste tre årene",
        "source_url": ARTICLE_URL,
        "licence": SAMPLE_LICENCE,
        "status": "reconstructed",
        "method": "Summen for 2015–2017 (150) er publisert og fordelt på årene; øvrige år er syntetiske.",
    },
    "enterprises": {
        "title": "Nyetablerte foretak",
        "source": "Syntetiske tall i stedet for SSBs statistikk over nyetableringer",
        "source_url": "",
        "licence": SAMPLE_LICENCE,
        "status": "synthetic",
        "method": f"Trukket jevnt mellom 55 og 89 per år, med fast frø ({SEED}).",
    },
    "municipal_finances": {
        "title": "Netto driftsresultat og ROBEK",
        "source": "Syntetisk netto driftsresultat; ROBEK-registeret (KMD) for 2017",
        "source_url": "https://www.regjeringen.no/no/tema/kommuner-og-regioner/kommuneokonomi/robek-2/",
        "licence": SAMPLE_LICENCE,
        "status": "synthetic",
        "method": "ROBEK-status 30. juni 2017 er publisert; netto driftsresultat er syntetisk.",
    },
    "donor_pool_employment": {
        "title": "Sysselsatte etter arbeidssted, alle kommuner (donorgruppe)",
        "source": "Syntetisk panel i samme form som SSBs tabell 13472; Vestre Toten som i employment.csv",
        "source_url": "",
        "licence": SAMPLE_LICENCE,
        "status": "synthetic",
        "method": (f"Alle kommuner slik de er fra 2024, årene 2000–2019. Størrelse trukket lognormalt, en felles "
                   f"nasjonal bane med fallene i 2003 og 2009, egen trend og støy per kommune, med fast frø ({SEED}); "
                   "Vestre Totens egen serie fra 2008 er den i employment.csv, årene før er syntetiske."),
    },
}


def write_case(reference_dir: Path, out_dir: Path) -> list[Path]:
    """Write the case's CSV files and datasets.yaml to `out_dir`; return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in build_case(reference_dir).items():
        path = out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        written.append(path)
    metadata = {name: {"file": f"{name}.csv", **record, "retrieved": RETRIEVED}
                for name, record in PROVENANCE.items()}
    header = ("# Provenance of every input of the bundled Vestre Toten case.\n"
              "# Written by `make sample-data` (dev/samplecase.py); edit that, not this.\n")
    path = out_dir / "datasets.yaml"
    path.write_text(header + yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")
    written.append(path)
    return written




def main() -> int:
    """`make sample-data`: write the bundled case from data/reference into data/vestre_toten."""
    root = Path(__file__).resolve().parents[1]
    for path in write_case(root / "data" / "reference", root / "data" / "vestre_toten"):
        print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
