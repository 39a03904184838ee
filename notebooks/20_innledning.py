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
# Standard chapter: Innledning. The case's background is its own prose (prose/<case>/background.md);
# the mandate and the method are the same for every evaluation made with evalreport.

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
from evalreport import chapter

# %%
report = chapter.load(config_file, case_store, project_root)
report.glue(
    status_applied=str(report.config.programme.status_applied) if report.config.programme.status_applied else None,
    comparison_areas=report.fmt.join([report.name(c) for c in report.config.comparison],
                                     report.say("og", "og", "and")),
)

# %% [markdown] tags=["lang-nb"]
# # Innledning
#
# ## Bakgrunn
#
# {{ prose("background") }}
#
# {{ municipality }} hadde status som omstillingskommune{% if status_applied %} etter søknad i {{ status_applied }}{% endif %}.
# Omstillingsprogrammet varte i {{ programme_length }} år, fra {{ programme_start }} til og med {{ programme_end }}.
#
# ## Mandat
#
# Denne sluttevalueringen skal vurdere hva omstillingsprogrammet har oppnådd, hva det har kostet, og om det har
# bygget varig evne til utviklingsarbeid i kommunen og næringslivet. Den følger Innovasjon Norges veileder for
# sluttevaluering av omstillingsprogrammer.
#
# ## Data og metode
#
# Evalueringen bygger på programmets regnskap og prosjektliste, programmets mål og resultatrapportering, og
# offentlig statistikk. Vedlegget viser kilde, lisens, hentedato og status for hvert datasett.
#
# Utviklingen i kommunen sammenlignes med {{ comparison_areas }}. For å anslå hva programmet betydde for
# sysselsettingen, sammenlignes kommunen også med en syntetisk kontrollgruppe: et veid gjennomsnitt av andre
# kommuner som utviklet seg likt med kommunen før programmet. Forskjellen etter at programmet startet, er anslaget
# på programmets virkning. Hvor sikkert anslaget er, vurderes ved å gjøre den samme beregningen for hver av de andre
# kommunene, som om de hadde hatt et program. Kapittel 4 og vedlegget forklarer metoden og hva den ikke kan si.

# %% [markdown] tags=["lang-nn"]
# # Innleiing
#
# ## Bakgrunn
#
# {{ prose("background") }}
#
# {{ municipality }} hadde status som omstillingskommune{% if status_applied %} etter søknad i {{ status_applied }}{% endif %}.
# Omstillingsprogrammet varte i {{ programme_length }} år, frå {{ programme_start }} til og med {{ programme_end }}.
#
# ## Mandat
#
# Denne sluttevalueringa skal vurdere kva omstillingsprogrammet har oppnådd, kva det har kosta, og om det har bygd
# varig evne til utviklingsarbeid i kommunen og næringslivet. Ho følgjer rettleiaren til Innovasjon Noreg for
# sluttevaluering av omstillingsprogram.
#
# ## Data og metode
#
# Evalueringa byggjer på rekneskapen og prosjektlista til programmet, måla og resultatrapporteringa til programmet,
# og offentleg statistikk. Vedlegget viser kjelde, lisens, hentedato og status for kvart datasett.
#
# Utviklinga i kommunen blir samanlikna med {{ comparison_areas }}. For å anslå kva programmet hadde å seie for
# sysselsetjinga, blir kommunen òg samanlikna med ei syntetisk kontrollgruppe: eit vege gjennomsnitt av andre
# kommunar som utvikla seg likt med kommunen før programmet. Skilnaden etter at programmet starta, er overslaget
# over verknaden av programmet. Kor sikkert overslaget er, blir vurdert ved å gjere den same utrekninga for kvar av
# dei andre kommunane, som om dei hadde hatt eit program. Kapittel 4 og vedlegget forklarer metoden og kva han ikkje
# kan seie.

# %% [markdown] tags=["lang-en"]
# # Introduction
#
# ## Background
#
# {{ prose("background") }}
#
# {{ municipality }} had restructuring status{% if status_applied %} after applying in {{ status_applied }}{% endif %}.
# The restructuring programme ran for {{ programme_length }} years, from {{ programme_start }} to {{ programme_end }}
# inclusive.
#
# ## Mandate
#
# This final evaluation assesses what the restructuring programme achieved, what it cost, and whether it built a
# lasting capacity for development work in the municipality and its businesses. It follows Innovation Norway's
# guide to the final evaluation of restructuring programmes.
#
# ## Data and method
#
# The evaluation rests on the programme's accounts and project list, its goals and results reporting, and public
# statistics. The appendix gives the source, licence, retrieval date and status of each dataset.
#
# The municipality is compared with {{ comparison_areas }}. To estimate what the programme meant for employment, it
# is also compared with a synthetic control group: a weighted average of other municipalities that developed like
# it before the programme. The difference after the programme began is the estimate of the programme's effect. How
# certain the estimate is, is judged by making the same calculation for each of the other municipalities, as if they
# had had a programme. Chapter 4 and the appendix explain the method and what it cannot tell.
