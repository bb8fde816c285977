"""ETL for the weekly dispatch spreadsheets (周调度表): read, check, load into DuckDB, score, export."""
