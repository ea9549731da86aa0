"""A session with a person: every question asked in the terminal, the red-flag screen,
the session's order from the first question to the summary, the live session and what
it records, the bell and voice, and the desk-break reminders.

Owns: `prompts` (one `Ask`, one yes/no, pain and effort), `screen`, `questions`,
`session`, `recorder`, `cues`, `remind`.

May import: the foundations, `catalogue`, `history`, `plan`, `timer` and `render`.
"""
