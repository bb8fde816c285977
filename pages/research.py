"""调查研究: the counties on the research area (see app/area_page.py)."""

from app.area_page import area_page

area_page("research")
