"""Tools around the report: new cases, fetching statistics, the sample case, the data dictionary,
benchmarks. Chapters never import them, so editing them runs no chapter again."""
