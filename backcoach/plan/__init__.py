"""Deciding what a session holds: the request, choosing exercises, the routine, the doses
progression gives, and the plan as segments of time. Pure, except `prepare` (which
reads the catalogue and the history once and hands the rest down) and `outlook`.

Owns: `prepare` (options over config → request → doses → candidates → `Prepared`),
`choosing`, `planner`, `routine`, `progression`, `timeline`, `outlook` (what changes
next time).

May import: the foundations, `catalogue` and `history`.
"""
