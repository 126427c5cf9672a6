"""The curators' tools: record skeletons and the text edits that insert them (`skeletons`, `scaffold`, `yamledit`),
the canonical layout (`fmt`), search over ids, names and text (`records_index`, `search`), quote checks against stored
copies (`quotecheck`) and the generated parts of `data/README.md` and the JSON schemas (`docs`).

May import: `incidents.history` and everything below it. Only the command line imports this.
"""
