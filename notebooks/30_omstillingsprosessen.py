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
# Chapter 2: Omstillingsprosessen og ressursbruk. Funding by source and year, spending by focus
# area, projects. Tables and charts are computed; the prose is the analyst's.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
from IPython.display import Markdown, display

from evalreport import chapter, figures, indicators, summary, tables, texts

# %%
config, case, fmt = chapter.load(config_file)
funding_by_source = indicators.summarise_funding_by_source(case.funding)
funding_by_year = indicators.pivot_funding_by_year(case.funding)
spending_by_area = indicators.summarise_spending_by_area(case.spending)
projects_by_area = indicators.summarise_projects(case.projects, summary.ADMINISTRATION_AREAS)
source_names = texts.fixed(config.language)["sources"]
accounts = summary.source_of(case, "funding", "spending", language=config.language)
project_list = summary.source_of(case, "projects", language=config.language)

# %% [markdown]
# # 2 Omstillingsprosessen og ressursbruk
#
# ## 2.1 Organisering
#
# Programmet ble organisert med et eget styre og en programleder, med kommunen som eier. Raufoss
# Industripark, SINTEF Raufoss Manufacturing og Innovasjon Norge var sentrale samarbeidspartnere.
# Programmet ble rettet mot bedrifter som allerede fantes, der grunnlaget for vekst var størst.
#
# ## 2.2 Samlet ressursbruk

# %%
total = funding_by_source["amount_nok"].sum()
largest = funding_by_source.iloc[0]
Markdown(f"""
Programmet fikk til sammen {fmt.mnok(total)} i perioden {fmt.years(config.programme.start, config.programme.end)}.
Den største bidragsyteren var {source_names[largest["source"]]} med {fmt.mnok(largest["amount_nok"])}
({fmt.percent(largest["share_pct"])}). Tabell og figur nedenfor viser finansieringen etter kilde og år.
""")

# %%
display(tables.table_funding_by_source(funding_by_source, fmt, "Finansiering etter kilde", accounts))
display(tables.table_funding_by_year(funding_by_year, fmt, "Finansiering etter år og kilde (mill. kr)", accounts))

# %%
first, last = funding_by_year.index[0], funding_by_year.index[-1]
figures.plot_stacked_bars(
    funding_by_year.drop(columns="total"), source_names, fmt,
    caption="Finansiering etter år og kilde",
    source=accounts,
    alt=(f"Stablede søyler for hvert år fra {first} til {last}. Samlet finansiering var "
         f"{fmt.mnok(funding_by_year.loc[first, 'total'])} i {first} og {fmt.mnok(funding_by_year.loc[last, 'total'])} "
         f"i {last}. Til sammen: " + ", ".join(f"{source_names[s]} {fmt.mnok(a)}" for s, a in
                                               zip(funding_by_source["source"], funding_by_source["amount_nok"])) + "."),
    y_label=texts.label(config.language, "mnok_axis"), scale=1e6, decimals=1,
)

# %% [markdown]
# ## 2.3 Innsatsområder og prosjekter

# %%
display(tables.table_spending_by_area(spending_by_area, fmt, "Forbruk etter innsatsområde", accounts))
display(tables.table_projects(projects_by_area, fmt, "Prosjekter etter innsatsområde", project_list))

# %%
Markdown(f"""
Programmet ga tilsagn til {fmt.number(projects_by_area["projects"].iloc[-1])} prosjekter. Av tilsagnene ble
{fmt.percent(projects_by_area["paid_pct"].iloc[-1])} utbetalt. For hver krone i tilskudd hadde prosjektene
en samlet kostnad på {fmt.number(projects_by_area["leverage"].iloc[-1], 2)} kroner, det vil si at bedriftene og
andre partnere bidro med resten. Blant prosjektene var et forskningsprosjekt ved Steffensrud
rehabiliteringssenter, som ga et nytt behandlingstilbud for slagpasienter og en avtale med Helse Sør-Øst,
og kompetanseutvikling i Pedersen Sveis AS på Bøverbru.
""")
