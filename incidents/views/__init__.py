"""What the pages show, worked out without a UI: filters and shared views (`filtering`), the URL's parameters and
links (`params`, `urlstate`), time windows, lags and bins (`timing`, `binning`), map rows and places (`mapping`,
`locations`, `claim_arcs`, `geometry`), readouts (`readouts`) and exports (`export`).

May import: `incidents.evidence`, `incidents.load`, `incidents.model`, `incidents.text`. The UI (`components/`,
`app_pages/`) imports this; this never imports the UI, history or the curators' tools.
"""
