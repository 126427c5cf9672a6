"""The data's history in git: versions (`versions`), what changed between two (`changes`), the Atom feed (`feed`) and
reading the app as of an older version (`timetravel`).

May import: `incidents.views`, `incidents.evidence`, `incidents.load`, `incidents.model`, `incidents.text`.
"""
