"""The baseline of `make bench-e2e`: a bare one-page Streamlit app with a title and one text filter."""

import streamlit as st

st.title("Bare app")
text = st.text_input("Search text", key="q", bind="query-params")
st.write(f"You typed {len(text)} characters.")
