"""A floor of `make bench-e2e`: a bare app that draws one page's saved figure or deck and nothing else.

`BENCH_FLOOR` names a JSON file written by `bench/save_floors.py` from the monitor's own page on the same data:
{"kind": "plotly", "spec", "config", "selection_mode"} or {"kind": "deck", "json", "tooltip", "height",
"selection_mode"}. The chart is drawn with the same options the page gives it, in the same wide layout.
"""

import json
import os
from pathlib import Path
from typing import Any

import plotly.io as pio
import streamlit as st

saved = json.loads(Path(os.environ["BENCH_FLOOR"]).read_text())


class SavedDeck:
    """What `st.pydeck_chart` reads of a `pydeck.Deck`: its JSON (map_provider None, as the page's) and tooltip."""

    layers: list[Any] = []

    def __init__(self, spec: str, tooltip: str) -> None:
        self.spec, self._tooltip = spec, json.loads(tooltip) if tooltip else None

    def to_json(self) -> str:
        return self.spec


st.set_page_config(page_title="Floor", layout="wide")
st.title("Floor")
on_select = "rerun" if saved["selection_mode"] else "ignore"
if saved["kind"] == "plotly":
    st.plotly_chart(pio.from_json(saved["spec"]), config=json.loads(saved["config"] or "{}"), key="floor",
                    on_select=on_select, selection_mode=saved["selection_mode"] or ("points", "box", "lasso"))
else:
    st.pydeck_chart(SavedDeck(saved["json"], saved["tooltip"]), height=saved["height"], key="floor",  # type: ignore[arg-type]
                    on_select=on_select, selection_mode=saved["selection_mode"][0] if saved["selection_mode"]
                    else "single-object")
