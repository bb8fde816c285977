"""理论学习: the counties on the study area (see app/area_page.py)."""

from app.area_page import area_page

area_page("study")
