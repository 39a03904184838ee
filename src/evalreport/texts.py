"""Fixed texts the report adds around the analyst's prose, in bokmål, nynorsk and English."""

from __future__ import annotations

MONTHS = {
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "desember"],
    "nn": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}

NUMBER_WORDS = {
    "nb": ["null", "ett", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv"],
    "nn": ["null", "eitt", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve"],
}

FIXED = {
    "nb": {
        "contents": "Innhold",
        "skip_to_content": "Gå til hovedinnholdet",
        "figure": "Figur",
        "table": "Tabell",
        "source": "Kilde",
        "page": "Side {page} av {pages}",
        "programme_period": "Programperiode",
        "written_by": "Utarbeidet av",
        "date": "Dato",
        "final_evaluation": "Sluttevaluering",
        "sample_banner": "EKSEMPELRAPPORT",
        "sample_footer": "Eksempelrapport – bygger delvis på rekonstruerte og syntetiske data",
        "sample_notice": (
            "Dette er en eksempelrapport. Den bygger delvis på rekonstruerte og syntetiske data "
            "og er ikke en faktisk evaluering. Tall som ikke er publisert, er laget for å vise "
            "verktøyet, og kan ikke brukes som fakta. Vedlegget viser status for hvert datasett."
        ),
        "draft": "UTKAST",
        "draft_notice": "Utkast til kommentarer – ikke den endelige rapporten",
        "version": "Versjon",
        "total": "Sum",
        "status": {"published": "publisert", "reconstructed": "rekonstruert", "synthetic": "syntetisk"},
    },
    "nn": {
        "contents": "Innhald",
        "skip_to_content": "Gå til hovudinnhaldet",
        "figure": "Figur",
        "table": "Tabell",
        "source": "Kjelde",
        "page": "Side {page} av {pages}",
        "programme_period": "Programperiode",
        "written_by": "Utarbeidd av",
        "date": "Dato",
        "final_evaluation": "Sluttevaluering",
        "sample_banner": "EKSEMPELRAPPORT",
        "sample_footer": "Eksempelrapport – byggjer delvis på rekonstruerte og syntetiske data",
        "sample_notice": (
            "Dette er ein eksempelrapport. Han byggjer delvis på rekonstruerte og syntetiske data "
            "og er ikkje ei faktisk evaluering. Tal som ikkje er publiserte, er laga for å vise "
            "verktøyet, og kan ikkje brukast som fakta. Vedlegget viser status for kvart datasett."
        ),
        "draft": "UTKAST",
        "draft_notice": "Utkast til kommentarar – ikkje den endelege rapporten",
        "version": "Versjon",
        "total": "Sum",
        "status": {"published": "publisert", "reconstructed": "rekonstruert", "synthetic": "syntetisk"},
    },
    "en": {
        "contents": "Contents",
        "skip_to_content": "Skip to main content",
        "figure": "Figure",
        "table": "Table",
        "source": "Source",
        "page": "Page {page} of {pages}",
        "programme_period": "Programme period",
        "written_by": "Prepared by",
        "date": "Date",
        "final_evaluation": "Final evaluation",
        "sample_banner": "SAMPLE REPORT",
        "sample_footer": "Sample report – partly based on reconstructed and synthetic data",
        "sample_notice": (
            "This is a sample report. It is partly based on reconstructed and synthetic data and "
            "is not a real evaluation. Figures that were never published were made to demonstrate "
            "the tool and must not be used as facts. The appendix gives each dataset's status."
        ),
        "draft": "DRAFT",
        "draft_notice": "Draft for comments – not the final report",
        "version": "Version",
        "total": "Total",
        "status": {"published": "published", "reconstructed": "reconstructed", "synthetic": "synthetic"},
    },
}


CHANGE_VERBS = {"nb": ("økte", "falt", "var uendret"), "nn": ("auka", "fall", "var uendra"),
                "en": ("rose", "fell", "was unchanged")}


def change_verb(language: str, before: float, after: float) -> str:
    """The verb for a change from `before` to `after`: økte, falt or var uendret."""
    rose, fell, same = CHANGE_VERBS[language]
    return rose if after > before else fell if after < before else same


# Studies of the restructuring scheme as a whole, which a report may cite only if they were
# published before its date (a 2018 report cannot cite a 2022 study).
REFERENCES = [
    {"published": "2022-12-31",
     "nb": "Telemarksforskings evaluering av omstillingsordningen som helhet for departementet (2022) fant ingen "
           "varig sysselsettingseffekt av ordningen.",
     "nn": "Telemarksforsking si evaluering av omstillingsordninga som heilskap for departementet (2022) fann "
           "ingen varig sysselsetjingseffekt av ordninga.",
     "en": "Telemarksforsking's evaluation of the restructuring scheme as a whole for the ministry (2022) found "
           "no lasting employment effect of the scheme."},
]


def references_before(language: str, date) -> list[dict]:
    """The studies of the whole scheme published by `date`, each as {nb, nn, en} text."""
    return [r for r in REFERENCES if r["published"] <= date.isoformat()]


def fixed(language: str) -> dict:
    """Return the fixed texts of one language."""
    return FIXED[language]

# Labels of table columns, chart axes and series. nb is complete; nn and en override what differs.
LABELS = {
    "nb": {
        "amount_mnok": "Beløp (mill. kr)",
        "share": "Andel",
        "funder": "Bidragsyter",
        "municipality": "Kommune",
        "weight": "Vekt",
        "analysis": "Analyse",
        "estimate_points": "Anslag (indekspoeng)",
        "index_points": "Indekspoeng",
        "source_col": "Kilde",
        "year": "År",
        "focus_area": "Innsatsområde",
        "projects": "Prosjekter",
        "granted_mnok": "Tilsagn (mill. kr)",
        "paid_mnok": "Utbetalt (mill. kr)",
        "paid_share": "Utbetalt av tilsagn",
        "total_cost_mnok": "Total kostnad (mill. kr)",
        "leverage": "Kostnad per tilskuddskrone",
        "goal": "Mål",
        "target": "Mål (antall)",
        "achieved": "Oppnådd",
        "pct_of_target": "Prosent av mål",
        "region": "Område",
        "employed": "Sysselsatte",
        "index": "Indeks ({base} = 100)",
        "unemployed_pct": "Helt ledige (%)",
        "population": "Folkemengde 1. januar",
        "dwellings": "Fullførte boliger",
        "new_enterprises": "Nyetablerte foretak",
        "netto_driftsresultat": "Netto driftsresultat (% av driftsinntektene)",
        "robek": "I ROBEK",
        "yes": "Ja",
        "no": "Nei",
        "series_break": "Brudd i statistikken 2015",
        "mnok_axis": "Mill. kr",
        "dataset": "Datasett",
        "licence": "Lisens",
        "retrieved": "Hentet",
        "status": "Status",
        "method": "Slik er dataene laget",
        "file": "Fil",
        "programme_years": "Programperioden",
    },
    "nn": {
        "amount_mnok": "Beløp (mill. kr)",
        "share": "Del",
        "funder": "Bidragsytar",
        "analysis": "Analyse",
        "estimate_points": "Overslag (indekspoeng)",
        "source_col": "Kjelde",
        "focus_area": "Innsatsområde",
        "projects": "Prosjekt",
        "target": "Mål (tal)",
        "granted_mnok": "Tilsegn (mill. kr)",
        "paid_share": "Utbetalt av tilsegn",
        "leverage": "Kostnad per tilskotskrone",
        "achieved": "Oppnådd",
        "pct_of_target": "Prosent av mål",
        "employed": "Sysselsette",
        "unemployed_pct": "Heilt ledige (%)",
        "population": "Folketal 1. januar",
        "dwellings": "Fullførte bustader",
        "new_enterprises": "Nyetablerte føretak",
        "netto_driftsresultat": "Netto driftsresultat (% av driftsinntektene)",
        "series_break": "Brot i statistikken 2015",
        "dataset": "Datasett",
        "licence": "Lisens",
        "retrieved": "Henta",
        "method": "Slik er dataa laga",
        "programme_years": "Programperioden",
    },
    "en": {
        "amount_mnok": "Amount (NOK million)",
        "share": "Share",
        "funder": "Funder",
        "municipality": "Municipality",
        "weight": "Weight",
        "analysis": "Analysis",
        "estimate_points": "Estimate (index points)",
        "index_points": "Index points",
        "source_col": "Source",
        "year": "Year",
        "focus_area": "Focus area",
        "projects": "Projects",
        "granted_mnok": "Granted (NOK million)",
        "paid_mnok": "Paid (NOK million)",
        "paid_share": "Paid of granted",
        "total_cost_mnok": "Total cost (NOK million)",
        "leverage": "Cost per grant krone",
        "goal": "Goal",
        "target": "Target",
        "achieved": "Achieved",
        "pct_of_target": "Per cent of target",
        "region": "Area",
        "employed": "Employed",
        "index": "Index ({base} = 100)",
        "unemployed_pct": "Fully unemployed (%)",
        "population": "Population 1 January",
        "dwellings": "Dwellings completed",
        "new_enterprises": "New enterprises",
        "netto_driftsresultat": "Net operating result (% of revenue)",
        "robek": "In ROBEK",
        "yes": "Yes",
        "no": "No",
        "series_break": "Series break 2015",
        "mnok_axis": "NOK million",
        "dataset": "Dataset",
        "licence": "Licence",
        "retrieved": "Retrieved",
        "status": "Status",
        "method": "How the data were made",
        "file": "File",
        "programme_years": "Programme period",
    },
}


def label(language: str, key: str, **values) -> str:
    """Return a label in `language`, falling back to bokmål where the words are the same."""
    text = LABELS[language].get(key, LABELS["nb"][key])
    return text.format(**values) if values else text
