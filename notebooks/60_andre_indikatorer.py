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
# Standard chapter: Andre indikatorer. Population, dwellings, new enterprises, municipal finances.

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
code, start, end = config.municipality, config.programme.start, config.programme.end
municipality = report.name(code)
years = range(config.period.start, config.period.end + 1)
population = indicators.select_series(case.population, "population", [code], years)[code].rename("population")
dwellings = indicators.select_series(case.dwellings, "dwellings_completed", [code], years)[code].rename("dwellings")
enterprises = indicators.select_series(case.enterprises, "new_enterprises", [code], years)[code].rename("enterprises")
finances = indicators.select_series(case.municipal_finances, "netto_driftsresultat_pct", [code], years)[code]
robek = indicators.select_series(case.municipal_finances, "robek", [code], years)[code]
population_start = summary.observation(population, start, +1)
population_end = summary.observation(population, end + 1, -1)
finances_before = summary.observation(finances, start - 1, -1)
finances_end = summary.observation(finances, end, -1)
dwellings_programme = dwellings.loc[start:end]
report.glue(
    population_start=fmt.number(population_start.value) if population_start else None,
    population_start_date=fmt.date_of_year(population_start.year) if population_start else None,
    population_end=fmt.number(population_end.value) if population_end else None,
    population_end_date=fmt.date_of_year(population_end.year) if population_end else None,
    dwellings_programme=fmt.number(dwellings_programme.sum()),
    dwellings_programme_complete=bool(dwellings_programme.notna().all()),
    finances_before=fmt.percent(finances_before.value) if finances_before else None,
    finances_before_year=str(finances_before.year) if finances_before else None,
    finances_end=fmt.percent(finances_end.value) if finances_end else None,
    finances_end_year=str(finances_end.year) if finances_end else None,
    robek_years=fmt.join([str(y) for y in robek.index[robek == 1]], report.say("og", "og", "and")) or None,
    robek_known_years=fmt.years(int(robek.dropna().index.min()), int(robek.dropna().index.max())),
)

# %% [markdown] tags=["lang-nb"]
# # Andre indikatorer
#
# ## Befolkning og boligbygging
#
# {% if population_start and population_end %}Folkemengden i {{ municipality }} var {{ population_start }} per
# {{ population_start_date }} og {{ population_end }} per {{ population_end_date }}.{% endif %}
# {% if dwellings_programme_complete %}I programperioden ble det fullført {{ dwellings_programme }} boliger.{% else %}
# Tallene for fullførte boliger mangler for noen av programårene.{% endif %}

# %% [markdown] tags=["lang-nn"]
# # Andre indikatorar
#
# ## Folketal og bustadbygging
#
# {% if population_start and population_end %}Folketalet i {{ municipality }} var {{ population_start }} per
# {{ population_start_date }} og {{ population_end }} per {{ population_end_date }}.{% endif %}
# {% if dwellings_programme_complete %}I programperioden vart det fullført {{ dwellings_programme }} bustader.{% else %}
# Tala for fullførte bustader manglar for nokre av programåra.{% endif %}

# %% [markdown] tags=["lang-en"]
# # Other indicators
#
# ## Population and housing
#
# {% if population_start and population_end %}The population of {{ municipality }} was {{ population_start }} on
# {{ population_start_date }} and {{ population_end }} on {{ population_end_date }}.{% endif %}
# {% if dwellings_programme_complete %}During the programme, {{ dwellings_programme }} dwellings were completed.{% else %}
# Figures for completed dwellings are missing for some of the programme years.{% endif %}

# %%
display(figures.plot_bars(
    dwellings, fmt,
    caption=report.say("Fullførte boliger per år", "Fullførte bustader per år", "Dwellings completed per year"),
    source=report.source("dwellings"),
    alt=figures.describe_change(report.say("Tallet på fullførte boliger", "Talet på fullførte bustader",
                                           "The number of dwellings completed"), municipality, dwellings, fmt),
    y_label=texts.label(config.language, "dwellings"), highlight=(start, end),
))
display(tables.table_series(
    population.to_frame().join(dwellings).join(enterprises),
    {"population": texts.label(config.language, "population"), "dwellings": texts.label(config.language, "dwellings"),
     "enterprises": texts.label(config.language, "new_enterprises")},
    fmt, report.say(f"Befolkning, boligbygging og nyetableringer i {municipality}",
                    f"Folketal, bustadbygging og nyetableringar i {municipality}",
                    f"Population, housing and new enterprises in {municipality}"),
    report.source("population", "dwellings", "enterprises"),
))

# %% [markdown] tags=["lang-nb"]
# ## Nyetableringer
#
# Tallet på nyetablerte foretak svinger fra år til år og gir et grovt bilde av gründeraktiviteten i kommunen.

# %% [markdown] tags=["lang-nn"]
# ## Nyetableringar
#
# Talet på nyetablerte føretak svingar frå år til år og gir eit grovt bilete av gründeraktiviteten i kommunen.

# %% [markdown] tags=["lang-en"]
# ## New enterprises
#
# The number of new enterprises varies from year to year and gives a rough picture of entrepreneurship in the
# municipality.

# %%
figures.plot_bars(
    enterprises, fmt,
    caption=report.say("Nyetablerte foretak per år", "Nyetablerte føretak per år", "New enterprises per year"),
    source=report.source("enterprises"),
    alt=figures.describe_change(report.say("Tallet på nyetablerte foretak", "Talet på nyetablerte føretak",
                                           "The number of new enterprises"), municipality, enterprises, fmt),
    y_label=texts.label(config.language, "new_enterprises"), highlight=(start, end),
)

# %% [markdown] tags=["lang-nb"]
# ## Kommuneøkonomi
#
# {% if finances_before and finances_end %}Netto driftsresultat var {{ finances_before }} av driftsinntektene i
# {{ finances_before_year }} og {{ finances_end }} i {{ finances_end_year }}.{% endif %}
# {% if robek_years %}Kommunen var registrert i ROBEK i {{ robek_years }}.{% else %}Kommunen var ikke registrert i ROBEK
# i årene {{ robek_known_years }}.{% endif %}

# %% [markdown] tags=["lang-nn"]
# ## Kommuneøkonomi
#
# {% if finances_before and finances_end %}Netto driftsresultat var {{ finances_before }} av driftsinntektene i
# {{ finances_before_year }} og {{ finances_end }} i {{ finances_end_year }}.{% endif %}
# {% if robek_years %}Kommunen var registrert i ROBEK i {{ robek_years }}.{% else %}Kommunen var ikkje registrert i
# ROBEK i åra {{ robek_known_years }}.{% endif %}

# %% [markdown] tags=["lang-en"]
# ## Municipal finances
#
# {% if finances_before and finances_end %}The net operating result was {{ finances_before }} of operating revenue in
# {{ finances_before_year }} and {{ finances_end }} in {{ finances_end_year }}.{% endif %}
# {% if robek_years %}The municipality was registered in ROBEK in {{ robek_years }}.{% else %}The municipality was not
# registered in ROBEK in {{ robek_known_years }}.{% endif %}

# %%
tables.table_series(
    finances.to_frame(), {code: texts.label(config.language, "netto_driftsresultat")}, fmt,
    report.say(f"Netto driftsresultat i {municipality}", f"Netto driftsresultat i {municipality}",
               f"Net operating result in {municipality}"),
    report.source("municipal_finances"), decimals=1,
)
