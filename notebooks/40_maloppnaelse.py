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
# Chapter 3: Måloppnåelse. Goals against results and public money per job.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
from IPython.display import Markdown

from evalreport import chapter, indicators, summary, tables

# %%
config, case, fmt = chapter.load(config_file)
attainment = indicators.compute_goal_attainment(case.goals)
key = summary.compute_key_figures(config, case)

# %% [markdown]
# # 3 Måloppnåelse
#
# ## 3.1 Kvantitative mål

# %%
tables.table_goals(attainment, fmt, "Mål og resultater for omstillingsprogrammet",
                   summary.source_of(case, "goals", language=config.language))

# %%
Markdown(f"""
Programmet nådde {fmt.number_word(indicators.count_goals_reached(attainment))} av
{fmt.number_word(len(attainment))} kvantitative mål. Til sammen rapporteres {fmt.number(key.jobs_new_and_secured)} nye og
sikrede arbeidsplasser. Med samlet offentlig finansiering på {fmt.mnok(indicators.sum_public_funding(case.funding))}
tilsvarer det {fmt.nok(key.cost_per_job_nok)} per arbeidsplass.

Tallene for arbeidsplasser er bedriftenes egne anslag ved prosjektslutt. De sier ikke hvor mange av
arbeidsplassene som ville ha kommet også uten støtte, og de er ikke fulgt opp etter programslutt.
""")

# %% [markdown]
# ## 3.2 Kvalitative mål
#
# Programmet skulle styrke samarbeidet mellom kommunen, industrimiljøet og kunnskapsmiljøene, og gjøre
# kommunen til en mer næringsvennlig kommune. Intervjuer med bedrifter og samarbeidspartnere tyder på at
# samarbeidet med Raufoss Industripark og SINTEF Raufoss Manufacturing er blitt tettere, og at
# programmet har virket som en katalysator uten byråkrati.
