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

# %% [markdown] tags=["remove-cell"]
# Standard chapter: Utviklingsevne og overføringsverdi. Its text is 70_utviklingsevne.md (nb),
# .nn.md and .en.md: the case's own judgement, in its prose files (prose/<case>/capacity.md,
# permanent_work.md and lessons.md); no computation.
