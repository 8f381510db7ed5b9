"""ar-wizard: connect uv, pip and twine to a private package registry."""

__version__ = "0.1.0"
