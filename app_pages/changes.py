"""Changes: every data version, newest first, with its date, its message and what it changed, as records.

With `incident=` only what touched that incident is listed. A link pinned to an older version (`v=`) starts with
everything that changed since then.
"""

import streamlit as st

from components import responsive
from components.context import get_context
from components.filters import share_link
from components.timetravel import cached_diff, cached_history, version_diffs
from incidents.history.changes import DataDiff, markdown_lines
from incidents.text import md_link, md_screen

MAX_SHOWN = 30  # versions listed on the page; the rest are in `python -m incidents versions`

context = get_context()
responsive.apply_stylesheet()
st.title("Changes to the data")
incident = context.filter.incident
base = (st.context.url or "http://localhost:8501/changes").removesuffix("changes")
versions = cached_history(context.data_dir)


def lines(change: DataDiff) -> str:
    shown = change.touching(incident) if incident else change
    if incident and shown.empty:
        return "- Nothing that touched this incident."
    return "\n".join(markdown_lines(shown))


if versions is None:
    st.warning("Time travel is unavailable here: this deployment has no git history of the data, so only the "
               f"current version ({md_screen(context.dataset.version)}) can be shown.")
    st.stop()

st.caption(
    f"{len(versions)} data versions in the history, newest first."
    + (f" Only what touched the incident {md_screen(incident)} is listed." if incident else "")
)
# Not in the caption: a caption's faded link colour fails WCAG AA contrast.
st.markdown(f"Subscribe to these changes in a feed reader: {md_link('changes.atom', base + 'app/static/changes.atom')}")
travel = context.travel
if travel is not None and travel.state == "old" and travel.version is not None and travel.latest is not None:
    st.subheader(f"Since version {travel.version.version}")
    st.markdown(lines(cached_diff(context.data_dir, travel.version, travel.latest)))

shown = versions[:MAX_SHOWN + 1]
for item, change in list(zip(shown, version_diffs(context.data_dir, shown), strict=True))[:MAX_SHOWN]:
    with st.container(border=True):
        st.markdown(
            f"**Version {item.version}** · {md_screen(item.date[:16].replace('T', ' '))} UTC · "
            + md_link("view the data at this version", share_link(base, context.filter, {}, item.version))
        )
        st.caption(md_screen(item.message))
        st.markdown(lines(change) if change is not None else "- The first version of the data.")
if len(versions) > MAX_SHOWN:
    st.caption(f"{len(versions) - MAX_SHOWN} older versions: `python -m incidents versions` lists them all.")
