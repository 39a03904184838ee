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
# Chapter 4: Sysselsetting og arbeidsledighet. Employment by place of work against the comparison
# areas (levels and index), unemployment, and a difference-in-differences estimate.

# %% tags=["parameters"]
config_file = "reports/vestre_toten.yaml"

# %%
from IPython.display import Markdown, display

from evalreport import chapter, figures, indicators, summary, tables, texts

# %%
config, case, fmt = chapter.load(config_file)
names = summary.region_names(config)
municipality = config.municipality_name
start, end = config.programme.start, config.programme.end
employment = summary.employment_levels(config, case)
employment_index = indicators.compute_index(employment, config.base_year)
effect = summary.estimate_programme_effect(config, employment)
unemployment_regions = [config.municipality] + [c for c in config.comparison if c in set(case.unemployment["region_code"])]
unemployment = indicators.select_series(case.unemployment, "unemployed_pct", unemployment_regions)
ssb = summary.source_of(case, "employment", language=config.language)
nav = summary.source_of(case, "unemployment", language=config.language)
controls = " og ".join(names[c] for c in config.effect_controls)
left_out = " og ".join(names[c] for c in config.comparison if c not in config.effect_controls)

# %% [markdown]
# # 4 Sysselsetting og arbeidsledighet
#
# ## 4.1 Sysselsatte etter arbeidssted

# %%
first, last = employment.index[0], employment.index[-1]
Markdown(f"""
Figuren viser antall sysselsatte med arbeidssted i {municipality} som indeks med {config.base_year} = 100,
sammen med sammenligningsområdene. Sysselsettingen i {municipality} var {fmt.number(employment.loc[config.base_year, config.municipality])}
i {config.base_year} og {fmt.number(employment.loc[end, config.municipality])} i {end}. SSB la om
sysselsettingsstatistikken i 2015 (a-ordningen), så nivåene før og etter 2015 er ikke helt sammenlignbare.
Omleggingen gjelder alle områdene, så sammenligningen mellom områdene påvirkes mindre enn nivåene.
""")

# %%
figures.plot_lines(
    employment_index, names, fmt,
    caption=f"Sysselsatte etter arbeidssted, indeks {config.base_year} = 100",
    source=ssb,
    alt=" ".join([
        figures.describe_change("Sysselsettingen", municipality, employment[config.municipality].loc[config.base_year:end], fmt),
        *(f"Indeksen for {names[c]} var {fmt.number(employment_index.loc[end, c], 1)} i {end}." for c in config.comparison),
        f"Indeksen for {municipality} var {fmt.number(employment_index.loc[end, config.municipality], 1)} i {end}.",
    ]),
    y_label=texts.label(config.language, "index", base=config.base_year), decimals=0,
    shade=(start, end), series_break=2015,
)

# %%
tables.table_series(employment, names, fmt, "Sysselsatte etter arbeidssted, 4. kvartal", ssb)

# %% [markdown]
# ## 4.2 Hvordan utviklet sysselsettingen seg i forhold til sammenligningsområdene?

# %%
Markdown(f"""
Fra {fmt.years(*effect.pre_years) if effect.pre_years[0] != effect.pre_years[1] else effect.pre_years[0]} til
gjennomsnittet for programårene {fmt.years(*effect.post_years)} endret sysselsettingen i {municipality} seg med
{fmt.percent(effect.treated_change_pct, 1, signed=True)}, mot {fmt.percent(effect.comparison_change_pct, 1, signed=True)}
i gjennomsnitt for {controls}. Forskjellen i forskjeller er dermed **{fmt.percent(effect.estimate_pct, 1, signed=True)}**.
{f"{left_out} er ikke med i denne sammenligningen, fordi {municipality} selv er en del av dem." if left_out else ""}

**Hva tallet kan si:** at sysselsettingen i {municipality} i programperioden utviklet seg
{"bedre" if effect.estimate_pct > 0 else "svakere"} enn i {controls}, målt fra samme utgangspunkt.

**Hva tallet ikke kan si:** at forskjellen skyldes programmet. Når hver sammenligningskommune i tur og orden
behandles som om den hadde hatt et program, blir forskjellen minst like stor i
{fmt.number_word(effect.placebo_rank) if effect.placebo_rank else "ingen"} av {fmt.number_word(len(effect.placebo_pct))} tilfeller. Før programmet
({fmt.years(*effect.trend_years)}) utviklet sysselsettingen i {municipality} seg
{fmt.number(abs(effect.pre_trend_gap_pct), 1)} prosentpoeng {"sterkere" if effect.pre_trend_gap_pct > 0 else "svakere"}
per år enn i {controls}.
""")

# %% [markdown]
# I Vestre Toten skyldes forskjellen før programmet særlig at industrien mistet mange arbeidsplasser
# i 2008–2009. Forutsetningen om parallell utvikling holder derfor ikke fullt ut, og anslaget må leses
# med forsiktighet.

# %% [markdown]
# ## 4.3 Arbeidsledighet

# %%
display(figures.plot_lines(
    unemployment, names, fmt,
    caption="Registrerte helt ledige i september, prosent av arbeidsstyrken",
    source=nav,
    alt=figures.describe_change("Ledigheten", municipality, unemployment[config.municipality].loc[start - 1:end], fmt, 1)
    + "".join(f" I {names[c]} var den {fmt.percent(unemployment.loc[end, c])} i {end}." for c in unemployment.columns[1:]),
    y_label=texts.label(config.language, "unemployed_pct"), decimals=1, shade=(start, end),
))
display(tables.table_series(unemployment, names, fmt, "Registrerte helt ledige i september (%)", nav, decimals=1))
