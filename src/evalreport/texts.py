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
        "total": "Sum",
        "sources": {
            "fylkeskommunen": "Fylkeskommunen",
            "kommunen": "Kommunen",
            "innovasjon_norge": "Innovasjon Norge",
            "andre": "Andre",
        },
        "status": {"published": "publisert", "reconstructed": "rekonstruert", "synthetic": "syntetisk"},
    },
    "nn": {
        "contents": "Innhald",
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
        "total": "Sum",
        "sources": {
            "fylkeskommunen": "Fylkeskommunen",
            "kommunen": "Kommunen",
            "innovasjon_norge": "Innovasjon Noreg",
            "andre": "Andre",
        },
        "status": {"published": "publisert", "reconstructed": "rekonstruert", "synthetic": "syntetisk"},
    },
    "en": {
        "contents": "Contents",
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
        "total": "Total",
        "sources": {
            "fylkeskommunen": "County council",
            "kommunen": "Municipality",
            "innovasjon_norge": "Innovation Norway",
            "andre": "Others",
        },
        "status": {"published": "published", "reconstructed": "reconstructed", "synthetic": "synthetic"},
    },
}


def fixed(language: str) -> dict:
    """Return the fixed texts of one language."""
    return FIXED[language]
