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
# Standard chapter: Omstillingsprosessen og ressursbruk. Funding by funder and year, spending by focus
# area, projects. Its text is 30_omstillingsprosessen.md (nb), .nn.md and .en.md; the organisation and
# the examples of projects are the case's own prose (prose/<case>/organisation.md and projects.md).
from evalreport import chapter, chapters, figures, tables

report = chapter.load(config_file, case_store, project_root)
process = chapters.process.compute(report.config, report.case)
report.glue(**chapters.process.values(process, report.fmt))

# %% exhibit="tbl-funding-by-funder"
tables.table_funding_by_funder(process.funding_by_funder, report.fmt, report.look,
                               report.text("captions.funding_by_funder"),
                               report.source("funders", "funding", "spending"))

# %% exhibit="tbl-funding-by-year"
tables.table_funding_by_year(process.funding_by_year, process.funder_names, report.fmt, report.look,
                             report.text("captions.funding_by_year_table"),
                             report.source("funders", "funding", "spending"))

# %% exhibit="fig-funding-by-year"
figures.plot_stacked_bars(
    process.funding_by_year.drop(columns="total"), process.funder_names, report.fmt, report.look,
    caption=report.text("captions.funding_by_year_chart"), source=report.source("funders", "funding", "spending"),
    alt=figures.describe_stacked_funding(process.funding_by_year, process.funding_by_funder, report.fmt),
    y_label=report.text("labels.mnok_axis"), scale=1e6, decimals=1,
)

# %% exhibit="tbl-spending-by-area"
tables.table_spending_by_area(process.spending_by_area, report.fmt, report.look,
                              report.text("captions.spending_by_area"), report.source("funders", "funding", "spending"))

# %% exhibit="tbl-projects-by-area"
tables.table_projects(process.projects_by_area, report.fmt, report.look, report.text("captions.projects_by_area"),
                      report.source("projects"))
