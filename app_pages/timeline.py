"""Timeline page (placeholder until its issue lands)."""

import streamlit as st

from components.context import get_context

context = get_context()
st.title("Timeline")
st.info(f"This view is being built. The shared filters select {context.view.record_count} records.")
