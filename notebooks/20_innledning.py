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
# Chapter 1: Innledning. The shock, the status, the mandate, data and method. The facts in the
# first section are computed from the configuration and the data; the rest is the analyst's prose.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
from IPython.display import Markdown

from evalreport import chapter, summary

# %%
config, case, fmt = chapter.load(config_file)
key = summary.compute_key_figures(config, case)
start, end = config.programme.start, config.programme.end

# %% [markdown]
# # 1 Innledning
#
# ## 1.1 Bakgrunn

# %%
Markdown(f"""
Etter finanskrisen i 2008 mistet Raufoss-industrien om lag {fmt.number(key.jobs_lost)} arbeidsplasser i løpet av
få måneder, om lag {fmt.percent(17, 0)} av arbeidsstyrken i Raufoss Industripark. I tillegg forsvant arbeidsplasser hos
leverandører og i handel og tjenester. Samtidig var {config.municipality_name} kommune nær ved å bli
registrert i ROBEK, statens register over kommuner i økonomisk ubalanse.

Kommunen søkte fylkeskommunen om status som omstillingskommune i {config.programme.status_applied} og fikk den
innvilget. Omstillingsprogrammet startet i {start} og varte i {fmt.number_word(key.programme_years)} år, til
nyttår {end}/{str(end + 1)[-2:]}.
""")

# %% [markdown]
# ## 1.2 Mandat
#
# Denne sluttevalueringen skal vurdere hva omstillingsprogrammet har oppnådd, hva det har kostet, og
# om det har bygget varig evne til utviklingsarbeid i kommunen og næringslivet. Evalueringen følger
# Innovasjon Norges veileder for sluttevaluering av omstillingsprogrammer.
#
# ## 1.3 Data og metode
#
# Evalueringen bygger på programmets regnskap og prosjektliste, programmets mål og resultatrapportering
# og offentlig statistikk fra Statistisk sentralbyrå (SSB) og NAV. Vedlegget viser kilde, lisens,
# hentedato og status for hvert datasett.
#
# Utviklingen i kommunen sammenlignes med nabokommuner, fylket og landet. Et anslag for forskjellen
# i forskjeller (difference-in-differences) viser hvordan sysselsettingen utviklet seg i forhold til
# sammenligningsområdene etter at programmet startet. Metoden kan ikke alene skille programmets
# virkning fra andre forhold som rammet kommunen og sammenligningsområdene ulikt.
