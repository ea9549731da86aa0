"""The exercise catalogue: finding, reading and validating the YAML files (the bundled
one, the person's own, a --catalogue), the cached library commands query, and turning
open data into drafts for the person's own file.

Owns: `loader` (find, read, validate; every problem located), `yamlstream` (YAML read
event by event), `library` (the validated catalogue cached in SQLite), `listing`
(`list`'s filters), `personal` (the person's exercises.yaml: drafts merged in, checked
before saving), `importer` (pure: open data's records to drafts or refusals).

May import: the foundations (errors, paths, vocabulary, models, config, clinical).
"""
