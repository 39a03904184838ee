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
# Standard chapter: Måloppnåelse. Goals against results, and public money per job. Its text is
# 40_maloppnaelse.md (nb), .nn.md and .en.md; the qualitative goals are the case's own prose
# (prose/<case>/qualitative_goals.md).
from evalreport import chapter, chapters, tables

report = chapter.load(config_file, case_store, project_root)
goals = chapters.goals.compute(report.config, report.case)
report.glue(**chapters.goals.values(goals, report.fmt))

# %% exhibit="tbl-goals"
tables.table_goals(goals.attainment, report.fmt, report.look, report.text("captions.goals"), report.source("goals"))
