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
effect_store = ""

# %%
# Standard chapter: Sysselsetting og arbeidsledighet. Employment by place of work against the comparison
# areas (levels and index), an estimate of the programme's effect on employment, and unemployment. Its
# text is 50_sysselsetting.md (nb), .nn.md and .en.md; the case's reading of its own numbers is in
# prose/<case>/employment.md.
from evalreport import chapter, chapters, effect, figures, tables

report = chapter.load(config_file, case_store, project_root, effect_store)
config, fmt, names = report.config, report.fmt, report.names
employment = chapters.employment.compute(config, report.case, report.effect)
report.glue(**chapters.employment.values(employment, config, fmt, names, report.name))

# %% exhibit="fig-employment-index"
figures.plot_lines(
    employment.index, names, fmt, report.look,
    caption=report.text("captions.employment_index", base_year=config.base_year), source=report.source("employment"),
    alt=figures.describe_index_chart(report.text("alt.subject_employment"), config.municipality, employment.levels,
                                     employment.index, names, fmt),
    y_label=report.text("labels.index", base=config.base_year), decimals=0,
    shade=(config.programme.start, config.programme.end), series_break=employment.series_break,
)

# %% exhibit="tbl-employment"
tables.table_series(employment.levels, names, fmt, report.look, report.text("captions.employment_levels"),
                    report.source("employment"), series_break=employment.series_break)

# %% exhibit="fig-synthetic-control"
figures.plot_lines(
    employment.synthetic.rename(columns={"treated": config.municipality}),
    {config.municipality: names[config.municipality], "synthetic": report.text("legends.synthetic_control")},
    fmt, report.look,
    caption=report.text("captions.synthetic_control", municipality=names[config.municipality]),
    source=report.source("donor_pool_employment"),
    alt=figures.describe_gap(employment.synthetic["treated"], employment.synthetic["synthetic"],
                             names[config.municipality], fmt),
    y_label=report.text("labels.index", base=fmt.years(employment.analysis.fit_years[0],
                                                      employment.analysis.fit_years[-1])),
    decimals=0, shade=(config.programme.start, config.programme.end), series_break=employment.series_break,
)

# %% exhibit="tbl-control-weights"
tables.table_weights(employment.analysis.main.weights,
                     {code: report.name(code) for code in employment.analysis.main.weights}, fmt, report.look,
                     report.text("captions.control_weights"), report.source("donor_pool_employment"))

# %% exhibit="fig-placebo-gaps"
figures.plot_placebo_gaps(
    employment.treated_gap, employment.placebo_gaps,
    (names[config.municipality], report.text("legends.placebos")), fmt, report.look,
    caption=report.text("captions.placebo_gaps"), source=report.source("donor_pool_employment"),
    alt=figures.describe_placebos(employment.treated_gap, employment.placebo_gaps, config.programme.start,
                                  names[config.municipality], fmt),
    y_label=report.text("labels.index_points"), shade=(config.programme.start, config.programme.end),
    series_break=employment.series_break,
)

# %% exhibit="fig-event-study"
figures.plot_event_study(
    employment.event_study["gap"], employment.event_study["low"], employment.event_study["high"],
    (report.text("legends.departure_by_year"), report.text("legends.placebo_band")), fmt, report.look,
    caption=report.text("captions.event_study"), source=report.source("donor_pool_employment"),
    alt=figures.describe_band(employment.event_study["gap"], employment.event_study["low"],
                              employment.event_study["high"], config.programme.start, config.programme.end, fmt),
    y_label=report.text("labels.index_points"), shade=(config.programme.start, config.programme.end), decimals=0,
    series_break=employment.series_break,
)

# %% exhibit="tbl-sensitivity"
tables.table_rows(
    effect.sensitivity_rows(employment.analysis, fmt),
    (report.text("labels.analysis"), report.text("labels.estimate")), config.language, report.look,
    report.text("captions.sensitivity"), report.source("donor_pool_employment"))

# %% exhibit="fig-unemployment"
figures.plot_lines(
    employment.unemployment, names, fmt, report.look,
    caption=report.text("captions.unemployment_chart"), source=report.source("unemployment"),
    alt=figures.describe_rates_chart(report.text("alt.subject_unemployment"), config.municipality,
                                     employment.unemployment, names, fmt),
    y_label=report.text("labels.unemployed_pct"), decimals=1, shade=(config.programme.start, config.programme.end),
)

# %% exhibit="tbl-unemployment"
tables.table_series(employment.unemployment, names, fmt, report.look, report.text("captions.unemployment_table"),
                    report.source("unemployment"), decimals=1)
