"""The server's entry point: `streamlit run boot.py` serves app.py, warmed as the server starts.

Streamlit runs app.py only when a reader connects, so a restarted server would load the records while its first
reader waits. Here the server imports the pages' modules before it answers and loads the records in the
background (components.warmup); `/ready` says when that is done. `streamlit run app.py` still works, without the
warm-up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.routing import Route

from components import warmup

ROOT = Path(__file__).resolve().parent


@asynccontextmanager
async def warm_up(_app: st.App) -> AsyncIterator[None]:
    """Start the warm-up, then serve."""
    warmup.start(ROOT)
    yield None


# `/ready` answers 200 once the warm-up has ended (the cluster's readiness probe); `/_stcore/health` as before.
app = st.App(str(ROOT / "app.py"), lifespan=warm_up, routes=[Route("/ready", warmup.readiness)])
