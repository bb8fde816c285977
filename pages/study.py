"""理论学习: the counties on the study area (see pages/area.py)."""
from pages.area import area_page

area_page("study")
