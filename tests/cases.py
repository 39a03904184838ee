"""A second case, made for the tests, of another shape than the bundled one.

Årdal (1424, renumbered 4643 in 2020, in Sogn og Fjordane, now Vestland), a programme 2014–2019,
four funders under their own names (one a company whose money is not public), funding granted in
2013 before the programme's first year, a missing year in two statistics, the data written under
the old number until 2019 and the new one after. All figures are made up (status synthetic) and
round, so that the tests' expected values can be worked out by hand:

- funding: 2013 county 0.5 M; 2014–2019 county 2.0 M, municipality 0.5 M, Innovasjon Norge 1.0 M
  a year; the company 1.5 M in 2014 and 2015. Total 0.5 + 12 + 3 + 6 + 3 = 24.5 M; public 21.5 M;
  the municipality's share 3 / 24.5 = 12.24 %.
- goals: 45 new jobs, 50 secured: 95 jobs; public money per job 21 500 000 / 95 = 226 316, about
  230 000 kr; per new job 21 500 000 / 45 = 477 778, about 480 000 kr.
- employment in Årdal: 2 700 in 2013 (the year before the programme) and 2 720 in 2019: +0.7 %.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

YEARS = range(2011, 2022)

TEXTS = {
    "nn": {
        "title": "Sluttevaluering av omstillingsprogrammet i Årdal 2014–2019",
        "funders": ["Sogn og Fjordane fylkeskommune", "Årdal kommune", "Innovasjon Noreg", "Hydro Aluminium AS"],
        "areas": ["Administrasjon og drift", "Industri", "Reiseliv"],
        "goals": ["Nye arbeidsplassar", "Sikra arbeidsplassar", "Nye verksemder"],
        "projects": ["Ny produksjonslinje", "Automatisering i smelteverket", "Turistveg Tindevegen",
                     "Klatrepark i Øvre Årdal", "Leverandørnettverk"],
        "dataset": "Syntetiske testdata", "method": "Laga for testane, med runde tal.",
        "prose": "Årdal miste arbeidsplassar i aluminiumsindustrien, og kommunen fekk status som "
                 "omstillingskommune. {{ municipality }} samarbeidde tett med industrien.",
    },
    "en": {
        "title": "Final evaluation of the restructuring programme in Årdal 2014–2019",
        "funders": ["The county council", "Årdal Municipality", "Innovation Norway",
                    "Hydro Aluminium AS"],
        "areas": ["Administration", "Industry", "Tourism"],
        "goals": ["New jobs", "Secured jobs", "New businesses"],
        "projects": ["New production line", "Automation in the smelter", "Tourist road", "Climbing park",
                     "Supplier network"],
        "dataset": "Synthetic test data", "method": "Made for the tests, with round numbers.",
        "prose": "Årdal lost jobs in the aluminium industry, and the municipality was granted restructuring "
                 "status. {{ municipality }} worked closely with the industry.",
    },
}

EMPLOYMENT = {"ardal": [2800, 2750, 2700, 2650, 2600, 2620, 2650, 2700, 2720, 2690, 2710],
              "laerdal": [1100, 1090, 1080, 1070, 1075, 1080, 1085, 1090, 1095, 1100, 1105],
              "norway": [2_600_000, 2_620_000, 2_640_000, 2_650_000, 2_660_000, 2_670_000, 2_690_000, 2_720_000,
                         2_750_000, 2_730_000, 2_780_000]}


def _codes(year: int) -> tuple[str, str]:
    """Årdal's and Lærdal's numbers in `year` (renumbered 1 January 2020)."""
    return ("1424", "1422") if year <= 2019 else ("4643", "4642")


def _statistics(column: str, values: dict[str, list], skip: set[tuple[str, int]] = frozenset()) -> str:
    lines = [f"region_code,region_name,year,{column},status,source_url"]
    for i, year in enumerate(YEARS):
        ardal, laerdal = _codes(year)
        for key, code, name in (("ardal", ardal, "Årdal"), ("laerdal", laerdal, "Lærdal"), ("norway", "0", "Noreg")):
            if key in values and (key, year) not in skip:
                lines.append(f"{code},{name},{year},{values[key][i]},synthetic,")
    return "\n".join(lines) + "\n"


def _donor_pool() -> str:
    """Employment in every municipality of Vestland today: Årdal and Lærdal as above, the others on
    smooth made-up paths (1 000 + 150 i persons, growing 0.2 i % a year less 1 %, i their position)."""
    from evalreport import regions

    lines = ["region_code,region_name,year,employed,status,source_url"]
    others = [c for c in regions.municipalities_in(2024) if c.startswith("46") and c not in ("4643", "4642")]
    for code, series in (("4643", EMPLOYMENT["ardal"]), ("4642", EMPLOYMENT["laerdal"])):
        lines += [f"{code},{regions.region_name(code)},{year},{value},synthetic," for year, value in zip(YEARS, series)]
    for i, code in enumerate(others):
        growth = 1 + (0.2 * (i % 10) - 1) / 100
        lines += [f"{code},{regions.region_name(code)},{year},{round((1000 + 150 * i) * growth ** (year - 2011))},"
                  "synthetic," for year in YEARS]
    return "\n".join(lines) + "\n"


def write_ardal(root: Path, language: str = "nn", name: str = "ardal") -> Path:
    """Write the case into the project at `root`; return its configuration's path."""
    texts = TEXTS[language]
    data = root / "data" / name
    data.mkdir(parents=True)
    county, municipality, innovation, company = texts["funders"]
    (data / "funders.csv").write_text(
        "funder_id,name,kind,public\n"
        f"fylket,{county},fylkeskommune,ja\nkommunen,{municipality},kommune,ja\n"
        f"in,{innovation},innovasjon_norge,ja\nhydro,{company},privat,nei\n", encoding="utf-8")
    funding = ["year,funder_id,amount_nok", "2013,fylket,500000"]
    for year in range(2014, 2020):
        funding += [f"{year},fylket,2000000", f"{year},kommunen,500000", f"{year},in,1000000"]
        if year <= 2015:
            funding.append(f"{year},hydro,1500000")
    (data / "funding.csv").write_text("\n".join(funding) + "\n", encoding="utf-8")
    admin, industry, tourism = texts["areas"]
    spending = ["year,focus_area,amount_nok", f"2013,{admin},500000"]
    for year in range(2014, 2020):
        first_two = year <= 2015  # 5.0 M those years, 3.5 M the others
        spending += [f"{year},{admin},500000", f"{year},{industry},{2700000 if first_two else 1800000}",
                     f"{year},{tourism},{1800000 if first_two else 1200000}"]
    (data / "spending.csv").write_text("\n".join(spending) + "\n", encoding="utf-8")
    names = texts["projects"]
    (data / "projects.csv").write_text(
        "project_id,name,focus_area,start_year,granted_nok,paid_nok,total_cost_nok\n"
        f"A1,{names[0]},{industry},2014,3000000,2700000,9000000\n"
        f"A2,{names[1]},{industry},2016,4000000,3600000,8000000\n"
        f"A3,{names[2]},{tourism},2014,2000000,1800000,3000000\n"
        f"A4,{names[3]},{tourism},2017,1500000,1500000,2500000\n"
        f"A5,{names[4]},{industry},2018,1000000,900000,2000000\n", encoding="utf-8")
    goals = texts["goals"]
    (data / "goals.csv").write_text(
        "goal_id,indicator,description,target,achieved\n"
        f"G1,nye_arbeidsplassar,{goals[0]},60,45\nG2,sikra_arbeidsplassar,{goals[1]},40,50\n"
        f"G3,nye_verksemder,{goals[2]},10,12\n", encoding="utf-8")
    (data / "employment.csv").write_text(_statistics("employed", EMPLOYMENT), encoding="utf-8")
    (data / "unemployment.csv").write_text(_statistics("unemployed_pct", {
        "ardal": [3.1, 3.4, 3.8, 3.5, 3.2, 3.0, 2.8, 2.6, 2.4, 3.3, 2.5],
        "norway": [2.4, 2.5, 2.6, 2.7, 2.8, 2.9, 2.5, 2.3, 2.2, 3.7, 2.9]}, skip={("ardal", 2017)}),
        encoding="utf-8")
    (data / "population.csv").write_text(_statistics("population", {
        "ardal": [5400, 5380, 5360, 5340, 5320, 5300, 5290, 5280, 5270, 5260, 5250]}, skip={("ardal", 2016)}),
        encoding="utf-8")
    (data / "dwellings.csv").write_text(_statistics("dwellings_completed", {
        "ardal": [10, 12, 8, 9, 11, 13, 15, 14, 12, 10, 9]}), encoding="utf-8")
    (data / "enterprises.csv").write_text(_statistics("new_enterprises", {
        "ardal": [20, 22, 19, 25, 27, 26, 30, 28, 24, 23, 25]}), encoding="utf-8")
    (data / "donor_pool_employment.csv").write_text(_donor_pool(), encoding="utf-8")
    finances = ["region_code,region_name,year,netto_driftsresultat_pct,robek,status,source_url"]
    for year in YEARS:
        finances.append(f"{_codes(year)[0]},Årdal,{year},{1.0 + (year - 2011) / 10:.1f},0,synthetic,")
    (data / "municipal_finances.csv").write_text("\n".join(finances) + "\n", encoding="utf-8")
    datasets = "".join(
        f"{dataset}:\n  file: {dataset}.csv\n  title: {texts['dataset']} ({dataset})\n  source: {texts['dataset']}\n"
        f"  source_url: ''\n  licence: CC BY 4.0\n  retrieved: '2026-11-30'\n  status: synthetic\n"
        f"  method: {texts['method']}\n"
        for dataset in ("funders", "funding", "spending", "projects", "goals", "employment", "unemployment",
                        "population", "dwellings", "enterprises", "municipal_finances", "donor_pool_employment"))
    (data / "datasets.yaml").write_text(datasets, encoding="utf-8")
    prose = root / "prose" / name
    prose.mkdir(parents=True)
    for slot in ("background", "organisation", "projects", "qualitative_goals", "assessment", "employment",
                 "capacity", "permanent_work", "lessons"):
        (prose / f"{slot}.md").write_text(texts["prose"] + "\n", encoding="utf-8")
    config = root / "reports" / f"{name}.yaml"
    config.write_text(textwrap.dedent(f"""\
        title: {texts['title']}
        municipality: "1424"
        programme:
          start: 2014
          end: 2019
        period:
          start: 2011
          end: 2021
        base_year: 2013
        comparison: ["1422", "0"]
        author: Testforfattar
        organisation: Testbyrå
        report_date: 2022-03-01
        language: {language}
        data_dir: data/{name}
        output_name: {name}
        administration_area: {admin}
        goal_indicators:
          nye_arbeidsplassar: new_jobs
          sikra_arbeidsplassar: secured_jobs
          nye_verksemder: other
        """), encoding="utf-8")
    return config


# The bundled case's own prose (prose/vestre_toten/, in bokmål) in nynorsk and English, so that a report
# of the bundled case in those languages speaks its language in every paragraph.
VESTRE_TOTEN_PROSE = {
    "nn": {
        "assessment": (
            "**Vurdering.** Omstillingsprogrammet nådde dei fleste av dei kvantitative måla sine. Programmet vart "
            "retta mot bedrifter som alt fanst, i samarbeid med Raufoss Industripark, SINTEF Raufoss Manufacturing og "
            "Innovasjon Noreg. Måltala for arbeidsplassar er programmet sine eigne, og dei bør lesast saman med "
            "utviklinga i sysselsetjinga og samanlikninga med andre kommunar i kapittel 4."),
        "background": (
            "Etter finanskrisa i 2008 miste Raufoss-industrien om lag {{ jobs_lost }} arbeidsplassar i løpet av få "
            "månader, om lag 17 % av arbeidsstyrken i Raufoss Industripark. I tillegg forsvann arbeidsplassar hos "
            "leverandørar og i handel og tenester. Samstundes var {{ municipality }} kommune nær ved å bli registrert "
            "i ROBEK, registeret til staten over kommunar i økonomisk ubalanse.\n\nKommunen søkte fylkeskommunen om "
            "status som omstillingskommune og fekk han innvilga."),
        "capacity": (
            "Programmet har gitt kommunen eit tettare samarbeid med industrimiljøet i Raufoss Industripark og med "
            "SINTEF Raufoss Manufacturing. Kommunen har fått betre kjennskap til kva industrien treng, og bedriftene "
            "har fått røynsle med å søkje og gjennomføre utviklingsprosjekt med offentleg støtte."),
        "employment": (
            "I Vestre Toten miste industrien mange arbeidsplassar i 2008–2009, like før programmet. Overslaget må "
            "lesast med varsemd: det flyttar seg med kva kommunar som er med i den syntetiske kontrollen (tabellen "
            "over){% if not effect_clear %}, og skilnaden kan ikkje skiljast frå vanleg variasjon{% endif %}."),
        "lessons": (
            "- Det er enklare å skape vekst der det alt finst eit solid industrielt grunnlag.\n"
            "- Eit lite og ubyråkratisk program kan verke som katalysator når det samarbeider tett med "
            "industriparkar og kunnskapsmiljø.\n"
            "- Resultatmål bør følgjast opp etter programslutt, og samanliknast med utviklinga i andre kommunar."),
        "organisation": (
            "Programmet vart organisert med eit eige styre og ein programleiar, med kommunen som eigar. Raufoss "
            "Industripark, SINTEF Raufoss Manufacturing og Innovasjon Noreg var sentrale samarbeidspartnarar. "
            "Programmet vart retta mot bedrifter som alt fanst, der grunnlaget for vekst var størst.\n\n"
            "Fylkeskommunen løyvde {{ funding_by_year.fylkeskommunen[2011] }} per år i 2011 og 2012."),
        "permanent_work": (
            "Etter programslutt held utviklingsarbeidet fram i det ordinære næringsarbeidet til kommunen. Nettverka "
            "som programmet støtta, lever vidare med eiga finansiering."),
        "projects": (
            "Mellom prosjekta var eit forskingsprosjekt ved Steffensrud rehabiliteringssenter, som gav eit nytt "
            "behandlingstilbod for slagpasientar og ein avtale med Helse Sør-Aust, og kompetanseutvikling i "
            "Pedersen Sveis AS på Bøverbru."),
        "qualitative_goals": (
            "Programmet skulle styrkje samarbeidet mellom kommunen, industrimiljøet og kunnskapsmiljøa, og gjere "
            "kommunen til ein meir næringsvennleg kommune. Intervju med bedrifter og samarbeidspartnarar tyder på at "
            "samarbeidet med Raufoss Industripark og SINTEF Raufoss Manufacturing har vorte tettare, og at programmet "
            "har verka som ein katalysator utan byråkrati."),
    },
    "en": {
        "assessment": (
            "**Assessment.** The restructuring programme reached most of its quantitative goals. It was aimed at "
            "businesses that already existed, in partnership with Raufoss Industripark, SINTEF Raufoss Manufacturing "
            "and Innovation Norway. The job targets are the programme's own, and they should be read together with "
            "the development of employment and the comparison with other municipalities in chapter 4."),
        "background": (
            "After the financial crisis of 2008 the Raufoss industry lost about {{ jobs_lost }} jobs within a few "
            "months, about 17 % of the workforce of Raufoss Industripark. Jobs were also lost at suppliers and in "
            "trade and services. At the same time {{ municipality }} municipality was close to being registered in "
            "ROBEK, the state's register of municipalities in financial imbalance.\n\nThe municipality applied to "
            "the county for restructuring status and was granted it."),
        "capacity": (
            "The programme has given the municipality a closer partnership with the industry at Raufoss "
            "Industripark and with SINTEF Raufoss Manufacturing. The municipality knows better what the industry "
            "needs, and the businesses have learnt to apply for and carry out development projects with public "
            "support."),
        "employment": (
            "In Vestre Toten the industry lost many jobs in 2008–2009, just before the programme. The estimate must "
            "be read with care: it moves with the municipalities in the synthetic control (the table above)"
            "{% if not effect_clear %}, and the difference cannot be told apart from normal variation{% endif %}."),
        "lessons": (
            "- It is easier to create growth where there is already a solid industrial base.\n"
            "- A small programme with little bureaucracy can act as a catalyst when it works closely with industrial "
            "parks and research institutions.\n"
            "- Targets should be followed up after the programme ends, and compared with the development in other "
            "municipalities."),
        "organisation": (
            "The programme was organised with a board of its own and a programme manager, with the municipality as "
            "its owner. Raufoss Industripark, SINTEF Raufoss Manufacturing and Innovation Norway were its main "
            "partners. The programme was aimed at businesses that already existed, where the base for growth was "
            "strongest.\n\nThe county granted {{ funding_by_year.fylkeskommunen[2011] }} a year in 2011 and 2012."),
        "permanent_work": (
            "After the programme the development work continues as part of the municipality's ordinary business "
            "development. The networks the programme supported carry on with their own funding."),
        "projects": (
            "Among the projects were a research project at Steffensrud rehabilitation centre, which led to a new "
            "treatment for stroke patients and an agreement with the South-Eastern Norway Regional Health Authority, "
            "and competence development at Pedersen Sveis AS in Bøverbru."),
        "qualitative_goals": (
            "The programme was to strengthen the partnership between the municipality, the industry and the "
            "research institutions, and to make the municipality friendlier to business. Interviews with businesses "
            "and partners suggest that the partnership with Raufoss Industripark and SINTEF Raufoss Manufacturing "
            "has become closer, and that the programme has acted as a catalyst without bureaucracy."),
    },
}


def write_prose(root: Path, language: str, name: str) -> Path:
    """Write the bundled case's prose in `language` (nn or en) to prose/<name>/; return the folder."""
    folder = root / "prose" / name
    folder.mkdir(parents=True)
    for slot, text in VESTRE_TOTEN_PROSE[language].items():
        (folder / f"{slot}.md").write_text(text + "\n", encoding="utf-8")
    return folder
