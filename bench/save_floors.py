"""Save the timeline's plotly figure and the map's deck as the monitor sends them, for `bench/floor_app.py`.

Run by `bench/e2e.py` in a process of its own (the data it loads is freed when it exits), with the environment
of the server it stands beside (INCIDENTS_DATA_DIR, INCIDENTS_PARSE_CACHE). It runs app.py under AppTest on the
pages' defaults and writes `<out>-timeline.json` and `<out>-map.json`: the wide chart's spec, config and selection
modes exactly as they go over the websocket (the phone variant is hidden at the benchmark's 1440 px).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from streamlit.proto.DeckGlJsonChart_pb2 import DeckGlJsonChart
from streamlit.proto.PlotlyChart_pb2 import PlotlyChart
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from components.map import CHART_HEIGHT  # noqa: E402

PLOTLY_MODES = {PlotlyChart.SelectionMode.POINTS: "points", PlotlyChart.SelectionMode.BOX: "box",
                PlotlyChart.SelectionMode.LASSO: "lasso"}
DECK_MODES = {DeckGlJsonChart.SelectionMode.SINGLE_OBJECT: "single-object",
              DeckGlJsonChart.SelectionMode.MULTI_OBJECT: "multi-object"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="path prefix of the two JSON files")
    args = parser.parse_args()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.run()
    at.switch_page("app_pages/timeline.py").run()
    if at.exception:
        raise SystemExit(f"timeline: {[e.value for e in at.exception]}")
    charts = [chart for chart in at.get("plotly_chart") if not str(chart.key or "").endswith("_phone")]
    if not charts:
        raise SystemExit("timeline: no plotly chart on the page")
    proto = charts[0].proto
    Path(f"{args.out}-timeline.json").write_text(json.dumps({
        "kind": "plotly", "key": charts[0].key, "spec": proto.spec, "config": proto.config,
        "selection_mode": [PLOTLY_MODES[mode] for mode in proto.selection_mode],
    }))
    at.switch_page("app_pages/map.py").run()
    if at.exception:
        raise SystemExit(f"map: {[e.value for e in at.exception]}")
    decks = at.get("deck_gl_json_chart")
    if not decks:
        raise SystemExit("map: no deck on the page")
    deck = decks[0].proto
    Path(f"{args.out}-map.json").write_text(json.dumps({
        "kind": "deck", "json": deck.json, "tooltip": deck.tooltip, "height": CHART_HEIGHT,
        "selection_mode": [DECK_MODES[mode] for mode in deck.selection_mode],
    }))
    print(f"saved {args.out}-timeline.json ({len(proto.spec):,} characters, chart {charts[0].key}) and "
          f"{args.out}-map.json ({len(deck.json):,} characters)")


if __name__ == "__main__":
    main()
