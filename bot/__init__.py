"""gapbot: backlink gap analysis for link-building teams."""
