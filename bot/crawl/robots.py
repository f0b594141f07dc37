"""robots.txt rules of one site, interpreted as RFC 9309 says."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from .result import FetchResult

#: Whose rules decide whether a page can be indexed by search engines.
SEARCH_AGENT = "Googlebot"


@dataclass(frozen=True)
class RobotsRules:
    parser: RobotFileParser | None = None
    allow_all: bool = False
    #: Why the whole site is off limits ("" unless it is).
    disallow_all_because: str = ""

    def allows(self, agent: str, url: str) -> bool:
        if self.disallow_all_because:
            return False
        if self.allow_all or self.parser is None:
            return True
        return self.parser.can_fetch(agent, url)


def rules_from_fetch(result: FetchResult) -> RobotsRules:
    """Rules from the robots.txt fetch: 2xx is parsed, 4xx allows everything, 5xx forbids everything.

    A fetch with no answer at all is not turned into rules: the caller reports its failure, since
    the page itself sits on the same unreachable host.
    """
    status = result.status or 0
    if 200 <= status < 300:
        parser = RobotFileParser()
        parser.parse(result.text.splitlines())
        return RobotsRules(parser=parser)
    if 400 <= status < 500:
        return RobotsRules(allow_all=True)
    return RobotsRules(disallow_all_because=f"robots.txt answered {status}, which means the whole site is off limits")
