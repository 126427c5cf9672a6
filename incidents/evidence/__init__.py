"""Who claims what: the comparison engine and the evidence it weighs.

Holds: the party × proposition comparison (`comparison` is its public face; `refs`, `matrix`, `engine` build it),
which stance counts for or against (`stances`), figures and their revisions (`figures`), discrepancies
(`discrepancies`), and the briefing exports (`briefing` for Markdown and CSV, `brief` for the command line).

May import: `incidents.model`, `incidents.load`, `incidents.text`. Never the views, history or curators' tools.
"""
