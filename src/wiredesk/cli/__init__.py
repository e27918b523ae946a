"""The `wiredesk` command: `main` holds the group, error handling and logging; each other
module holds one group of subcommands (`serve`: run, serve, ingest, init, demo; `editorial`:
kill, approve; `ops`: items, stories, sources, quarantine, reprocess; `parse`), and `output`
what they share (opening the database, tables, times)."""
