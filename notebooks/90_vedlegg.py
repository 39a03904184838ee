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
# Standard chapter: the appendix. Every dataset with its source, licence, retrieval date and status,
# how each was made, and the methods.

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
from evalreport import chapter, tables

# %%
report = chapter.load(config_file, case_store, project_root)
report.glue(datasets=[{"title": p.title, "file": p.file, "method": p.method}
                      for p in report.case.provenance.values()])

# %% [markdown] tags=["lang-nb"]
# # Vedlegg {-}
#
# ## Datagrunnlag

# %% [markdown] tags=["lang-nn"]
# # Vedlegg {-}
#
# ## Datagrunnlag

# %% [markdown] tags=["lang-en"]
# # Appendix {-}
#
# ## Data

# %%
tables.table_datasets(report.case.provenance, report.language,
                      report.say("Datasett som rapporten bygger på", "Datasett som rapporten byggjer på",
                                 "Datasets the report rests on"),
                      report.say("Datasettenes proveniens (datasets.yaml)", "Proveniensen til datasetta (datasets.yaml)",
                                 "The datasets' provenance (datasets.yaml)"))

# %% [markdown] tags=["lang-nb"]
# ## Slik er dataene laget
#
# {% for dataset in datasets %}
# - **{{ dataset.title }}** ({{ dataset.file }}). {{ dataset.method }}
# {% endfor %}
#
# ## Metode
#
# - **Indeks:** hvert områdes sysselsetting delt på verdien i basisåret, ganger 100.
# - **Syntetisk kontroll:** et veid gjennomsnitt av andre kommuner, med vekter som er null eller positive og summerer
#   seg til én, valgt slik at gjennomsnittet følger kommunens sysselsetting så tett som mulig i årene før programmet.
#   Forskjellen mellom kommunen og gjennomsnittet i programårene er anslaget på programmets virkning.
# - **Placebotest:** den samme beregningen for hver av de andre kommunene, som om de hadde hatt et program. Andelen
#   kommuner med en forskjell som er minst like stor i forhold til tilpasningen før programmet, er placebo-p-verdien.
# - **Forskjell i forskjeller:** endringen i logaritmen til sysselsettingen fra årene før programmet til
#   gjennomsnittet for programårene, for kommunen minus gjennomsnittet for sammenligningskommunene, regnet om til
#   prosent.
# - **Offentlige midler per arbeidsplass:** finansiering fra bidragsytere som er oppført som offentlige, delt på nye
#   og sikrede arbeidsplasser, avrundet til to gjeldende sifre.
# - **Kostnad per tilskuddskrone:** prosjektenes samlede kostnad delt på tilsagn fra programmet.

# %% [markdown] tags=["lang-nn"]
# ## Slik er dataa laga
#
# {% for dataset in datasets %}
# - **{{ dataset.title }}** ({{ dataset.file }}). {{ dataset.method }}
# {% endfor %}
#
# ## Metode
#
# - **Indeks:** sysselsetjinga i kvart område delt på verdien i basisåret, gonger 100.
# - **Syntetisk kontroll:** eit vege gjennomsnitt av andre kommunar, med vekter som er null eller positive og summerer
#   seg til éin, valde slik at gjennomsnittet følgjer sysselsetjinga i kommunen så tett som mogleg i åra før
#   programmet. Skilnaden mellom kommunen og gjennomsnittet i programåra er overslaget over verknaden av programmet.
# - **Placebotest:** den same utrekninga for kvar av dei andre kommunane, som om dei hadde hatt eit program. Delen av
#   kommunane med ein skilnad som er minst like stor samanlikna med tilpassinga før programmet, er placebo-p-verdien.
# - **Skilnad i skilnader:** endringa i logaritmen til sysselsetjinga frå åra før programmet til gjennomsnittet for
#   programåra, for kommunen minus gjennomsnittet for samanlikningskommunane, rekna om til prosent.
# - **Offentlege midlar per arbeidsplass:** finansiering frå bidragsytarar som er førte opp som offentlege, delt på
#   nye og sikra arbeidsplassar, avrunda til to gjeldande siffer.
# - **Kostnad per tilskotskrone:** den samla kostnaden til prosjekta delt på tilsegn frå programmet.

# %% [markdown] tags=["lang-en"]
# ## How the data were made
#
# {% for dataset in datasets %}
# - **{{ dataset.title }}** ({{ dataset.file }}). {{ dataset.method }}
# {% endfor %}
#
# ## Method
#
# - **Index:** each area's employment divided by its value in the base year, times 100.
# - **Synthetic control:** a weighted average of other municipalities, with weights that are zero or positive and sum
#   to one, chosen so that the average follows the municipality's employment as closely as possible in the years
#   before the programme. The difference between the municipality and the average in the programme years is the
#   estimate of the programme's effect.
# - **Placebo test:** the same calculation for each of the other municipalities, as if they had had a programme. The
#   share of municipalities with a difference at least as large relative to their fit before the programme is the
#   placebo p-value.
# - **Difference in differences:** the change in the logarithm of employment from the years before the programme to
#   the average of the programme years, for the municipality minus the average of the comparison municipalities,
#   converted to per cent.
# - **Public money per job:** funding from funders listed as public, divided by new and secured jobs, rounded to two
#   significant digits.
# - **Cost per grant krone:** the projects' total cost divided by the programme's grants.
