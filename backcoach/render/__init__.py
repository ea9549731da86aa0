"""Everything the person sees, through Rich. No timing logic lives here.

One module per kind of view, so a command imports only what it shows:
`grid` (aligned columns laid out by hand), `words` (numbers and doses as
text), `catalogue` (list, show, plan), `live` (the session as it runs, and
plain mode), `history` (history, stats, the session summary, settings) and
`safety` (the red-flag list and advice). JSON and CSV shapes live in
backcoach/shapes.py.
"""
