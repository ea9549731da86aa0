"""Running time: the engine that walks a timeline against a clock and a key source and
emits events, the clock itself, the key reader, and stop signals as an exception.
Never prints.

Owns: `engine` (deadline-based; events such as `Tick`, `StepDone`), `clock`, `keys`,
`signals`.

May import: the foundations, `catalogue`, `history` and `plan`.
"""
