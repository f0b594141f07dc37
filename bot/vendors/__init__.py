"""Connectors for the vendors' backlink APIs: each pulls a site's reports under the vendor's own
export headers, so a pull goes through the same ingest as an export file."""

from .base import Budget, CredentialsError, Pulled, Vendor, VendorError, VendorHttp
from .pulls import CONNECTORS, PulledExport, PullRun, connector_for, default_pull_dir, kept_pulls, pull_sites

__all__ = [
    "CONNECTORS",
    "Budget",
    "CredentialsError",
    "PullRun",
    "Pulled",
    "PulledExport",
    "Vendor",
    "VendorError",
    "VendorHttp",
    "connector_for",
    "default_pull_dir",
    "kept_pulls",
    "pull_sites",
]
