"""Golden outputs: what the builders produce for the shipped data and the test fixtures.

Written once before a refactor and compared by `tests/test_golden.py`, so moving code cannot change behaviour
unnoticed. Regenerate on purpose only, in a commit of its own: `python -m tests.golden.build`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "files"
FIXTURES = ROOT / "tests" / "fixtures"
DATASETS = {
    "shipped": ROOT / "data",
    "map": FIXTURES / "map",
    "timeline": FIXTURES / "timeline",
    "claims": FIXTURES / "claims",
    "export": FIXTURES / "export" / "data",
    "evidence": FIXTURES / "evidence",
}
LINK = "https://monitor.example.org/claims?v=golden"


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=_plain) + "\n"


def _plain(value: object) -> object:
    """JSON for what json cannot write: sets sorted (their order changes with each process's hash seed), else str."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(f"## {name}\n{archive.read(name).decode('utf-8-sig')}\n" for name in archive.namelist())


# Reports name "today" (FUTURE_DATE says a date is after it): the goldens are made as of one fixed day, or they
# would change at midnight (a run that crossed it failed).
# 6 December: the data holds the affiliation assessments, reviews and pages read up to that day (issues 22, 25, 26).
GOLDEN_TODAY = dt.date(2026, 12, 6)


def _cases() -> Iterator[tuple[str, Callable[[], str]]]:
    # Imported here so that `tests/test_golden.py` reports an import error as a failing test, not a collection crash.
    from components import map as mapview
    from components import timeline
    from incidents.evidence import briefing, comparison
    from incidents.load.pipeline import load_dataset
    from incidents.views import export
    from incidents.views.filtering import FilterValue, apply_filter
    from incidents.views.geometry import load_geo
    from incidents.views.timing import lag_lines, response_lags

    geo = load_geo(ROOT / "data" / "geo")
    every = FilterValue()
    for name, path in DATASETS.items():
        dataset = load_dataset(path.relative_to(ROOT), today=GOLDEN_TODAY)
        view = apply_filter(dataset, every)

        def report(dataset=dataset) -> str:
            # Whether a stored copy kept outside the repository is there depends on the machine, not the code.
            problems = [p for p in dataset.problems if p.code != "STORED_COPY_MISSING"]
            return "".join(f"{problem}\n" for problem in problems) + f"version {dataset.version}\n"

        yield f"{name}.report.txt", report
        if name in ("shipped", "map"):
            yield (
                f"{name}.deck.json",
                lambda d=dataset, v=view: _json(json.loads(mapview.build_deck(d, v, geo).to_json())),
            )
            yield (
                f"{name}.deck-selected.json",
                lambda d=dataset, v=view: _json(
                    json.loads(mapview.build_deck(d, v, geo, selected=sorted(d.events)[:2], basemap=True).to_json())
                ),
            )
            yield f"{name}.map-readouts.json", lambda d=dataset, v=view: _json(_map_readouts(mapview, d, v, geo))
        if name in ("shipped", "timeline"):
            for group in timeline.GROUPINGS:
                yield (
                    f"{name}.timeline-{group}.json",
                    lambda d=dataset, v=view, g=group: _json(
                        _figure(timeline.build_timeline_figure(d, v, every, group=g))
                    ),
                )
            yield (
                f"{name}.timeline.csv",
                lambda d=dataset, v=view: timeline.timeline_csv(timeline.timeline_frame(d, v)).decode("utf-8-sig"),
            )
            yield (
                f"{name}.lags.txt",
                lambda d=dataset, v=view: "\n".join(lag_lines(d, response_lags(d, v.statements))) + "\n",
            )
        for incident_id in sorted(dataset.incidents):
            for order in comparison.PARTY_ORDER_CHOICES:
                result = comparison.compare(dataset, incident_id, order)
                stem = f"{name}.claims-{incident_id}-{order}"
                yield f"{stem}.json", lambda r=result: _json(dataclasses.asdict(r))
                if order == "accuser":
                    yield f"{stem}.md", lambda r=result: briefing.to_markdown(r, LINK)
                    yield f"{stem}.csv", lambda r=result: briefing.to_csv(r, LINK).decode("utf-8-sig")
        yield f"{name}.export.json", lambda d=dataset, v=view: export.to_json(d, every, v, LINK).data.decode()
        yield f"{name}.export.geojson", lambda d=dataset, v=view: export.to_geojson(d, every, v, LINK).data.decode()
        yield f"{name}.export-csv.txt", lambda d=dataset, v=view: _zip_text(export.to_csv_zip(d, every, v, LINK).data)
    for case in sorted((FIXTURES / "validation" / "broken").iterdir()):
        yield f"validation-{case.name}.report.txt", lambda c=case: "".join(
            f"{p}\n" for p in load_dataset(c.relative_to(ROOT), today=GOLDEN_TODAY).problems
        )


def _figure(figure: Any) -> Any:
    """The figure's JSON without the theme template, which Streamlit swaps in process-wide once it draws a chart."""
    spec = json.loads(figure.to_json())
    spec.get("layout", {}).pop("template", None)
    return spec


def _map_readouts(mapview: Any, dataset: Any, view: Any, geo: Any) -> dict[str, Any]:
    ids = sorted(dataset.events)
    impacts = mapview.impact_events(dataset, ids)
    return {
        "legend": [dataclasses.asdict(entry) for entry in mapview.legend(dataset, view, geo)],
        "unlocated": [event.id for event in mapview.unlocated_events(dataset, view, geo)],
        "selection_places": [place.id for place in mapview.selection_places(dataset, geo, ids)],
        "impact_events": [event.id for event in impacts],
        "distances": mapview.distance_readouts(dataset, geo, impacts).to_dict(orient="records"),
        "figures": mapview.figures_table(geo).to_dict(orient="records"),
        "crossings": mapview.crossing_rows(dataset),
        "closures": mapview.closure_rows(dataset, view, geo),
        "view_for_selection": mapview.view_for_selection(dataset, geo, ids[:3]),
    }


def build() -> dict[str, str]:
    """Every golden output, by file name. Run from the repository root, so record paths print relative.

    The data version is a hash of the files' bytes, so adding a field to a record changes it without changing any
    behaviour: it is written as <data-version>.
    """
    os.chdir(ROOT)
    from incidents.load.pipeline import load_dataset

    versions = [load_dataset(path).version for path in DATASETS.values()]
    outputs = {}
    for name, make in _cases():
        text = make()
        for version in versions:
            text = text.replace(version, "<data-version>")
        outputs[name] = text
    return outputs


def main() -> int:
    OUT.mkdir(exist_ok=True)
    outputs = build()
    for stale in OUT.iterdir():
        if stale.name not in outputs:
            stale.unlink()
    for name, text in outputs.items():
        (OUT / name).write_bytes(text.encode("utf-8"))
    print(f"wrote {len(outputs)} golden files to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
