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


# Employment by place of work, used by the report's employment file and by the donor pool.
EMPLOYMENT_BY_WORKPLACE = TableQuery(
    table="13472", content_code="SysselEtterArbste",
    fixed={"Sektor": ("6100", "6500.6", "6500.7", "A+B+D+E.5-7", "A+B+D+E.0-1+9")},
    sum_over=("Sektor",),
    verified="13472 with Region, Sektor, ContentsCode=SysselEtterArbste, Tid and these five "
             "sector codes: two public scripts that sum them to total employment (one of them "
             "leaves NACE2007 out, so that dimension can be eliminated). UNVERIFIED: that the "
             "five codes are all sectors, and the table's first year (likely 2015). See "
             "OLDER_EMPLOYMENT_TABLES for the years before.",
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
        method="Sysselsatte etter arbeidsstedskommune (tabell 13472), summert over de fem sektorene.",
        sources=(EMPLOYMENT_BY_WORKPLACE,),
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
# municipality. Only 13472 is a source: the older municipal series could not be verified far
# enough to query (see OLDER_EMPLOYMENT_TABLES), so years before 13472's first are reported absent.
DONOR_POOL = StatisticDefinition(
    name="donor_pool_employment", value_column="employed", integer=True, additive=True,
    title="Sysselsatte etter arbeidssted, 4. kvartal, alle kommuner (donorgruppe)",
    method="Sysselsatte etter arbeidsstedskommune (tabell 13472), summert over de fem sektorene, for hver "
           "kommune med uendret område i hele perioden; kommuner som ble slått sammen eller delt er utelatt "
           "og står i donor_pool_left_out.csv med grunnen.",
    sources=(EMPLOYMENT_BY_WORKPLACE,),
)

# Older employment tables named in the domain notes, as far as they could be checked offline
# (Statistikkbanken's table pages as stored by the search tool). Not queried: kept so that the
# next person starts from what is known.
OLDER_EMPLOYMENT_TABLES: Mapping[str, str] = {
    "03311": "VERIFIED title: 'Employed persons per 4th quarter, by place of residence, place of work, in- and "
             "out-commuting and industry division (SIC2002) (M) (closed series) 2000 - 2008', municipal level "
             "(M), 448 region codes such as '0101 Halden (-2019)', four statistics variables of which one is "
             "'Employed working persons in the region' (4th quarter). UNVERIFIED: the dimension ids and the "
             "content code of that variable; read them from the metadata endpoint before adding it.",
    "03324": "VERIFIED title: 'Sysselsatte per 4. kvartal, etter bosted, arbeidssted, næring (SN2002) og "
             "sektor (K) (avslutta serie) 2000 - 2008', municipal level, 444 regions, two statistics variables "
             "(by residence, by place of work), næring (9) and sektor (5). UNVERIFIED: dimension ids and codes.",
    "09313": "VERIFIED title: 'Sysselsatte per 4. kvartal, etter bosted, arbeidssted, kjønn, næring (88 grupper, "
             "SN2007) og avtalt/vanlig arbeidstid pr. uke (F) (avslutta serie) 2009 - 2014': county level (F), "
             "so it cannot give a municipal donor pool. 2009-2014 by municipality needs another table "
             "(candidates, unverified: 07984 'SysselsatteArb', 11616, 11365 for employees only).",
}
