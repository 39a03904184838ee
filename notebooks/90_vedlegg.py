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
# Appendix: every dataset with its source, licence, retrieval date and status, and the method notes.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
from IPython.display import Markdown

from evalreport import chapter, tables

# %%
config, case, fmt = chapter.load(config_file)

# %% [markdown]
# # Vedlegg
#
# ## Datagrunnlag

# %%
tables.table_datasets(case.provenance, config.language, "Datasett som rapporten bygger på",
                      "Datamappen " + config.data_dir)

# %% [markdown]
# ## Slik er dataene laget

# %%
Markdown("\n".join(f"- **{p.title}** ({p.file}). {p.method}" for p in case.provenance.values()))

# %% [markdown]
# ## Metode
#
# - **Indeks:** hvert områdes sysselsetting delt på verdien i basisåret, ganger 100.
# - **Forskjell i forskjeller:** endringen i logaritmen til sysselsettingen fra basisåret til
#   gjennomsnittet for programårene, for kommunen minus gjennomsnittet for sammenligningsområdene,
#   regnet om til prosent. Som kontroll behandles hvert sammenligningsområde i tur og orden som om det
#   hadde hatt et program.
# - **Offentlige midler per arbeidsplass:** finansiering fra fylkeskommunen, kommunen og Innovasjon Norge
#   delt på nye og sikrede arbeidsplasser.
# - **Kostnad per tilskuddskrone:** prosjektenes samlede kostnad delt på tilsagn fra programmet.
