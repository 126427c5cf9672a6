"""UI-free domain package: models, loading and validation, filtering, comparison, geometry.

It must never import streamlit, plotly or pydeck (a test checks `sys.modules`).
"""

from incidents.dataset import Dataset, Problem
from incidents.loading import load_dataset

__all__ = ["Dataset", "Problem", "load_dataset"]
