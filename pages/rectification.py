"""整改整治: the counties on the rectification area (see app/area_page.py)."""

from app.area_page import area_page

area_page("rectification")
