"""Everything a person sees: Rich views of the catalogue, plans, the live session, the
history and routines; the JSON and CSV shapes of the contract; the clinician's report;
the position figures. Never times, never asks.

Owns: `catalogue`, `live`, `digits`, `guide`, `history`, `routine`, `safety`, `words`,
`grid`, `console`, `shapes`, `report`, `reporting`, `figures`.

May import: the foundations, `catalogue`, `history`, `plan` and `timer`.
"""
