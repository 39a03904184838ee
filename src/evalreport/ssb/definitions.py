"""What the report fetches from SSB, as data: which table, content code and dimensions make each
statistic, how its cells are summed, and how each choice was checked.

Table ids, dimension ids and codes were checked against public sources, never against the live
API from here (no network); `verified` says how, for each. Every run checks them all against the
table's metadata endpoint before asking for data, and stops with SsbError naming what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

STATBANK_URL = "https://www.ssb.no/statbank/table/{table}"
SSB_LICENCE = "CC BY 4.0 (Statistisk sentralbyrå)"
ALL_CODES = "*"

# KOSTRA tables give the country as EAK and a county's municipalities as EKA<nn>: a rule over every
# two-digit county number, so it needs no list of counties.
KOSTRA_REGIONS: Mapping[str, str] = {"0": "EAK", **{f"{n:02d}": f"EKA{n:02d}" for n in range(1, 100)}}


@dataclass(frozen=True)
class TableQuery:
    """One table's query for one statistic: which dimensions take which codes, and how the
    cells are summed into one value per region and year."""

    table: str
    content_code: str
    fixed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # other dimensions; ("*",) = all
    sum_over: tuple[str, ...] = ()  # dimensions summed away after fetching
    region_dimension: str = "Region"
    time_dimension: str = "Tid"
    content_dimension: str = "ContentsCode"
    region_aliases: Mapping[str, str] = field(default_factory=dict)  # report code -> the table's code
    verified: str = ""  # how the table id and codes were checked, for the record
    # Where SSB's own pages give a variable's label but not its code, the query names the label and
    # the code is read from the table's metadata at run time (a label that is not there stops the run).
    content_label: str = ""  # the content code's label, used when content_code is empty
    fixed_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # dimension -> labels
    monthly: bool = False  # time codes are months (2015M01): a year's value is the mean of its twelve

    @property
    def source_url(self) -> str:
        """The table's page in Statistikkbanken, for the files' source_url column."""
        return STATBANK_URL.format(table=self.table)


@dataclass(frozen=True)
class StatisticDefinition:
    """One of the report's statistics files and the tables it is made from, first one first."""

    name: str
    value_column: str
    integer: bool
    additive: bool  # may values of merged regions be summed (counts) or not (ratios)
    title: str
    method: str
    sources: tuple[TableQuery, ...]
    series_break: int | None = None  # the first year not comparable with the years before
    decimals: int | None = None  # rounding of a non-integer value (a mean of monthly rates)
    record_table: bool = False  # write the SSB table of each value (column source_table)


# Employment by place of work, used by the report's employment file and by the donor pool.
EMPLOYMENT_BY_WORKPLACE = TableQuery(
    table="13472", content_code="SysselEtterArbste",
    fixed={"Sektor": ("6100", "6500.6", "6500.7", "A+B+D+E.5-7", "A+B+D+E.0-1+9")},
    sum_over=("Sektor",),
    verified="13472 with Region, Sektor, ContentsCode=SysselEtterArbste, Tid and these five "
             "sector codes: two public scripts that sum them to total employment (one of them "
             "leaves NACE2007 out, so that dimension can be eliminated). UNVERIFIED: that the "
             "five codes are all sectors, and the table's first year (likely 2015).",
)

# The 2015 break: SSB's footnote to its register-based employment tables (e.g. 06445, 11616):
# «Fra og med 2015 bygger statistikken på nye datakilder (a-ordningen) ... Årgangene fra og med 2015
# blir følgelig ikke sammenlignbare med tidligere årganger.» Every employment row says on which side
# it lies (column series_break), so that charts, tables and the effect estimate can show and handle it.
EMPLOYMENT_BREAK_YEAR = 2015
EMPLOYMENT_FIRST_YEAR = 2000  # the first year of 03311, the oldest table joined in
WORKPLACE_LABEL = "Sysselsatte personer med arbeidssted i regionen"

EMPLOYMENT_11616 = TableQuery(
    table="11616", content_code="", content_label=WORKPLACE_LABEL, fixed_labels={"Alder": ("15-74 år",)},
    verified="11616 «Sysselsatte per 4. kvartal, etter region, statistikkvariabel, år og alder»: SSB's saved "
             "query ssb.no/statbank/sq/10093014 shows its four statistics variables, one of them «Sysselsatte "
             "personer med arbeidssted i regionen» (4. kvartal, personer), the age «15-74 år», and regions "
             "labelled «3001 Halden (2020-2023)». UNVERIFIED: the dimension ids (Region, Alder, ContentsCode, "
             "Tid assumed) and the codes; the content and age are chosen by their labels from the metadata.",
)
EMPLOYMENT_03311 = TableQuery(
    table="03311", content_code="", content_label=WORKPLACE_LABEL,
    verified="03311 «Sysselsatte per 4. kvartal, etter bosted, arbeidssted, inn- og utpendling og næring "
             "(SN2002) (M) (avslutta serie) 2000 - 2008»: 448 regions labelled like «0101 Halden (-2019)», four "
             "statistics variables, one of them the employed working in the region (Statistikkbanken's table "
             "page, as stored by the search tool). UNVERIFIED: the dimension ids and codes; the content is "
             "chosen by its label, and the industry dimension is left out for SSB to sum (eliminated): a "
             "table whose metadata does not allow that stops the run with the dimension named.",
)
# The tables in order of precedence: where two have a year, the first wins. 11616 is the one series
# that runs from before 2015 to the latest year, with the same variable as 03311 («sysselsatte
# personer med arbeidssted i regionen»); 03311 gives the years before 11616's first; 13472 (a sum of
# five sector codes) only fills a region-year the other two leave empty.
EMPLOYMENT_SOURCES = (EMPLOYMENT_11616, EMPLOYMENT_03311, EMPLOYMENT_BY_WORKPLACE)

# Registered unemployment. NAV publishes it; the report fetches it from SSB's PxWebApi, which
# carries NAV's register figures by municipality (bostedskommune). UNVERIFIED: the table id and
# codes could not be confirmed offline: the content is chosen by its label, and the run checks
# both against the table's metadata before asking for data (a mismatch stops with the table's
# own labels named).
UNEMPLOYMENT_LABEL = "Registrerte helt ledige i prosent av arbeidsstyrken"
UNEMPLOYMENT_SOURCE = TableQuery(
    table="10540", content_code="", content_label=UNEMPLOYMENT_LABEL, fixed_labels={"Alder": ("15-74 år",)},
    monthly=True,
    verified="UNVERIFIED: table 10540 as SSB's monthly table of registered fully unemployed (NAV's register) "
             "by municipality of residence, with the rate in per cent of the labour force; SSB's closed table "
             "09428 (2004-2013, by district) confirms the variable «Personer registrert helt arbeidsledige "
             "(prosent)» and that municipalities are by bostedskommune. The year's value is the mean of its "
             "twelve monthly rates.",
)

DEFINITIONS: tuple[StatisticDefinition, ...] = (
    StatisticDefinition(
        name="population", value_column="population", integer=True, additive=True,
        title="Folkemengde 1. januar",
        method="Personer 1. januar (tabell 07459), summert over kjønn og alle ettårige aldre.",
        sources=(TableQuery(
            table="07459", content_code="Personer1",
            fixed={"Kjonn": ("1", "2"), "Alder": (ALL_CODES,)}, sum_over=("Kjonn", "Alder"),
            verified="07459 with Region, Kjonn, Alder, ContentsCode=Personer1, Tid: public query examples "
                     "(SSB's own python examples repo, a PxWebApi v2 guide, an R script with Kjonn 1/2). "
                     "UNVERIFIED: that Alder's default list holds single years only (no total code); "
                     "summing it would otherwise double-count.",
        ),),
    ),
    StatisticDefinition(
        name="employment", value_column="employed", integer=True, additive=True,
        title="Sysselsatte etter arbeidssted, 4. kvartal",
        method="Sysselsatte personer med arbeidssted i kommunen, 4. kvartal: tabell 11616 (15-74 år), for årene "
               "før den begynner tabell 03311 (avsluttet serie 2000-2008), og tabell 13472 (summert over de fem "
               "sektorene) der de to ikke har tall. Fra og med 2015 bygger tallene på a-ordningen og er ifølge "
               "SSB ikke sammenlignbare med årene før (kolonnen series_break).",
        sources=EMPLOYMENT_SOURCES, series_break=EMPLOYMENT_BREAK_YEAR, record_table=True,
    ),
    StatisticDefinition(
        name="unemployment", value_column="unemployed_pct", integer=False, additive=False,
        title="Registrerte helt ledige, prosent av arbeidsstyrken, årsgjennomsnitt",
        method="Registrerte helt ledige (NAVs register) i prosent av arbeidsstyrken etter bostedskommune: "
               "gjennomsnittet av årets tolv månedstall.",
        sources=(UNEMPLOYMENT_SOURCE,), decimals=1, record_table=True,
    ),
    StatisticDefinition(
        name="dwellings", value_column="dwellings_completed", integer=True, additive=True,
        title="Fullførte boliger",
        method="Fullførte boliger (tabell 05940), summert over alle bygningstyper.",
        sources=(TableQuery(
            table="05940", content_code="Fullforte",
            fixed={"Byggeareal": (ALL_CODES,)}, sum_over=("Byggeareal",),
            verified="05940 with Region, Byggeareal, ContentsCode=Fullforte, Tid (annual): public "
                     "PxWebApi v2 scripts using exactly this query and summing Byggeareal. UNVERIFIED: "
                     "that Byggeareal holds no total code.",
        ),),
    ),
    StatisticDefinition(
        name="enterprises", value_column="new_enterprises", integer=True, additive=True,
        title="Nyetablerte foretak",
        method="Nyetablerte foretak (tabell 08316), alle næringer, organisasjonsformer og størrelser.",
        sources=(TableQuery(
            table="08316", content_code="Foretak",
            fixed={"NACE2007": ("00-99",), "OrgFormer": ("Alle",), "AntSyss": ("999",),
                   "OverlevAar": ("01",), "Overlevelse": ("00",)},
            verified="UNVERIFIED beyond one public script (PxWebApi v1) that reads 'nyetablerte foretak' "
                     "per region and year from 08316 with these codes; the meaning of OverlevAar=01 and "
                     "Overlevelse=00 (establishment year, all) is assumed. Check the metadata labels.",
        ),),
    ),
    StatisticDefinition(
        name="municipal_finances", value_column="netto_driftsresultat_pct", integer=False, additive=False,
        title="Netto driftsresultat i prosent av brutto driftsinntekter (kommunekonsern), og ROBEK",
        method="Netto driftsresultat i prosent av brutto driftsinntekter (KOSTRA, tabell 12134). "
               "ROBEK er ikke en SSB-serie: den er hentet fra forrige utgave av filen eller oppgitt for hånd.",
        sources=(TableQuery(
            table="12134", content_code="KOSAGD230000", region_dimension="KOKkommuneregion0000",
            region_aliases=KOSTRA_REGIONS,
            verified="12134 and its dimensions KOKkommuneregion0000, ContentsCode, Tid: the real response in "
                     "tests/data/ssb. KOSAGD230000 = netto driftsresultat i prosent av brutto driftsinntekter: "
                     "several public sources (a PxWebApi v2 guide, an R package). The table starts in 2015. "
                     "UNVERIFIED: the county codes EKA<nn> (the guide names EKA31, EKA32, ...); the country is "
                     "EAK (landet), not EAKUO (landet uten Oslo).",
        ),),
    ),
)


# The synthetic control's donor pool: persons employed by place of work, 4th quarter, in every
# municipality, from the tables of the employment file joined the same way.
DONOR_POOL = StatisticDefinition(
    name="donor_pool_employment", value_column="employed", integer=True, additive=True,
    title="Sysselsatte etter arbeidssted, 4. kvartal, alle kommuner (donorgruppe)",
    method="Sysselsatte personer med arbeidssted i kommunen, 4. kvartal (tabell 11616, før den tabell 03311, "
           "ellers 13472), for hver kommune i de årene den hadde samme område, ført sammen over endringer av "
           "kommunenummer; kommuner som tok inn en annen og beholdt nummeret er utelatt og står i "
           "donor_pool_left_out.csv med grunnen. Fra og med 2015 bygger tallene på a-ordningen (series_break).",
    sources=EMPLOYMENT_SOURCES, series_break=EMPLOYMENT_BREAK_YEAR, record_table=True,
)


def side_of_break(year: int, break_year: int | None) -> str:
    """Which side of the series break a year lies on: "before" or "from" `break_year` ("" without one)."""
    if break_year is None:
        return ""
    return "from" if int(year) >= break_year else "before"
