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
# Standard chapter: Innledning. Its text is 20_innledning.md (nb), .nn.md and .en.md; the case's
# background is its own prose (prose/<case>/background.md); the mandate and the method are the same
# for every evaluation made with evalreport.
from evalreport import chapter, chapters

report = chapter.load(config_file, case_store, project_root)
report.glue(**chapters.introduction.values(report))
