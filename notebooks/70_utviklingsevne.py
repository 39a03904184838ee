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
# Chapter 6: Utviklingsevne og overføringsverdi. The analyst's prose; no computation.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %% [markdown]
# # 6 Utviklingsevne og overføringsverdi
#
# ## 6.1 Kommunens og næringslivets utviklingsevne
#
# Programmet har gitt kommunen et tettere samarbeid med industrimiljøet i Raufoss Industripark og med
# SINTEF Raufoss Manufacturing. Kommunen har fått bedre kjennskap til hva industrien trenger, og
# bedriftene har fått erfaring med å søke og gjennomføre utviklingsprosjekter med offentlig støtte.
#
# ## 6.2 Fra omstillingsorganisasjon til varig utviklingsarbeid
#
# Etter programslutt videreføres utviklingsarbeidet i kommunens ordinære næringsarbeid. Nettverkene
# som programmet støttet, lever videre med egen finansiering.
#
# ## 6.3 Overføringsverdi
#
# - Det er enklere å skape vekst der det allerede finnes et solid industrielt grunnlag.
# - Et lite og ubyråkratisk program kan virke som katalysator når det samarbeider tett med
#   industriparker og kunnskapsmiljøer.
# - Resultatmål bør følges opp etter programslutt, og sammenlignes med utviklingen i andre kommuner.
