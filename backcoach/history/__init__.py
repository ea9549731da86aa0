"""The person's history in SQLite: the database and its migrations, the rows read back
as records, the routines' tables, and the summaries stats and the report read.

Owns: `store` (`History`: writes as things happen, reads only what a command needs),
`migrations`, `records` (rows to models), `routines` (routines, their changes, dropped
exercises, once-per-episode answers), `facts` and `overview` (the summaries computed in
SQL), `stats` (pure: streaks, weeks, pain trend).

May import: the foundations and `catalogue`.
"""
