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

from evalreport import chapter, indicators, tables

# %%
config, case, fmt = chapter.load(config_file)
attainment = indicators.compute_goal_attainment(case.goals)
jobs = indicators.count_jobs(case.goals)
cost_per_job = indicators.compute_cost_per_job(case.funding, jobs)
reached = attainment[attainment["pct_of_target"] >= 100]

# %% [markdown]
# # 3 Måloppnåelse
#
# ## 3.1 Kvantitative mål

# %%
tables.table_goals(attainment, fmt, "Mål og resultater for omstillingsprogrammet", "Programmets resultatrapportering")

# %%
Markdown(f"""
Programmet nådde {fmt.number_word(len(reached))} av {fmt.number_word(len(attainment))} kvantitative mål.
Til sammen rapporteres {fmt.number(jobs)} nye og sikrede arbeidsplasser. Med samlet offentlig
finansiering på {fmt.mnok(case.funding.loc[case.funding["source"].isin(indicators.PUBLIC_SOURCES), "amount_nok"].sum())}
tilsvarer det {fmt.nok(cost_per_job)} per arbeidsplass.

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
