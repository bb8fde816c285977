"""整改整治: the counties on the rectification area (see pages/area.py)."""
from pages.area import area_page

area_page("rectification")
