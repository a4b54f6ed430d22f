"""The kinds of page a reader meets, each once: the one list the page-by-page browser checks use.

Accessibility (axe-core), layout without modern CSS, and screenshots all walk this list, so
a new kind of page is checked everywhere by adding one line here.
"""

from __future__ import annotations

from urllib.parse import quote

PAGES: dict[str, str] = {
    "home": "",
    "themes": "themes/",
    "theme": "themes/learning-philosophy/",
    "org-types": "org-types/",
    "org-type": "org-types/urban-community/",
    "org-type-empty": "org-types/research-institute/",
    "matrix": "matrix/",
    "explorer": "explorer/#q=" + quote("学习") + "&kind=case,practice&theme=institutions",
    "cases": "cases/",
    "case": "cases/anhui-broadcast-network/",
    "practice": "practices/fixed-study-day/",
    "material": "materials/county-cadre-team/",
    "packs": "packs/",
    "pack": "packs/central-group-study-session/",
    "pack-plan": "packs/plan/central-group-study-session/",
    "pack-quiz": "packs/quiz/central-group-study-session/",
    "reading-list": "reading-list/",
    "study-record": "study-record/",
    "overview": "overview/",
    "guide": "guide/",
    "404": "no-such-page/",
}
"""{name: address under the site's root (directory URLs)}; "404" is any address that does not exist."""

WIDTHS = {"desktop": 1366, "phone": 390}
"""Window widths every page is checked at: an office desktop and a phone."""

HEIGHT = 844
"""Window height: a phone's first screen."""
