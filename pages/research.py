"""调查研究: the counties on the research area (see pages/area.py)."""
from pages.area import area_page

area_page("research")
