"""The record models and what every stage shares about them.

Holds: the field types and review states (`fields`), times at their precision and their windows (`when`), the
controlled vocabulary (`vocabulary`), the evidence model's parts (`evidence`, documented by `evidence_docs`), the record
kinds (`records`), the collections and their references (`registry`), the loaded `Dataset` with its located `Problem`s
(`dataset`), the problem codes (`codes`), the actor hierarchy (`actors`), record queries (`queries`), each incident's
records grouped once per dataset (`groups`) and who carries whom (`provenance`).

May import: `incidents.text` and this package only. Everything else imports this.
"""
