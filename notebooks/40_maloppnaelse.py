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
# Standard chapter: Måloppnåelse. Goals against results, and public money per job. The qualitative
# goals are the case's own prose (prose/<case>/qualitative_goals.md).

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
from evalreport import chapter, indicators, summary, tables

# %%
report = chapter.load(config_file, case_store, project_root)
config, case, fmt = report.config, report.case, report.fmt
attainment = indicators.compute_goal_attainment(case.goals)
key = summary.compute_key_figures(config, case)
report.glue(
    goals_reached=fmt.number_word(indicators.count_goals_reached(attainment)),
    goals_total=fmt.number_word(len(attainment)),
    jobs_total=fmt.number(key.jobs),
    public_funding=fmt.mnok(key.public_funding_nok),
    cost_per_job_exact=fmt.nok(key.cost_per_job_nok) if key.cost_per_job_nok else None,
)

# %% [markdown] tags=["lang-nb"]
# # Måloppnåelse
#
# ## Kvantitative mål

# %% [markdown] tags=["lang-nn"]
# # Måloppnåing
#
# ## Kvantitative mål

# %% [markdown] tags=["lang-en"]
# # Goal attainment
#
# ## Quantitative goals

# %%
tables.table_goals(attainment, fmt, report.say("Mål og resultater for omstillingsprogrammet",
                                               "Mål og resultat for omstillingsprogrammet",
                                               "Goals and results of the restructuring programme"),
                   report.source("goals"))

# %% [markdown] tags=["lang-nb"]
# Programmet nådde {{ goals_reached }} av {{ goals_total }} kvantitative mål. Til sammen rapporteres {{ jobs_new }} nye
# og {{ jobs_secured }} sikrede arbeidsplasser. Den offentlige finansieringen var {{ public_funding }}.
# {% if cost_per_job %}Det gir om lag {{ cost_per_job }} per ny eller sikret arbeidsplass{% if cost_per_new_job %} og om lag
# {{ cost_per_new_job }} per ny arbeidsplass{% endif %}. Beløpene er avrundet, fordi tallene for arbeidsplasser selv
# er anslag.{% else %}Programmet rapporterer ingen nye eller sikrede arbeidsplasser, så det finnes ingen kostnad per
# arbeidsplass å regne ut.{% endif %}
#
# Tallene for arbeidsplasser er programmets egne anslag. De sier ikke hvor mange av arbeidsplassene som ville ha
# kommet også uten støtte, og hvor mange som fortsatt finnes etter programslutt.
#
# ## Kvalitative mål
#
# {{ prose("qualitative_goals") }}

# %% [markdown] tags=["lang-nn"]
# Programmet nådde {{ goals_reached }} av {{ goals_total }} kvantitative mål. Til saman blir det rapportert {{ jobs_new }}
# nye og {{ jobs_secured }} sikra arbeidsplassar. Den offentlege finansieringa var {{ public_funding }}.
# {% if cost_per_job %}Det gir om lag {{ cost_per_job }} per ny eller sikra arbeidsplass{% if cost_per_new_job %} og om lag
# {{ cost_per_new_job }} per ny arbeidsplass{% endif %}. Beløpa er avrunda, fordi tala for arbeidsplassar sjølve er
# overslag.{% else %}Programmet rapporterer ingen nye eller sikra arbeidsplassar, så det finst ingen kostnad per
# arbeidsplass å rekne ut.{% endif %}
#
# Tala for arbeidsplassar er programmet sine eigne overslag. Dei seier ikkje kor mange av arbeidsplassane som ville
# ha kome også utan støtte, og kor mange som framleis finst etter programslutt.
#
# ## Kvalitative mål
#
# {{ prose("qualitative_goals") }}

# %% [markdown] tags=["lang-en"]
# The programme reached {{ goals_reached }} of its {{ goals_total }} quantitative goals. In all, {{ jobs_new }} new and
# {{ jobs_secured }} secured jobs are reported. Public funding was {{ public_funding }}.
# {% if cost_per_job %}That is about {{ cost_per_job }} per new or secured job{% if cost_per_new_job %} and about
# {{ cost_per_new_job }} per new job{% endif %}. The amounts are rounded, since the job counts are estimates
# themselves.{% else %}The programme reports no new or secured jobs, so there is no cost per job to compute.{% endif %}
#
# The job counts are the programme's own estimates. They do not say how many of the jobs would have come without
# support, nor how many still exist after the programme ended.
#
# ## Qualitative goals
#
# {{ prose("qualitative_goals") }}
