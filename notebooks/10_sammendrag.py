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
# Standard chapter: Sammendrag (summary), the page the council reads. Its text is 10_sammendrag.md
# (nb), .nn.md and .en.md; the case's own judgement is in prose/<case>/assessment.md. The effect
# sentence is computed here as in chapter 50, so that it holds when a case replaces chapter 50.
from evalreport import chapter, chapters, tables

report = chapter.load(config_file, case_store, project_root, effect_store)
values = chapters.summary.values(report)
report.glue(**values)

# %% exhibit="tbl-key-figures"
tables.table_key_figures(values["key_figures_printed"], report.language, report.look,
                         caption=report.text("captions.key_figures"), source=report.text("sources.key_figures"))
