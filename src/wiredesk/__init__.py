"""wiredesk: news-agency feeds in; a live news site and clean feeds out, with provenance."""

__version__ = "0.1.0"
