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
# Chapter 5: Andre indikatorer. Population, dwellings, new enterprises, municipal finances.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
import datetime as dt

from IPython.display import Markdown, display

from evalreport import chapter, figures, indicators, summary, tables, texts

# %%
config, case, fmt = chapter.load(config_file)
names = summary.region_names(config)
municipality = config.municipality_name
code = config.municipality
start, end = config.programme.start, config.programme.end
population = indicators.select_series(case.population, "population", [code])[code].rename("population")
dwellings = indicators.select_series(case.dwellings, "dwellings_completed", [code])[code].rename("dwellings")
enterprises = indicators.select_series(case.enterprises, "new_enterprises", [code])[code].rename("enterprises")
finances = case.municipal_finances[case.municipal_finances["region_code"] == code].set_index("year")
dwellings_last_three = indicators.sum_over_years(case.dwellings, "dwellings_completed", code, end - 2, end)

# %% [markdown]
# # 5 Andre indikatorer
#
# ## 5.1 Befolkning og boligbygging

# %%
Markdown(f"""
Folkemengden i {municipality} var {fmt.number(population.loc[start])} per {fmt.date(dt.date(start, 1, 1))} og
{fmt.number(population.loc[end + 1])} per {fmt.date(dt.date(end + 1, 1, 1))}. I de tre siste programårene,
{fmt.years(end - 2, end)}, ble det fullført {fmt.number(dwellings_last_three)} boliger.
""")

# %%
display(figures.plot_bars(
    dwellings, fmt, caption="Fullførte boliger per år", source=summary.source_of(case, "dwellings", language=config.language),
    alt=f"Søyler for fullførte boliger per år {fmt.years(dwellings.index[0], dwellings.index[-1])}. "
        f"I {fmt.years(end - 2, end)} ble det fullført {fmt.number(dwellings_last_three)} boliger.",
    y_label=texts.label(config.language, "dwellings"), highlight=(start, end),
))
display(tables.table_series(
    population.to_frame().join(dwellings).join(enterprises),
    {"population": texts.label(config.language, "population"), "dwellings": texts.label(config.language, "dwellings"),
     "enterprises": texts.label(config.language, "new_enterprises")},
    fmt, f"Befolkning, boligbygging og nyetableringer i {municipality}",
    summary.source_of(case, "population", "dwellings", "enterprises", language=config.language),
))

# %% [markdown]
# ## 5.2 Nyetableringer
#
# Tallet på nyetablerte foretak svinger fra år til år og gir et grovt bilde av gründeraktiviteten i kommunen.

# %%
figures.plot_bars(
    enterprises, fmt, caption="Nyetablerte foretak per år", source=summary.source_of(case, "enterprises", language=config.language),
    alt=figures.describe_change("Tallet på nyetablerte foretak", municipality, enterprises.loc[start - 1:end], fmt),
    y_label=texts.label(config.language, "new_enterprises"), highlight=(start, end),
)

# %% [markdown]
# ## 5.3 Kommuneøkonomi

# %%
robek_years = [int(y) for y in finances.index[finances["robek"] == 1]]
Markdown(f"""
Netto driftsresultat var {fmt.percent(finances.loc[start - 1, "netto_driftsresultat_pct"])} av driftsinntektene i
{start - 1} og {fmt.percent(finances.loc[end, "netto_driftsresultat_pct"])} i {end}.
{"Kommunen var ikke registrert i ROBEK i perioden." if not robek_years else "Kommunen var registrert i ROBEK i " + ", ".join(map(str, robek_years)) + "."}
""")

# %%
tables.table_series(
    finances[["netto_driftsresultat_pct"]].rename(columns={"netto_driftsresultat_pct": code}),
    {code: texts.label(config.language, "netto_driftsresultat")}, fmt,
    f"Netto driftsresultat i {municipality}", summary.source_of(case, "municipal_finances", language=config.language),
    decimals=1,
)
