"""The URL's parameters, declared once (Datasette-style: a table of parameters, kept apart from the views).

The frame checks incoming values against it, the share link writes it, and the README's Linking section is tested
against it. Page controls' choices are defined here, so a page and its link can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ParamKind = Literal["date", "id", "kind", "text", "choice", "flag", "version", "streamlit"]
Scope = Literal["shared", "page", "link", "streamlit"]

# Page-control choices. The first choice is the default.
GROUPINGS: tuple[str, ...] = ("hierarchy", "country", "actor")
PARTY_ORDERS: tuple[str, ...] = ("accuser", "chronological", "name")
LAYER_IDS: tuple[str, ...] = ("countries", "border", "places", "events", "crossings", "labels", "claims")
BASEMAP_CHOICES: tuple[str, ...] = ("true", "false")


@dataclass(frozen=True)
class Param:
    """One query parameter: what it holds, whether it repeats, its default, and the page that owns it."""

    name: str
    kind: ParamKind
    scope: Scope
    repeatable: bool = False
    default: str | None = None
    page: str | None = None
    choices: tuple[str, ...] = ()


PARAMS: tuple[Param, ...] = (
    Param("from", "date", "shared"),
    Param("to", "date", "shared"),
    Param("actor", "id", "shared", repeatable=True),
    Param("kind", "kind", "shared", repeatable=True),
    Param("q", "text", "shared"),
    Param("incident", "id", "shared"),
    Param("rec", "id", "shared"),
    Param("group", "choice", "page", default=GROUPINGS[0], page="timeline", choices=GROUPINGS),
    Param("order", "choice", "page", default=PARTY_ORDERS[0], page="claims", choices=PARTY_ORDERS),
    # `layers=` (empty) means no layer, so the empty value is a valid choice.
    Param("layers", "choice", "page", repeatable=True, page="map", choices=("", *LAYER_IDS)),
    Param("basemap", "choice", "page", default="false", page="map", choices=BASEMAP_CHOICES),
    Param("table", "choice", "page"),  # reserved for a later table-layout control
    Param("v", "version", "link"),
    Param("embed", "streamlit", "streamlit"),
    Param("embed_options", "streamlit", "streamlit", repeatable=True),
)
BY_NAME: dict[str, Param] = {param.name: param for param in PARAMS}


def names(scope: Scope) -> tuple[str, ...]:
    """The parameter names of one scope, in table order."""
    return tuple(param.name for param in PARAMS if param.scope == scope)


SHARED_PARAMS = names("shared")
PAGE_PARAMS = names("page")
KNOWN_PARAMS = tuple(BY_NAME)


def page_options() -> dict[str, tuple[str, ...]]:
    """Page control -> the values its bound widget accepts (it drops any other without a word, so we check)."""
    return {param.name: param.choices for param in PARAMS if param.scope == "page" and param.choices}
