"""Record ids out of a plotly selection event, as st.plotly_chart reports it."""

from __future__ import annotations

from collections.abc import Iterable


def selected_ids(event: object) -> list[str]:
    """Record ids from a plotly selection event (`{"selection": {"points": [{"customdata": [id, incident]}]}}`).

    Points without a record id (connectors, the legend key) are ignored; order is kept, duplicates dropped.
    """
    points = _get(_get(event, "selection"), "points") or []
    if not isinstance(points, Iterable):
        return []
    ids: list[str] = []
    for point in points:
        custom = _get(point, "customdata")
        if isinstance(custom, (list, tuple)) and custom and isinstance(custom[0], str) and custom[0]:
            ids.append(custom[0])
        elif isinstance(custom, str) and custom:
            ids.append(custom)
    return list(dict.fromkeys(ids))


def _get(obj: object, name: str) -> object:
    """obj[name] for a mapping-like event (Streamlit's state is one), else the attribute; None when neither."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    getitem = getattr(obj, "__getitem__", None)
    if getitem is not None:
        try:
            return getitem(name)
        except (KeyError, TypeError, IndexError):
            pass
    return getattr(obj, name, None)
