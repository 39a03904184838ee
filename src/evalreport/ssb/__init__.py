"""Statistics Norway's PxWebApi v2: fetch the public series the report needs, cache them, and
write the report's statistics files and the synthetic control's donor pool.

The parts, each usable on its own:

* `jsonstat`: `parse_jsonstat` turns a json-stat2 body into a tidy table, one row per cell, with
  SSB's status symbol for each.
* `client`: `SsbClient` fetches through a requests session (urllib3's Retry for 429/503 and
  Retry-After), keeps to the API's limit of 30 calls a minute (`RateLimiter`), and caches every
  raw response on disk with a manifest (`ResponseCache`).
* `definitions`: which table, content code and dimensions make each statistic, as data.
* `series`: plans a query against a table's metadata, sums cells, joins renumbered regions.
* `statistics`: `write_statistics`, the report's statistics files for the case's regions.
* `donorpool`: `write_donor_pool`, employment by place of work for every municipality.

Nothing here runs at import, and only `SsbClient` touches the network: building the report
reads only the files this package wrote.
"""

from evalreport.ssb.client import (API_ROOT, LANGUAGE, MAX_CALLS, MAX_CELLS, RETRY_STATUSES, TIME_WINDOW,
                                   RateLimiter, Recorder, ReplayAdapter, ResponseCache, SsbClient, SsbRetry,
                                   build_data_url, build_metadata_url, describe_http_error, get_utc_time,
                                   make_replay_session, make_session, read_recordings, sha256_of)
from evalreport.ssb.definitions import (ALL_CODES, DEFINITIONS, DONOR_POOL, EMPLOYMENT_03311, EMPLOYMENT_11616,
                                        EMPLOYMENT_BREAK_YEAR, EMPLOYMENT_BY_WORKPLACE, EMPLOYMENT_FIRST_YEAR,
                                        EMPLOYMENT_SOURCES, KOSTRA_REGIONS, SSB_LICENCE, STATBANK_URL,
                                        UNEMPLOYMENT_SOURCE, StatisticDefinition, TableQuery, side_of_break)
from evalreport.ssb.donorpool import DonorPoolResult, Unit, build_panel, find_units, write_donor_pool
from evalreport.ssb.errors import SsbError, SsbUnreachable
from evalreport.ssb.jsonstat import Dimension, load_json, parse_jsonstat, read_dimensions
from evalreport.ssb.series import (fetch_cells, fetch_cells_of_sources, fetch_series, join_renumbered, join_sources,
                                   list_region_codes, plan_query, read_table_years, sum_cells)
from evalreport.ssb.statistics import StatisticsResult, read_robek, write_statistics

__all__ = [
    "ALL_CODES", "API_ROOT", "DEFINITIONS", "DONOR_POOL", "EMPLOYMENT_03311", "EMPLOYMENT_11616",
    "EMPLOYMENT_BREAK_YEAR", "EMPLOYMENT_BY_WORKPLACE", "EMPLOYMENT_FIRST_YEAR", "EMPLOYMENT_SOURCES",
    "KOSTRA_REGIONS", "LANGUAGE", "MAX_CALLS", "MAX_CELLS", "RETRY_STATUSES", "SSB_LICENCE", "STATBANK_URL",
    "UNEMPLOYMENT_SOURCE", "Recorder", "ReplayAdapter", "SsbUnreachable", "fetch_cells_of_sources",
    "join_sources", "make_replay_session", "read_recordings", "read_table_years", "side_of_break",
    "TIME_WINDOW", "Dimension", "DonorPoolResult", "RateLimiter", "ResponseCache", "SsbClient", "SsbError",
    "SsbRetry", "StatisticDefinition", "StatisticsResult", "TableQuery", "Unit", "build_data_url",
    "build_metadata_url", "build_panel", "describe_http_error", "fetch_cells", "fetch_series", "find_units",
    "get_utc_time", "sha256_of", "join_renumbered", "list_region_codes", "load_json", "make_session",
    "parse_jsonstat", "plan_query", "read_dimensions", "read_robek", "sum_cells", "write_donor_pool",
    "write_statistics",
]
