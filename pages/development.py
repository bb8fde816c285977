"""推动发展: the counties on the development area (see pages/area.py)."""
from pages.area import area_page

area_page("development")
