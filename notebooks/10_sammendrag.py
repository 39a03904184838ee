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
# Standard chapter: Sammendrag (summary), the page the council reads. Every sentence here holds for
# any case: the numbers are glued from the data, and a sentence that depends on the data is chosen
# with {% if %}. The case's own judgement is in prose/<case>/assessment.md. The effect estimate is
# glued by the employment chapter (50).

# %% tags=["parameters"]
config_file = ""
case_store = ""
project_root = ""

# %%
from evalreport import chapter, summary, tables, texts

# %%
report = chapter.load(config_file, case_store, project_root)
config, fmt = report.config, report.fmt
key = summary.compute_key_figures(config, report.case)
report.glue(
    jobs_lost=fmt.number(config.programme.jobs_lost) if config.programme.jobs_lost else None,
    total_funding=fmt.mnok(key.total_funding_nok),
    funders=fmt.count(key.funders, report.say("én bidragsyter", "éin bidragsytar", "one funder"),
                      report.say("bidragsytere", "bidragsytarar", "funders")),
    municipal_funding=fmt.mnok(key.municipal_funding_nok) if key.municipal_funding_nok else None,
    municipal_share=fmt.percent(key.municipal_share_pct),
    county_funding=fmt.mnok(key.county_funding_nok) if key.county_funding_nok else None,
    funding_before_start=fmt.mnok(key.funding_before_start_nok) if key.funding_before_start_nok else None,
    funding_after_end=fmt.mnok(key.funding_after_end_nok) if key.funding_after_end_nok else None,
    projects=fmt.count(key.projects, report.say("ett prosjekt", "eitt prosjekt", "one project"),
                       report.say("prosjekter", "prosjekt", "projects")),
    has_administration=config.administration_area is not None,
    jobs_new=fmt.number(key.jobs_new),
    jobs_secured=fmt.number(key.jobs_secured),
    cost_per_job=fmt.nok(summary.round_to_significant(key.cost_per_job_nok)) if key.cost_per_job_nok else None,
    cost_per_new_job=(fmt.nok(summary.round_to_significant(key.cost_per_new_job_nok))
                      if key.cost_per_new_job_nok else None),
    employment_known=key.employment_change_pct is not None,
    employment_before=fmt.number(key.employment_before.value) if key.employment_before else None,
    employment_before_year=str(key.employment_before.year) if key.employment_before else None,
    employment_end=fmt.number(key.employment_end.value) if key.employment_end else None,
    employment_end_year=str(key.employment_end.year) if key.employment_end else None,
    employment_change=(fmt.percent(key.employment_change_pct, 1, signed=True)
                       if key.employment_change_pct is not None else None),
    employment_verb=(texts.change_verb(config.language, key.employment_before.value, key.employment_end.value)
                     if key.employment_change_pct is not None else None),
    population_after=fmt.number(key.population_after.value) if key.population_after else None,
    population_date=fmt.date_of_year(key.population_after.year) if key.population_after else None,
    dwellings_last_three=(fmt.number(key.dwellings_last_three_years)
                          if key.dwellings_last_three_years is not None else None),
    last_three_years=fmt.years(config.programme.end - 2, config.programme.end),
    national_studies=texts.references_before(config.language, config.report_date),
    key_figures=key.as_dict(),  # the numbers themselves, for the JSON sidecar beside the PDF
    key_figures_printed=summary.key_figure_rows(key, config, report.say),  # as printed, for releases to compare
)

# %% [markdown] tags=["lang-nb"]
# # Sammendrag {-}
#
# Omstillingsprogrammet i {{ municipality }} varte i {{ programme_length }} år, {{ programme_period }}.
# {% if jobs_lost %}Det fulgte etter at om lag {{ jobs_lost }} arbeidsplasser gikk tapt.{% endif %}
# Programmet fikk til sammen **{{ total_funding }}** fra {{ funders }}{% if municipal_funding %},
# av dette {{ municipal_funding }} ({{ municipal_share }}) fra kommunen{% endif %}.
# {% if funding_before_start %}Av summen ble {{ funding_before_start }} bevilget før programmets første år.{% endif %}
# {% if funding_after_end %}{{ funding_after_end }} ble bevilget etter programmets siste år.{% endif %}
# Midlene gikk til {{ projects }}{% if has_administration %} og til administrasjon og drift av programmet{% endif %}.
#
# Programmet rapporterer {{ jobs_new }} nye og {{ jobs_secured }} sikrede arbeidsplasser.
# {% if cost_per_job %}Det tilsvarer om lag {{ cost_per_job }} i offentlige midler per ny eller sikret arbeidsplass{% if cost_per_new_job %},
# eller om lag {{ cost_per_new_job }} per ny arbeidsplass{% endif %}.{% endif %}
# Tallene er programmets egne anslag og sier ikke hvor mange av arbeidsplassene som ville ha kommet også uten programmet.
#
# {% if employment_known %}Sysselsettingen etter arbeidssted {{ employment_verb }} fra {{ employment_before }} i
# {{ employment_before_year }} til {{ employment_end }} i {{ employment_end_year }} ({{ employment_change }}).{% endif %}
# {% if effect_available %}Sammenlignet med en syntetisk kontrollgruppe av kommuner som lignet før programmet, lå
# sysselsettingen i programårene i gjennomsnitt {{ effect_points }} indekspoeng {% if effect_higher %}høyere{% else %}lavere{% endif %}
# ({{ effect_fit_years }} = 100; følsomhetsanalysene gir fra {{ effect_range }}). {% if effect_clear %}Så stor forskjell
# er sjelden blant kommuner uten program (placebo-p = {{ effect_p }}).{% else %}En så stor forskjell er vanlig også blant
# kommuner uten program (placebo-p = {{ effect_p }}), så den kan ikke skilles fra vanlig variasjon.{% endif %}
# Se kapittel 4.{% endif %}
# {% for study in national_studies %}{{ study.nb }} {% endfor %}
#
# {% if population_after %}Folkemengden var {{ population_after }} per {{ population_date }}.{% endif %}
# {% if dwellings_last_three %}I de tre siste programårene, {{ last_three_years }}, ble det fullført {{ dwellings_last_three }} boliger.{% endif %}

# %% [markdown] tags=["lang-nn"]
# # Samandrag {-}
#
# Omstillingsprogrammet i {{ municipality }} varte i {{ programme_length }} år, {{ programme_period }}.
# {% if jobs_lost %}Det kom etter at om lag {{ jobs_lost }} arbeidsplassar gjekk tapt.{% endif %}
# Programmet fekk til saman **{{ total_funding }}** frå {{ funders }}{% if municipal_funding %},
# av dette {{ municipal_funding }} ({{ municipal_share }}) frå kommunen{% endif %}.
# {% if funding_before_start %}Av summen vart {{ funding_before_start }} løyvd før det første programåret.{% endif %}
# {% if funding_after_end %}{{ funding_after_end }} vart løyvd etter det siste programåret.{% endif %}
# Midlane gjekk til {{ projects }}{% if has_administration %} og til administrasjon og drift av programmet{% endif %}.
#
# Programmet rapporterer {{ jobs_new }} nye og {{ jobs_secured }} sikra arbeidsplassar.
# {% if cost_per_job %}Det svarer til om lag {{ cost_per_job }} i offentlege midlar per ny eller sikra arbeidsplass{% if cost_per_new_job %},
# eller om lag {{ cost_per_new_job }} per ny arbeidsplass{% endif %}.{% endif %}
# Tala er programmet sine eigne overslag og seier ikkje kor mange av arbeidsplassane som ville ha kome også utan programmet.
#
# {% if employment_known %}Sysselsetjinga etter arbeidsstad {{ employment_verb }} frå {{ employment_before }} i
# {{ employment_before_year }} til {{ employment_end }} i {{ employment_end_year }} ({{ employment_change }}).{% endif %}
# {% if effect_available %}Samanlikna med ei syntetisk kontrollgruppe av kommunar som likna før programmet, låg
# sysselsetjinga i programåra i gjennomsnitt {{ effect_points }} indekspoeng {% if effect_higher %}høgare{% else %}lågare{% endif %}
# ({{ effect_fit_years }} = 100; følsemdsanalysane gir frå {{ effect_range }}). {% if effect_clear %}Så stor skilnad er
# sjeldan blant kommunar utan program (placebo-p = {{ effect_p }}).{% else %}Ein så stor skilnad er vanleg også blant
# kommunar utan program (placebo-p = {{ effect_p }}), så han kan ikkje skiljast frå vanleg variasjon.{% endif %}
# Sjå kapittel 4.{% endif %}
# {% for study in national_studies %}{{ study.nn }} {% endfor %}
#
# {% if population_after %}Folketalet var {{ population_after }} per {{ population_date }}.{% endif %}
# {% if dwellings_last_three %}Dei tre siste programåra, {{ last_three_years }}, vart det fullført {{ dwellings_last_three }} bustader.{% endif %}

# %% [markdown] tags=["lang-en"]
# # Summary {-}
#
# The restructuring programme in {{ municipality }} ran for {{ programme_length }} years, {{ programme_period }}.
# {% if jobs_lost %}It followed the loss of about {{ jobs_lost }} jobs.{% endif %}
# The programme received **{{ total_funding }}** in all from {{ funders }}{% if municipal_funding %},
# of which {{ municipal_funding }} ({{ municipal_share }}) came from the municipality{% endif %}.
# {% if funding_before_start %}Of this, {{ funding_before_start }} was granted before the programme's first year.{% endif %}
# {% if funding_after_end %}{{ funding_after_end }} was granted after the programme's last year.{% endif %}
# The money went to {{ projects }}{% if has_administration %} and to running the programme{% endif %}.
#
# The programme reports {{ jobs_new }} new and {{ jobs_secured }} secured jobs.
# {% if cost_per_job %}That is about {{ cost_per_job }} of public money per new or secured job{% if cost_per_new_job %},
# or about {{ cost_per_new_job }} per new job{% endif %}.{% endif %}
# These are the programme's own estimates; they do not say how many of the jobs would have come without it.
#
# {% if employment_known %}Employment by place of work {{ employment_verb }} from {{ employment_before }} in
# {{ employment_before_year }} to {{ employment_end }} in {{ employment_end_year }} ({{ employment_change }}).{% endif %}
# {% if effect_available %}Compared with a synthetic control group of municipalities that were alike before the
# programme, employment in the programme years was on average {{ effect_points }} index points
# {% if effect_higher %}higher{% else %}lower{% endif %} ({{ effect_fit_years }} = 100; the sensitivity analyses give
# {{ effect_range }}). {% if effect_clear %}A difference this large is rare among municipalities without a programme
# (placebo p = {{ effect_p }}).{% else %}A difference this large is common among municipalities without a programme
# (placebo p = {{ effect_p }}), so it cannot be told apart from normal variation.{% endif %} See chapter 4.{% endif %}
# {% for study in national_studies %}{{ study.en }} {% endfor %}
#
# {% if population_after %}The population was {{ population_after }} on {{ population_date }}.{% endif %}
# {% if dwellings_last_three %}In the last three programme years, {{ last_three_years }}, {{ dwellings_last_three }} dwellings were completed.{% endif %}

# %%
tables.table_key_figures(
    summary.key_figure_rows(key, config, report.say),
    config.language,
    caption=report.say("Nøkkeltall for omstillingsprogrammet", "Nøkkeltal for omstillingsprogrammet",
                       "Key figures of the restructuring programme"),
    source=report.say("Programmets regnskap, prosjektliste og resultatrapportering, og SSB. Se vedlegget.",
                      "Rekneskapen, prosjektlista og resultatrapporteringa til programmet, og SSB. Sjå vedlegget.",
                      "The programme's accounts, project list and results reporting, and Statistics Norway. "
                      "See the appendix."),
)

# %% [markdown]
# {{ prose("assessment") }}
