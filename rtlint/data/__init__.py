"""Bundled data files (catalogs derived from ../shared facts)."""
