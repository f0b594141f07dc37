"""How the crawler behaves: limits, timeouts and the user agent, with polite defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.settings import Settings

#: The token robots.txt rules name to address gapbot.
ROBOTS_AGENT = "gapbot"
CRAWLER_VERSION = "0.1"


@dataclass(frozen=True)
class CrawlConfig:
    contact_url: str = ""
    #: Tests' local servers need this; production never should.
    allow_private: bool = False
    max_redirects: int = 10
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    #: Ceiling for one URL, redirects and retries included.
    total_timeout: float = 45.0
    #: Extra attempts after a connection error or a 5xx answer.
    retries: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    global_limit: int = 64
    per_host_limit: int = 4
    max_body_bytes: int = 2_000_000
    max_robots_bytes: int = 500_000
    respect_robots: bool = True

    @property
    def user_agent(self) -> str:
        contact = f"; +{self.contact_url}" if self.contact_url else ""
        return f"Mozilla/5.0 (compatible; {ROBOTS_AGENT}/{CRAWLER_VERSION}; backlink checker{contact})"


def config_from_settings(settings: Settings, **overrides: object) -> CrawlConfig:
    base = CrawlConfig(contact_url=settings.raw("Contact URL").strip(), allow_private=settings.allow_private_addresses)
    return replace(base, **overrides)  # type: ignore[arg-type]
