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
# Standard chapter: Utviklingsevne og overføringsverdi. The case's own judgement, in its prose files
# (prose/<case>/capacity.md, permanent_work.md and lessons.md); no computation.

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %% [markdown] tags=["lang-nb"]
# # Utviklingsevne og overføringsverdi
#
# ## Kommunens og næringslivets utviklingsevne
#
# {{ prose("capacity") }}
#
# ## Fra omstillingsorganisasjon til varig utviklingsarbeid
#
# {{ prose("permanent_work") }}
#
# ## Overføringsverdi
#
# {{ prose("lessons") }}

# %% [markdown] tags=["lang-nn"]
# # Utviklingsevne og overføringsverdi
#
# ## Utviklingsevna til kommunen og næringslivet
#
# {{ prose("capacity") }}
#
# ## Frå omstillingsorganisasjon til varig utviklingsarbeid
#
# {{ prose("permanent_work") }}
#
# ## Overføringsverdi
#
# {{ prose("lessons") }}

# %% [markdown] tags=["lang-en"]
# # Development capacity and lessons
#
# ## The development capacity of the municipality and its businesses
#
# {{ prose("capacity") }}
#
# ## From restructuring organisation to lasting development work
#
# {{ prose("permanent_work") }}
#
# ## Lessons for others
#
# {{ prose("lessons") }}
