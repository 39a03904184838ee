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
# Standard chapter: the appendix. Every dataset with its source, licence, retrieval date and status,
# how each was made, and the methods. Its text is 90_vedlegg.md (nb), .nn.md and .en.md.
from evalreport import chapter, chapters, tables

report = chapter.load(config_file, case_store, project_root)
report.glue(**chapters.appendix.values(report.case.provenance, report.fmt,
                                        series_break=report.config.effect.series_break))

# %% exhibit="tbl-datasets"
tables.table_datasets(report.case.provenance, report.language, report.look, report.text("captions.datasets"),
                      report.text("sources.datasets"))
