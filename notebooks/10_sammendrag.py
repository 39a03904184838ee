# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# Chapter: Sammendrag (summary). The key figures and conclusions on one page, for the council.
# The figures are computed; edit the prose around them freely.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
import datetime as dt

from IPython.display import Markdown

from evalreport import chapter, summary, tables

# %%
config, case, fmt = chapter.load(config_file)
key = summary.compute_key_figures(config, case)
start, end = config.programme.start, config.programme.end

# %% [markdown]
# # Sammendrag

# %%
county_text = (
    f"Fylkeskommunen bevilget {fmt.mnok(key.county_funding_first_year_nok)} per år i {start} og {start + 1}."
    if key.county_funding_first_year_nok == key.county_funding_second_year_nok
    else f"Fylkeskommunen bevilget {fmt.mnok(key.county_funding_first_year_nok)} i {start} og "
    f"{fmt.mnok(key.county_funding_second_year_nok)} i {start + 1}."
)
Markdown(f"""
Etter finanskrisen mistet Raufoss-industrien i {config.municipality_name} om lag {fmt.number(key.jobs_lost)}
arbeidsplasser i løpet av få måneder. Kommunen søkte om status som omstillingskommune i {config.programme.status_applied},
og omstillingsprogrammet varte i {fmt.number_word(key.programme_years)} år, {fmt.years(start, end)}.

Programmet fikk til sammen **{fmt.mnok(key.total_funding_nok)}**. Av dette kom {fmt.mnok(key.municipal_funding_nok)}
({fmt.percent(key.municipal_share_pct)}) fra kommunens eget budsjett. {county_text}
Midlene gikk til {fmt.number(key.projects)} prosjekter i tillegg til administrasjon og drift.

Kommunen rapporterer {fmt.number(key.jobs_new_and_secured)} nye og sikrede arbeidsplasser. Det tilsvarer
{fmt.nok(key.cost_per_job_nok)} i offentlige midler per arbeidsplass.

Sysselsettingen etter arbeidssted gikk fra {fmt.number(key.employment_before)} i {start - 1} til
{fmt.number(key.employment_end)} i {end} ({fmt.percent(key.employment_change_pct, 1, signed=True)}). Målt mot
utviklingen i sammenligningskommunene var endringen {fmt.percent(key.diff_in_diff_pct, 1, signed=True)} i programperioden.
Et slikt anslag viser samvariasjon, ikke sikker årsak (se kapittel 4).

Det ble fullført {fmt.number(key.dwellings_last_three_years)} boliger i de tre siste programårene,
{fmt.years(end - 2, end)}. Folkemengden var {fmt.number(key.population_after)} per
{fmt.date(dt.date(end + 1, 1, 1))}.
""")

# %%
tables.table_key_figures(
    [
        ("Tapte arbeidsplasser før programmet", f"om lag {fmt.number(key.jobs_lost)}"),
        ("Programperiode", f"{fmt.years(start, end)} ({fmt.number_word(key.programme_years)} år)"),
        ("Samlet finansiering", fmt.mnok(key.total_funding_nok)),
        ("Herav fra kommunen", f"{fmt.mnok(key.municipal_funding_nok)} ({fmt.percent(key.municipal_share_pct)})"),
        ("Prosjekter", fmt.number(key.projects)),
        ("Nye og sikrede arbeidsplasser", fmt.number(key.jobs_new_and_secured)),
        ("Offentlige midler per arbeidsplass", fmt.nok(key.cost_per_job_nok)),
        (f"Sysselsatte (arbeidssted) {end}", fmt.number(key.employment_end)),
        (f"Folkemengde 1. januar {end + 1}", fmt.number(key.population_after)),
    ],
    config.language,
    caption="Nøkkeltall for omstillingsprogrammet",
    source="Programmets regnskap og prosjektliste, kommunens rapportering og SSB. Se vedlegget.",
)

# %% [markdown]
# **Vurdering.** Omstillingsprogrammet nådde de fleste av sine kvantitative mål. Programmet ble rettet
# mot bedrifter som allerede fantes, i samarbeid med Raufoss Industripark, SINTEF Raufoss Manufacturing
# og Innovasjon Norge. Sysselsettingen i kommunen ved programslutt var høyere enn før programmet, men
# nasjonale studier finner ingen varig sysselsettingseffekt av ordningen som helhet. Resultatene bør
# derfor leses sammen med utviklingen i nabokommunene (kapittel 4).
