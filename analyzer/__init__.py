"""wp-rest-lint: find WordPress REST API authentication mistakes in plugin source code."""

__version__ = "0.1.0"
