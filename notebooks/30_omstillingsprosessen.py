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
# Standard chapter: Omstillingsprosessen og ressursbruk. Funding by funder and year, spending by focus
# area, projects. The organisation and the examples of projects are the case's own prose
# (prose/<case>/organisation.md and projects.md).

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
from IPython.display import display

from evalreport import chapter, figures, indicators, summary, tables, texts

# %%
report = chapter.load(config_file, case_store, project_root)
config, case, fmt = report.config, report.case, report.fmt
funding_by_funder = indicators.summarise_funding_by_funder(case.funding, case.funders)
funding_by_year = indicators.pivot_funding_by_year(case.funding)
spending_by_area = indicators.summarise_spending_by_area(case.spending)
projects_by_area = summary.programme_projects(config, case)
funder_names = dict(zip(case.funders["funder_id"], case.funders["name"]))
accounts = report.source("funders", "funding", "spending")
project_list = report.source("projects")
largest = funding_by_funder.iloc[0]
total = projects_by_area.iloc[-1]
report.glue(
    funding_total=fmt.mnok(funding_by_funder["amount_nok"].sum()),
    funding_first_year=str(funding_by_year.index[0]),
    funding_last_year=str(funding_by_year.index[-1]),
    largest_funder=str(largest["name"]),
    largest_funder_amount=fmt.mnok(largest["amount_nok"]),
    largest_funder_share=fmt.percent(largest["share_pct"]),
    public_share=fmt.percent(indicators.sum_public_funding(case.funding, case.funders)
                             / funding_by_funder["amount_nok"].sum() * 100),
    projects_granted=fmt.count(int(total["projects"]), report.say("ett prosjekt", "eitt prosjekt", "one project"),
                               report.say("prosjekter", "prosjekt", "projects")),
    paid_share=fmt.percent(total["paid_pct"]),
    leverage=fmt.number(total["leverage"], 2),
    funding_by_year={funder: {str(year): fmt.mnok(amount) for year, amount in funding_by_year[funder].items()}
                     for funder in funding_by_year.columns if funder != "total"},
)

# %% [markdown] tags=["lang-nb"]
# # Omstillingsprosessen og ressursbruk
#
# ## Organisering
#
# {{ prose("organisation") }}
#
# ## Samlet ressursbruk
#
# Programmet fikk til sammen {{ funding_total }} i årene {{ funding_first_year }}–{{ funding_last_year }}. Den største
# bidragsyteren var {{ largest_funder }} med {{ largest_funder_amount }} ({{ largest_funder_share }}). Offentlige
# midler utgjorde {{ public_share }} av finansieringen. Tabellene og figuren nedenfor viser finansieringen etter
# bidragsyter og år.

# %% [markdown] tags=["lang-nn"]
# # Omstillingsprosessen og ressursbruk
#
# ## Organisering
#
# {{ prose("organisation") }}
#
# ## Samla ressursbruk
#
# Programmet fekk til saman {{ funding_total }} i åra {{ funding_first_year }}–{{ funding_last_year }}. Den største
# bidragsytaren var {{ largest_funder }} med {{ largest_funder_amount }} ({{ largest_funder_share }}). Offentlege
# midlar utgjorde {{ public_share }} av finansieringa. Tabellane og figuren nedanfor viser finansieringa etter
# bidragsytar og år.

# %% [markdown] tags=["lang-en"]
# # The restructuring process and its resources
#
# ## Organisation
#
# {{ prose("organisation") }}
#
# ## Total resources
#
# The programme received {{ funding_total }} in all in {{ funding_first_year }}–{{ funding_last_year }}. The largest
# funder was {{ largest_funder }} with {{ largest_funder_amount }} ({{ largest_funder_share }}). Public money made up
# {{ public_share }} of the funding. The tables and the figure below show the funding by funder and year.

# %%
display(tables.table_funding_by_funder(
    funding_by_funder, fmt, report.say("Finansiering etter bidragsyter", "Finansiering etter bidragsytar",
                                       "Funding by funder"), accounts))
display(tables.table_funding_by_year(
    funding_by_year, funder_names, fmt,
    report.say("Finansiering etter år og bidragsyter (mill. kr)", "Finansiering etter år og bidragsytar (mill. kr)",
               "Funding by year and funder (NOK million)"), accounts))

# %%
figures.plot_stacked_bars(
    funding_by_year.drop(columns="total"), funder_names, fmt,
    caption=report.say("Finansiering etter år og bidragsyter", "Finansiering etter år og bidragsytar",
                       "Funding by year and funder"),
    source=accounts,
    alt=figures.describe_stacked_funding(funding_by_year, funding_by_funder, fmt),
    y_label=texts.label(config.language, "mnok_axis"), scale=1e6, decimals=1,
)

# %% [markdown] tags=["lang-nb"]
# ## Innsatsområder og prosjekter
#
# Programmet ga tilsagn til {{ projects_granted }}. Av tilsagnene ble {{ paid_share }} utbetalt. For hver krone i
# tilskudd hadde prosjektene en samlet kostnad på {{ leverage }} kroner; resten kom fra bedriftene og andre partnere.

# %% [markdown] tags=["lang-nn"]
# ## Innsatsområde og prosjekt
#
# Programmet gav tilsegn til {{ projects_granted }}. Av tilsegna vart {{ paid_share }} utbetalte. For kvar krone i
# tilskot hadde prosjekta ein samla kostnad på {{ leverage }} kroner; resten kom frå bedriftene og andre partnarar.

# %% [markdown] tags=["lang-en"]
# ## Focus areas and projects
#
# The programme granted support to {{ projects_granted }}. Of the grants, {{ paid_share }} was paid out. For each
# krone of grant the projects had a total cost of NOK {{ leverage }}; the rest came from the businesses and other
# partners.

# %%
display(tables.table_spending_by_area(
    spending_by_area, fmt, report.say("Forbruk etter innsatsområde", "Forbruk etter innsatsområde",
                                      "Spending by focus area"), accounts))
display(tables.table_projects(
    projects_by_area, fmt, report.say("Prosjekter etter innsatsområde", "Prosjekt etter innsatsområde",
                                      "Projects by focus area"), project_list))

# %% [markdown]
# {{ prose("projects") }}
