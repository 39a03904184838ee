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
# Standard chapter: Sysselsetting og arbeidsledighet. Employment by place of work against the comparison
# areas (levels and index), an estimate of the programme's effect on employment, and unemployment.
# The case's reading of its own numbers is in prose/<case>/employment.md.

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
from IPython.display import display

from evalreport import chapter, figures, indicators, summary, tables, texts

# %%
report = chapter.load(config_file, case_store, project_root)
config, case, fmt = report.config, report.case, report.fmt
names = report.names
code, start, end = config.municipality, config.programme.start, config.programme.end
employment = summary.employment_levels(config, case)
employment_index = indicators.compute_index(employment, config.base_year)
did = summary.estimate_programme_effect(config, employment)
unemployment_regions = [code] + [c for c in config.comparison if c in set(case.unemployment["region_code"])]
unemployment = indicators.select_series(case.unemployment, "unemployed_pct", unemployment_regions,
                                        years=range(config.period.start, config.period.end + 1))
ssb = report.source("employment")
nav = report.source("unemployment")
own_series = employment[code].dropna()
report.glue(
    base_year=str(config.base_year),
    employment_base=fmt.number(employment.loc[config.base_year, code]),
    employment_latest=fmt.number(own_series.iloc[-1]),
    employment_latest_year=str(own_series.index[-1]),
    series_break_in_period=config.period.start < 2015 <= config.period.end,
    did_controls=fmt.join([names[c] for c in did.controls], report.say("og", "og", "and")),
    did_left_out=fmt.join([names[c] for c in config.comparison if c not in did.controls],
                          report.say("og", "og", "and")) or None,
    did_pre=fmt.years(*did.pre_years) if did.pre_years[0] != did.pre_years[1] else str(did.pre_years[0]),
    did_post=fmt.years(*did.post_years),
    did_treated_change=fmt.percent(did.treated_change_pct, 1, signed=True),
    did_comparison_change=fmt.percent(did.comparison_change_pct, 1, signed=True),
    did_estimate=fmt.percent(did.estimate_pct, 1, signed=True),
    did_better=did.estimate_pct > 0,
    did_placebo_count=fmt.number_word(len(did.placebo_pct)),
    did_placebo_rank=fmt.number_word(did.placebo_rank),
    did_trend_known=did.trend_years is not None,
    did_trend_years=fmt.years(*did.trend_years) if did.trend_years else None,
    did_trend_gap=fmt.number(abs(did.pre_trend_gap_pct), 1) if did.trend_years else None,
    did_trend_stronger=bool(did.pre_trend_gap_pct > 0) if did.trend_years else None,
    effect_available=False,
)

# %% [markdown] tags=["lang-nb"]
# # Sysselsetting og arbeidsledighet
#
# ## Sysselsatte etter arbeidssted
#
# Figuren viser antall sysselsatte med arbeidssted i {{ municipality }} som indeks med {{ base_year }} = 100, sammen
# med sammenligningsområdene. Sysselsettingen i {{ municipality }} var {{ employment_base }} i {{ base_year }} og
# {{ employment_latest }} i {{ employment_latest_year }}.
# {% if series_break_in_period %}SSB la om sysselsettingsstatistikken i 2015 (a-ordningen), så nivåene før og etter 2015
# er ikke helt sammenlignbare. Omleggingen gjelder alle områdene, så sammenligningen mellom områdene påvirkes mindre
# enn nivåene.{% endif %}

# %% [markdown] tags=["lang-nn"]
# # Sysselsetjing og arbeidsløyse
#
# ## Sysselsette etter arbeidsstad
#
# Figuren viser talet på sysselsette med arbeidsstad i {{ municipality }} som indeks med {{ base_year }} = 100, saman
# med samanlikningsområda. Sysselsetjinga i {{ municipality }} var {{ employment_base }} i {{ base_year }} og
# {{ employment_latest }} i {{ employment_latest_year }}.
# {% if series_break_in_period %}SSB la om sysselsetjingsstatistikken i 2015 (a-ordninga), så nivåa før og etter 2015
# er ikkje heilt samanliknbare. Omlegginga gjeld alle områda, så samanlikninga mellom områda blir mindre påverka enn
# nivåa.{% endif %}

# %% [markdown] tags=["lang-en"]
# # Employment and unemployment
#
# ## Employment by place of work
#
# The figure shows the number employed with their place of work in {{ municipality }} as an index with
# {{ base_year }} = 100, together with the comparison areas. Employment in {{ municipality }} was {{ employment_base }}
# in {{ base_year }} and {{ employment_latest }} in {{ employment_latest_year }}.
# {% if series_break_in_period %}Statistics Norway changed the employment statistics in 2015 (the a-ordning), so levels
# before and after 2015 are not fully comparable. The change applies to every area, so the comparison between areas
# is less affected than the levels.{% endif %}

# %%
figures.plot_lines(
    employment_index, names, fmt,
    caption=report.say(f"Sysselsatte etter arbeidssted, indeks {config.base_year} = 100",
                       f"Sysselsette etter arbeidsstad, indeks {config.base_year} = 100",
                       f"Employed by place of work, index {config.base_year} = 100"),
    source=ssb,
    alt=" ".join([
        figures.describe_change(report.say("Sysselsettingen", "Sysselsetjinga", "Employment"), names[code],
                                employment[code], fmt),
        *(figures.describe_index(names[c], employment_index[c], fmt) for c in employment_index.columns),
    ]),
    y_label=texts.label(config.language, "index", base=config.base_year), decimals=0,
    shade=(start, end), series_break=2015 if config.period.start < 2015 <= config.period.end else None,
)

# %%
tables.table_series(employment, names, fmt,
                    report.say("Sysselsatte etter arbeidssted, 4. kvartal", "Sysselsette etter arbeidsstad, 4. kvartal",
                               "Employed by place of work, 4th quarter"), ssb)

# %% [markdown] tags=["lang-nb"]
# ## Hvordan utviklet sysselsettingen seg i forhold til sammenligningsområdene?
#
# Fra {{ did_pre }} til gjennomsnittet for programårene {{ did_post }} endret sysselsettingen i {{ municipality }} seg
# med {{ did_treated_change }}, mot {{ did_comparison_change }} i gjennomsnitt for {{ did_controls }}. Regnet på
# logaritmen til sysselsettingen er forskjellen i forskjeller **{{ did_estimate }}**.
# {% if did_left_out %}{{ did_left_out }} er ikke med i denne sammenligningen, fordi {{ municipality }} selv er en del
# av dem.{% endif %}
#
# **Hva tallet kan si:** at sysselsettingen i {{ municipality }} i programperioden utviklet seg
# {% if did_better %}bedre{% else %}svakere{% endif %} enn i {{ did_controls }}, målt fra samme utgangspunkt.
#
# **Hva tallet ikke kan si:** at forskjellen skyldes programmet. Når hver sammenligningskommune i tur og orden
# behandles som om den hadde hatt et program, blir forskjellen minst like stor i {{ did_placebo_rank }} av
# {{ did_placebo_count }} tilfeller.
# {% if did_trend_known %}Før programmet ({{ did_trend_years }}) utviklet sysselsettingen i {{ municipality }} seg
# {{ did_trend_gap }} prosentpoeng {% if did_trend_stronger %}sterkere{% else %}svakere{% endif %} per år enn i
# {{ did_controls }}.{% endif %}
#
# {{ prose("employment") }}
#
# ## Arbeidsledighet

# %% [markdown] tags=["lang-nn"]
# ## Korleis utvikla sysselsetjinga seg samanlikna med samanlikningsområda?
#
# Frå {{ did_pre }} til gjennomsnittet for programåra {{ did_post }} endra sysselsetjinga i {{ municipality }} seg
# med {{ did_treated_change }}, mot {{ did_comparison_change }} i gjennomsnitt for {{ did_controls }}. Rekna på
# logaritmen til sysselsetjinga er skilnaden i skilnader **{{ did_estimate }}**.
# {% if did_left_out %}{{ did_left_out }} er ikkje med i denne samanlikninga, fordi {{ municipality }} sjølv er ein del
# av dei.{% endif %}
#
# **Kva talet kan seie:** at sysselsetjinga i {{ municipality }} i programperioden utvikla seg
# {% if did_better %}betre{% else %}svakare{% endif %} enn i {{ did_controls }}, målt frå same utgangspunkt.
#
# **Kva talet ikkje kan seie:** at skilnaden kjem av programmet. Når kvar samanlikningskommune etter tur blir
# handsama som om ho hadde hatt eit program, blir skilnaden minst like stor i {{ did_placebo_rank }} av
# {{ did_placebo_count }} tilfelle.
# {% if did_trend_known %}Før programmet ({{ did_trend_years }}) utvikla sysselsetjinga i {{ municipality }} seg
# {{ did_trend_gap }} prosentpoeng {% if did_trend_stronger %}sterkare{% else %}svakare{% endif %} per år enn i
# {{ did_controls }}.{% endif %}
#
# {{ prose("employment") }}
#
# ## Arbeidsløyse

# %% [markdown] tags=["lang-en"]
# ## How did employment develop compared with the comparison areas?
#
# From {{ did_pre }} to the average of the programme years {{ did_post }}, employment in {{ municipality }} changed by
# {{ did_treated_change }}, against {{ did_comparison_change }} on average for {{ did_controls }}. Computed on the
# logarithm of employment, the difference in differences is **{{ did_estimate }}**.
# {% if did_left_out %}{{ did_left_out }} are not part of this comparison, since {{ municipality }} is itself part of
# them.{% endif %}
#
# **What the number can tell:** that employment in {{ municipality }} during the programme developed
# {% if did_better %}better{% else %}worse{% endif %} than in {{ did_controls }}, measured from the same starting point.
#
# **What the number cannot tell:** that the difference is due to the programme. When each comparison municipality in
# turn is treated as if it had had a programme, the difference is at least as large in {{ did_placebo_rank }} of
# {{ did_placebo_count }} cases.
# {% if did_trend_known %}Before the programme ({{ did_trend_years }}) employment in {{ municipality }} developed
# {{ did_trend_gap }} percentage points a year {% if did_trend_stronger %}more strongly{% else %}more weakly{% endif %}
# than in {{ did_controls }}.{% endif %}
#
# {{ prose("employment") }}
#
# ## Unemployment

# %%
display(figures.plot_lines(
    unemployment, names, fmt,
    caption=report.say("Registrerte helt ledige i september, prosent av arbeidsstyrken",
                       "Registrerte heilt ledige i september, prosent av arbeidsstyrken",
                       "Registered fully unemployed in September, per cent of the labour force"),
    source=nav,
    alt=" ".join([figures.describe_change(report.say("Ledigheten", "Ledigheita", "Unemployment"), names[code],
                                          unemployment[code], fmt, 1),
                  *(figures.describe_latest(names[c], unemployment[c], fmt, 1) for c in unemployment.columns[1:])]),
    y_label=texts.label(config.language, "unemployed_pct"), decimals=1, shade=(start, end),
))
display(tables.table_series(unemployment, names, fmt,
                            report.say("Registrerte helt ledige i september (%)",
                                       "Registrerte heilt ledige i september (%)",
                                       "Registered fully unemployed in September (%)"), nav, decimals=1))
