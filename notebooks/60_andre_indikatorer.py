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

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
# Standard chapter: Andre indikatorer. Population, dwellings, new enterprises, municipal finances. Its
# text is 60_andre_indikatorer.md (nb), .nn.md and .en.md.
from evalreport import chapter, chapters, figures, tables

report = chapter.load(config_file, case_store, project_root)
config, fmt = report.config, report.fmt
shown = chapters.other_indicators.compute(config, report.case)
report.glue(**chapters.other_indicators.values(shown, config, fmt))
municipality = report.name(config.municipality)

# %% exhibit="fig-dwellings"
figures.plot_bars(
    shown.dwellings, fmt, report.look,
    caption=report.text("captions.dwellings"), source=report.source("dwellings"),
    alt=figures.describe_change(report.text("alt.subject_dwellings"), municipality, shown.dwellings, fmt),
    y_label=report.text("labels.dwellings"), highlight=(config.programme.start, config.programme.end),
)

# %% exhibit="tbl-population-housing"
tables.table_series(
    shown.population.to_frame().join(shown.dwellings).join(shown.enterprises),
    {"population": report.text("labels.population"), "dwellings": report.text("labels.dwellings"),
     "enterprises": report.text("labels.new_enterprises")},
    fmt, report.look, report.text("captions.population_housing", municipality=municipality),
    report.source("population", "dwellings", "enterprises"),
)

# %% exhibit="fig-enterprises"
figures.plot_bars(
    shown.enterprises, fmt, report.look,
    caption=report.text("captions.enterprises"), source=report.source("enterprises"),
    alt=figures.describe_change(report.text("alt.subject_enterprises"), municipality, shown.enterprises, fmt),
    y_label=report.text("labels.new_enterprises"), highlight=(config.programme.start, config.programme.end),
)

# %% exhibit="tbl-finances"
tables.table_series(
    shown.finances.to_frame(), {config.municipality: report.text("labels.netto_driftsresultat")}, fmt, report.look,
    report.text("captions.finances", municipality=municipality), report.source("municipal_finances"), decimals=1,
)
