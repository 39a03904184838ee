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
effect_store = ""

# %%
import pandas as pd
from IPython.display import display

from evalreport import chapter, effect, figures, indicators, summary, tables, texts

# %%
report = chapter.load(config_file, case_store, project_root, effect_store)
config, case, fmt = report.config, report.case, report.fmt
names = report.names
code, start, end = config.municipality, config.programme.start, config.programme.end
employment = summary.employment_levels(config, case)
employment_index = indicators.compute_index(employment, config.base_year)
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
    **effect.glue_values(report.effect, config, fmt, report.name),
)
analysis = report.effect
levels = effect.frame_of_levels(analysis)
pool = report.source("donor_pool_employment")
points = texts.label(config.language, "index_points")

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
# ## Hadde programmet en virkning på sysselsettingen?
#
# For å anslå hva sysselsettingen i {{ municipality }} ville ha vært uten programmet, er kommunen sammenlignet med en
# syntetisk kontrollgruppe: et veid gjennomsnitt av andre kommuner, valgt blant {{ effect_donors }} kommuner slik at det
# følger sysselsettingen i {{ municipality }} så tett som mulig i årene {{ effect_fit_years }}. Sysselsettingen er regnet
# som indeks, med gjennomsnittet for {{ effect_fit_years }} = 100 i hver kommune, så kommuner av ulik størrelse kan
# sammenlignes. {% if effect_excluded %}Holdt utenfor kontrollgruppen: {{ effect_excluded }}.{% endif %}
#
# Kontrollgruppen består av {{ effect_weighted_count }} kommuner med vekt, størst {{ effect_weighted }}. Før
# programmet avvek den i gjennomsnitt {% if effect_exact_fit %}mindre enn 0,1{% else %}{{ effect_pre_rmspe }}{% endif %}
# indekspoeng fra {{ municipality }}. I programårene
# {{ effect_post_years }} lå sysselsettingen i {{ municipality }} i gjennomsnitt **{{ effect_points }} indekspoeng
# {% if effect_higher %}høyere{% else %}lavere{% endif %}** enn i kontrollgruppen.

# %% [markdown] tags=["lang-nn"]
# ## Hadde programmet ein verknad på sysselsetjinga?
#
# For å anslå kva sysselsetjinga i {{ municipality }} ville ha vore utan programmet, er kommunen samanlikna med ei
# syntetisk kontrollgruppe: eit vege gjennomsnitt av andre kommunar, valt mellom {{ effect_donors }} kommunar slik at
# det følgjer sysselsetjinga i {{ municipality }} så tett som mogleg i åra {{ effect_fit_years }}. Sysselsetjinga er
# rekna som indeks, med gjennomsnittet for {{ effect_fit_years }} = 100 i kvar kommune, så kommunar av ulik storleik
# kan samanliknast. {% if effect_excluded %}Halde utanfor kontrollgruppa: {{ effect_excluded }}.{% endif %}
#
# Kontrollgruppa består av {{ effect_weighted_count }} kommunar med vekt, størst {{ effect_weighted }}. Før programmet
# avveik ho i gjennomsnitt {% if effect_exact_fit %}mindre enn 0,1{% else %}{{ effect_pre_rmspe }}{% endif %}
# indekspoeng frå {{ municipality }}. I programåra
# {{ effect_post_years }} låg sysselsetjinga i {{ municipality }} i gjennomsnitt **{{ effect_points }} indekspoeng
# {% if effect_higher %}høgare{% else %}lågare{% endif %}** enn i kontrollgruppa.

# %% [markdown] tags=["lang-en"]
# ## Did the programme make a difference to employment?
#
# To estimate what employment in {{ municipality }} would have been without the programme, the municipality is
# compared with a synthetic control group: a weighted average of other municipalities, chosen among
# {{ effect_donors }} municipalities so that it follows employment in {{ municipality }} as closely as possible in
# {{ effect_fit_years }}. Employment is taken as an index, each municipality's mean over {{ effect_fit_years }} = 100,
# so that municipalities of every size compare. {% if effect_excluded %}Left out of the control group:
# {{ effect_excluded }}.{% endif %}
#
# The control group holds {{ effect_weighted_count }} municipalities with weight, the largest {{ effect_weighted }}.
# Before the programme it differed from {{ municipality }} by
# {% if effect_exact_fit %}less than 0.1{% else %}{{ effect_pre_rmspe }}{% endif %} index points on average. In the
# programme years {{ effect_post_years }}, employment in {{ municipality }} was on average **{{ effect_points }} index
# points {% if effect_higher %}higher{% else %}lower{% endif %}** than in the control group.

# %%
display(figures.plot_lines(
    levels.rename(columns={"treated": config.municipality}),
    {config.municipality: report.name(config.municipality),
     "synthetic": report.say("Syntetisk kontrollgruppe", "Syntetisk kontrollgruppe", "Synthetic control group")},
    fmt,
    caption=report.say(f"Sysselsatte i {report.name(config.municipality)} og i den syntetiske kontrollgruppen (indeks)",
                       f"Sysselsette i {report.name(config.municipality)} og i den syntetiske kontrollgruppa (indeks)",
                       f"Employed in {report.name(config.municipality)} and in the synthetic control group (index)"),
    source=pool,
    alt=figures.describe_gap(levels["treated"], levels["synthetic"], report.name(config.municipality), fmt),
    y_label=points, decimals=0, shade=(start, end),
))
tables.table_weights(analysis.main.weights, {code: report.name(code) for code in analysis.main.weights}, fmt,
                     report.say("Kommunene i den syntetiske kontrollgruppen", "Kommunane i den syntetiske kontrollgruppa",
                                "The municipalities of the synthetic control group"), pool)

# %% [markdown] tags=["lang-nb"]
# **Er forskjellen større enn vanlig variasjon?** Den samme beregningen er gjort for hver av kommunene i
# kontrollgruppen, som om de hadde hatt et program (de grå linjene i figuren nedenfor). {{ effect_rank }} av
# {{ effect_units }} kommuner, {{ municipality }} medregnet, har et avvik etter programstart som er minst like stort i
# forhold til tilpasningen før. Det gir en placebo-p-verdi på {{ effect_p }}.
# {% if effect_clear %}Så store avvik er sjeldne blant kommuner uten program, og anslaget kan skilles fra vanlig
# variasjon (grensen er {{ effect_significance }}).{% else %}En så stor forskjell er vanlig også blant kommuner uten
# program, og den kan derfor ikke skilles fra vanlig variasjon (grensen er {{ effect_significance }}).{% endif %}
# {% if effect_interval %}Under antakelsen om en konstant virkning er virkninger fra {{ effect_interval }} indekspoeng
# forenlige med dataene ({{ effect_level }} % konfidens).{% endif %}

# %% [markdown] tags=["lang-nn"]
# **Er skilnaden større enn vanleg variasjon?** Den same utrekninga er gjord for kvar av kommunane i
# kontrollgruppa, som om dei hadde hatt eit program (dei grå linjene i figuren nedanfor). {{ effect_rank }} av
# {{ effect_units }} kommunar, {{ municipality }} medrekna, har eit avvik etter programstart som er minst like stort
# samanlikna med tilpassinga før. Det gir ein placebo-p-verdi på {{ effect_p }}.
# {% if effect_clear %}Så store avvik er sjeldne blant kommunar utan program, og overslaget kan skiljast frå vanleg
# variasjon (grensa er {{ effect_significance }}).{% else %}Ein så stor skilnad er vanleg også blant kommunar utan
# program, og han kan difor ikkje skiljast frå vanleg variasjon (grensa er {{ effect_significance }}).{% endif %}
# {% if effect_interval %}Under føresetnaden om ein konstant verknad er verknader frå {{ effect_interval }} indekspoeng
# sameinlege med dataa ({{ effect_level }} % konfidens).{% endif %}

# %% [markdown] tags=["lang-en"]
# **Is the difference larger than normal variation?** The same calculation was made for each municipality in the
# control group, as if it had had a programme (the grey lines in the figure below). {{ effect_rank }} of
# {{ effect_units }} municipalities, {{ municipality }} included, depart after the start at least as far relative to
# their fit before it. That gives a placebo p-value of {{ effect_p }}.
# {% if effect_clear %}Departures this large are rare among municipalities without a programme, and the estimate can be
# told apart from normal variation (the threshold is {{ effect_significance }}).{% else %}A difference this large is
# common among municipalities without a programme, so it cannot be told apart from normal variation (the threshold is
# {{ effect_significance }}).{% endif %} {% if effect_interval %}Assuming a constant effect, effects from
# {{ effect_interval }} index points are consistent with the data ({{ effect_level }} % confidence).{% endif %}

# %%
placebo_gaps = pd.DataFrame(analysis.main.placebo.gaps).sort_index()
treated_gap = pd.Series(analysis.main.gap).sort_index()
display(figures.plot_placebo_gaps(
    treated_gap, placebo_gaps,
    (report.name(config.municipality), report.say("Kommuner uten program (placebo)", "Kommunar utan program (placebo)",
                                                  "Municipalities without a programme (placebo)")),
    fmt,
    caption=report.say("Avvik fra kontrollgruppen: kommunen og placeboene (indekspoeng)",
                       "Avvik frå kontrollgruppa: kommunen og placeboane (indekspoeng)",
                       "Departure from the control group: the municipality and the placebos (index points)"),
    source=pool, alt=figures.describe_placebos(treated_gap, placebo_gaps, start, report.name(config.municipality), fmt),
    y_label=points, shade=(start, end),
))
study = pd.DataFrame(analysis.main.event_study).T.sort_index()
display(figures.plot_event_study(
    study["gap"], study["low"], study["high"],
    (report.say("Avvik per år", "Avvik per år", "Departure by year"),
     report.say("90 % av godt tilpassede placeboer", "90 % av godt tilpassa placeboar", "90 % of well-fitted placebos")),
    fmt,
    caption=report.say("Avvik fra kontrollgruppen per år, med spennet blant kommuner uten program",
                       "Avvik frå kontrollgruppa per år, med spennet blant kommunar utan program",
                       "Departure from the control group by year, with the range among municipalities without a programme"),
    source=pool, alt=figures.describe_band(study["gap"], study["low"], study["high"], start, end, fmt),
    y_label=points, shade=(start, end), decimals=0,
))

# %% [markdown] tags=["lang-nb"]
# **Hvor mye flytter svaret seg?** Tabellen viser anslaget når valgene bak det endres: hvilke år kontrollgruppen
# tilpasses, hvilke år etter start som regnes med, hvilke kommuner som er med, en falsk startdato, og en annen metode.
# Anslagene spenner fra {{ effect_range }} indekspoeng. {% if effect_in_time %}Med en falsk start i
# {{ effect_in_time_start }} finner metoden {{ effect_in_time }} indekspoeng før det virkelige programmet; det viser
# hvor store utslag den kan gi uten noe program.{% endif %}
#
# **Hva anslaget kan si:** hvordan sysselsettingen i {{ municipality }} utviklet seg sammenlignet med kommuner som
# lignet før programmet. **Hva det ikke kan si:** at forskjellen skyldes programmet alene. Andre hendelser som rammet
# kommunen i de samme årene, og ringvirkninger til kontrollkommunene, kan gi eller skjule en forskjell.

# %% [markdown] tags=["lang-nn"]
# **Kor mykje flyttar svaret seg?** Tabellen viser overslaget når vala bak det blir endra: kva år kontrollgruppa blir
# tilpassa, kva år etter start som blir rekna med, kva kommunar som er med, ein falsk startdato, og ein annan metode.
# Overslaga spenner frå {{ effect_range }} indekspoeng. {% if effect_in_time %}Med ein falsk start i
# {{ effect_in_time_start }} finn metoden {{ effect_in_time }} indekspoeng før det verkelege programmet; det viser
# kor store utslag han kan gi utan noko program.{% endif %}
#
# **Kva overslaget kan seie:** korleis sysselsetjinga i {{ municipality }} utvikla seg samanlikna med kommunar som
# likna før programmet. **Kva det ikkje kan seie:** at skilnaden kjem av programmet åleine. Andre hendingar som råka
# kommunen i dei same åra, og ringverknader til kontrollkommunane, kan gi eller skjule ein skilnad.

# %% [markdown] tags=["lang-en"]
# **How much does the answer move?** The table shows the estimate when the choices behind it change: the years the
# control group is fitted to, the years after the start that count, the municipalities in it, a fake start date, and
# another method. The estimates range from {{ effect_range }} index points. {% if effect_in_time %}With a fake start
# in {{ effect_in_time_start }} the method finds {{ effect_in_time }} index points before the real programme; that is
# how large a departure it can show with no programme at all.{% endif %}
#
# **What the estimate can tell:** how employment in {{ municipality }} developed compared with municipalities that were
# alike before the programme. **What it cannot tell:** that the difference is due to the programme alone. Other
# events that hit the municipality in the same years, and effects spilling over to the control municipalities, can
# create or hide a difference.

# %%
tables.table_rows(
    effect.sensitivity_rows(analysis, fmt),
    (texts.label(config.language, "analysis"), texts.label(config.language, "estimate_points")), config.language,
    report.say("Følsomhet: anslaget med andre valg", "Følsemd: overslaget med andre val",
               "Sensitivity: the estimate under other choices"), pool)

# %% [markdown] tags=["lang-nb"]
# ### Forskjell i forskjeller som kontroll
#
# Som en enkel kontroll er utviklingen også sammenlignet direkte med sammenligningskommunene, uten vekter. Metoden
# forutsetter at kommunene ville ha utviklet seg parallelt uten programmet, og den har bare noen få kommuner å
# sammenligne med.
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
# **Hva tallet ikke kan si:** at forskjellen skyldes programmet. {% if did_placebo_possible %}Når hver
# sammenligningskommune i tur og orden behandles som om den hadde hatt et program, blir forskjellen minst like stor i
# {{ did_placebo_rank }} av {{ did_placebo_count }} tilfeller.{% else %}Med bare én sammenligningskommune kan
# forskjellen ikke prøves mot placeboer.{% endif %}
# {% if did_trend_known %}Før programmet ({{ did_trend_years }}) utviklet sysselsettingen i {{ municipality }} seg
# {{ did_trend_gap }} prosentpoeng {% if did_trend_stronger %}sterkere{% else %}svakere{% endif %} per år enn i
# {{ did_controls }}.{% endif %}
#
# {{ prose("employment") }}
#
# ## Arbeidsledighet

# %% [markdown] tags=["lang-nn"]
# ### Skilnad i skilnader som kontroll
#
# Som ein enkel kontroll er utviklinga òg samanlikna direkte med samanlikningskommunane, utan vekter. Metoden
# føreset at kommunane ville ha utvikla seg parallelt utan programmet, og han har berre nokre få kommunar å
# samanlikne med.
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
# **Kva talet ikkje kan seie:** at skilnaden kjem av programmet. {% if did_placebo_possible %}Når kvar
# samanlikningskommune etter tur blir handsama som om ho hadde hatt eit program, blir skilnaden minst like stor i
# {{ did_placebo_rank }} av {{ did_placebo_count }} tilfelle.{% else %}Med berre éin samanlikningskommune kan
# skilnaden ikkje prøvast mot placeboar.{% endif %}
# {% if did_trend_known %}Før programmet ({{ did_trend_years }}) utvikla sysselsetjinga i {{ municipality }} seg
# {{ did_trend_gap }} prosentpoeng {% if did_trend_stronger %}sterkare{% else %}svakare{% endif %} per år enn i
# {{ did_controls }}.{% endif %}
#
# {{ prose("employment") }}
#
# ## Arbeidsløyse

# %% [markdown] tags=["lang-en"]
# ### Difference in differences as a cross-check
#
# As a simple cross-check, employment is also compared directly with the comparison municipalities, without
# weights. The method assumes that the municipalities would have developed in parallel without the programme, and
# it has only a few municipalities to compare with.
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
# **What the number cannot tell:** that the difference is due to the programme. {% if did_placebo_possible %}When
# each comparison municipality in turn is treated as if it had had a programme, the difference is at least as large
# in {{ did_placebo_rank }} of {{ did_placebo_count }} cases.{% else %}With only one comparison municipality, the
# difference cannot be tested against placebos.{% endif %}
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
