"""推动发展: the counties on the development area (see app/area_page.py)."""

from app.area_page import area_page

area_page("development")
