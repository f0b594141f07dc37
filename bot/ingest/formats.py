"""The export formats gapbot recognises, declared once: header signature and column mapping.

Headers are compared with `sheets_schema.header_key` (case- and space-insensitive). A format is
recognised when every `required` header is present and no `absent` one is; formats are tried
most specific first. Columns are mapped by name, never by position, because the tools add,
drop and reorder columns between versions.

Field names in `columns` are link-table columns, plus a few inputs that several columns are
derived from: `domain` (the referring domain of a domain-level row), `dofollow` (a flag whose
opposite is `nofollow`), `rel` (text holding combined flags such as "Nofollow, UGC"),
`context_left`/`context_right` (joined around the anchor into `context`), `lost_date`
(a date whose presence means lost) and `authority_raw`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sheets_schema import header_key

PAGE = "page"
DOMAIN = "domain"


Slot = str | tuple[str, ...]  # one required column: its header, or every name it goes by


def _names(slot: Slot) -> tuple[str, ...]:
    return (slot,) if isinstance(slot, str) else slot


@dataclass(frozen=True)
class ExportFormat:
    tool: str
    report: str
    required: tuple[Slot, ...]
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    level: str = PAGE
    authority_metric: str = ""
    absent: tuple[str, ...] = ()
    # one column per compared target (Link Intersect, Backlink Gap): headers that name a site
    per_target: bool = False
    # Majestic writes flags as "+" or "1" and leaves them empty when false
    empty_flag_is_false: bool = False
    # set for reports that are recognised but hold no backlinks: why, and what to export instead
    not_backlinks: str = ""

    @property
    def name(self) -> str:
        return f"{self.tool} {self.report}"

    def matches(self, keys: set[str]) -> bool:
        return not self.missing(keys) and self._absent_keys.isdisjoint(keys)

    def missing(self, keys: set[str]) -> list[str]:
        """The required columns not among `keys`, each by its first name."""
        return [first for first, aliases in self._required_keys if aliases.isdisjoint(keys)]

    # header keys of the names, worked out once: every header row read is checked against every format
    @cached_property
    def _required_keys(self) -> tuple[tuple[str, frozenset[str]], ...]:
        return tuple((_names(s)[0], frozenset(header_key(n) for n in _names(s))) for s in self.required)

    @cached_property
    def _absent_keys(self) -> frozenset[str]:
        return frozenset(header_key(h) for h in self.absent)


_AHREFS_TEXT = {
    "title": ("Referring page title",),
    "language": ("Language",),
    "platform": ("Platform",),
    "external_links": ("External links", "External Links Count"),
    "traffic": ("Page traffic", "Traffic"),
    "is_spam": ("Is spam",),
    "author": ("Author",),
    "page_type": ("Page type",),
    "page_category": ("Page category",),
    "first_seen": ("First seen",),
    "last_seen": ("Last seen", "Last check"),
}

AHREFS_BACKLINKS = ExportFormat(
    "Ahrefs",
    "Backlinks",
    required=("Referring page URL", "Target URL"),
    authority_metric="Ahrefs DR",
    columns={
        **_AHREFS_TEXT,
        "source_url": ("Referring page URL",),
        "target_url": ("Target URL",),
        "anchor": ("Anchor",),
        "context_left": ("Left context",),
        "context_right": ("Right context",),
        "nofollow": ("Nofollow",),
        "ugc": ("UGC",),
        "sponsored": ("Sponsored",),
        "lost_date": ("Lost",),
        "target_status": ("Target HTTP code", "Target URL HTTP code"),
        "authority_raw": ("Domain rating", "DR"),
    },
)
# The pre-2022 ("v2") export: UTF-8 commas, a "#" column, and "Type" holding combined flags.
# Broken backlinks has the same columns; its "HTTP Code" is the (broken) target's status.
AHREFS_V2_BACKLINKS = ExportFormat(
    "Ahrefs",
    "Backlinks",
    required=("Domain Rating", "Referring Page URL", "Link URL", "Link Anchor"),
    authority_metric="Ahrefs DR",
    columns={
        **_AHREFS_TEXT,
        "source_url": ("Referring Page URL",),
        "target_url": ("Link URL",),
        "anchor": ("Link Anchor",),
        "context_left": ("TextPre",),
        "context_right": ("TextPost",),
        "rel": ("Type",),
        "target_status": ("HTTP Code",),
        "lost_date": ("Day Lost", "Lost"),
        "authority_raw": ("Domain Rating",),
    },
)
AHREFS_V2_OUTGOING = ExportFormat(
    "Ahrefs",
    "Outgoing broken links",
    required=("Referring Page URL", "Link URL", "Link Anchor", "HTTP Code"),
    absent=("Domain Rating",),
    not_backlinks="it lists links from the site's own pages to other sites, not links to it — "
    "export Backlinks or Broken backlinks instead",
)
AHREFS_REFERRING_DOMAINS = ExportFormat(
    "Ahrefs",
    "Referring domains",
    required=("Domain", "Links to target"),
    level=DOMAIN,
    authority_metric="Ahrefs DR",
    columns={
        "domain": ("Domain",),
        "authority_raw": ("Domain rating", "DR"),
        "links_count": ("Links to target",),
        "traffic": ("Domain traffic", "Traffic"),
        "first_seen": ("First seen",),
        "last_seen": ("Last seen",),
        "lost_date": ("Lost",),
    },
)
AHREFS_REFERRING_IPS = ExportFormat(
    "Ahrefs",
    "Referring IPs",
    required=("Subnet", "Ref. domains", "Links to target"),
    not_backlinks="it lists IP subnets, not linking pages or domains — export Backlinks or Referring domains instead",
)
AHREFS_LINK_INTERSECT = ExportFormat(
    "Ahrefs",
    "Link Intersect",
    required=("Domain", "Intersect"),
    level=DOMAIN,
    per_target=True,
    authority_metric="Ahrefs DR",
    columns={"domain": ("Domain",), "authority_raw": ("Domain rating", "DR"), "traffic": ("Domain traffic",)},
)

SEMRUSH_BACKLINKS = ExportFormat(
    "Semrush",
    "Backlinks",
    required=("Page ascore", "Source url", "Target url"),
    authority_metric="Semrush page AS",
    columns={
        "source_url": ("Source url",),
        "target_url": ("Target url",),
        "title": ("Source title",),
        "anchor": ("Anchor",),
        "external_links": ("External links",),
        "nofollow": ("Nofollow",),
        "sponsored": ("Sponsored",),
        "ugc": ("Ugc",),
        "image": ("Image",),
        "sitewide": ("Sitewide",),
        "first_seen": ("First seen",),
        "last_seen": ("Last seen",),
        "lost": ("Lost link",),
        "authority_raw": ("Page ascore",),
    },
)
SEMRUSH_REFERRING_DOMAINS = ExportFormat(
    "Semrush",
    "Referring domains",
    required=("Domain ascore", "Domain", "Backlinks"),
    level=DOMAIN,
    authority_metric="Semrush AS",
    columns={
        "domain": ("Domain",),
        "authority_raw": ("Domain ascore",),
        "links_count": ("Backlinks",),
        "first_seen": ("First seen",),
        "last_seen": ("Last seen",),
    },
)
# Backlink Audit calls Semrush's own Authority Score "Domain Authority Score": it is not Moz DA.
SEMRUSH_BACKLINK_AUDIT = ExportFormat(
    "Semrush",
    "Backlink Audit",
    required=("Domain Authority Score", "Source URL", "Target URL", "Toxic Score"),
    authority_metric="Semrush AS",
    columns={
        "source_url": ("Source URL",),
        "target_url": ("Target URL",),
        "title": ("Source Page Title",),
        "anchor": ("Anchor",),
        "nofollow": ("No Follow",),
        "spam_score": ("Toxic Score",),
        "first_seen": ("First Seen",),
        "last_seen": ("Last Seen",),
        "authority_raw": ("Domain Authority Score",),
    },
)
SEMRUSH_BACKLINK_GAP = ExportFormat(
    "Semrush",
    "Backlink Gap",
    required=("Domain", "Matches"),
    level=DOMAIN,
    per_target=True,
    authority_metric="Semrush AS",
    columns={"domain": ("Domain",), "authority_raw": ("Domain ascore", "Authority Score", "AS")},
)

MOZ_INBOUND_LINKS = ExportFormat(
    "Moz",
    "Inbound links",
    required=("URL", "Anchor Text", "Domain Authority", "Target URL"),
    authority_metric="Moz DA",
    columns={
        "source_url": ("URL",),
        "target_url": ("Target URL",),
        "title": ("Title",),
        "anchor": ("Anchor Text",),
        "spam_score": ("Spam Score",),
        "rel": ("Link Type", "Follow"),
        "nofollow": ("Nofollow", "No Follow"),
        "first_seen": ("Date First Seen", "First Seen"),
        "last_seen": ("Date Last Seen", "Last Seen"),
        "lost_date": ("Date Lost",),
        "authority_raw": ("Domain Authority",),
    },
)
MOZ_LINKING_DOMAINS = ExportFormat(
    "Moz",
    "Linking domains",
    required=("Root Domain", "Domain Authority"),
    level=DOMAIN,
    authority_metric="Moz DA",
    columns={
        "domain": ("Root Domain",),
        "authority_raw": ("Domain Authority",),
        "spam_score": ("Spam Score",),
        "links_count": ("Links to Target", "Linking Pages to Target", "Links"),
        "first_seen": ("Date First Seen", "First Seen"),
        "last_seen": ("Date Last Seen", "Last Seen"),
        "lost_date": ("Date Lost",),
    },
)

MAJESTIC_BACKLINKS = ExportFormat(
    "Majestic",
    "Backlinks",
    required=("Source URL", "Target URL", "FlagNoFollow"),
    authority_metric="Majestic TF",
    empty_flag_is_false=True,
    columns={
        "source_url": ("Source URL",),
        "target_url": ("Target URL",),
        "anchor": ("Anchor Text",),
        "title": ("Source Title", "Title"),
        "nofollow": ("FlagNoFollow",),
        "image": ("FlagImageLink",),
        "lost": ("FlagDeleted",),
        "first_seen": ("Source First Found Date", "FirstIndexedDate"),
        "last_seen": ("Source Crawl Date", "LastSeenDate"),
        "lost_date": ("Date Lost", "DateLost"),
        "authority_raw": ("SourceTrustFlow",),
    },
)
MAJESTIC_REFERRING_DOMAINS = ExportFormat(
    "Majestic",
    "Referring domains",
    required=("Domain", "TrustFlow", "CitationFlow"),
    level=DOMAIN,
    authority_metric="Majestic TF",
    columns={
        "domain": ("Domain",),
        "authority_raw": ("TrustFlow",),
        "links_count": ("Matches", "ExtBackLinks"),
        "first_seen": ("FirstIndexedDate", "First Indexed Date", "FirstCrawled"),
        "last_seen": ("LastSeenDate", "Last Seen Date", "LastSuccessfulCrawl"),
    },
)

# DataForSEO has no export file: its Backlinks API fields are the header (`bot.vendors.dataforseo`).
# Its rank is asked for on the 0-100 scale (`rank_scale`), comparable with the other tools' metrics.
DATAFORSEO_BACKLINKS = ExportFormat(
    "DataForSEO",
    "Backlinks",
    required=("url_from", "url_to", "domain_from_rank"),
    authority_metric="DataForSEO rank",
    columns={
        "source_url": ("url_from",),
        "target_url": ("url_to",),
        "title": ("page_from_title",),
        "anchor": ("anchor",),
        "context_left": ("text_pre",),
        "context_right": ("text_post",),
        "dofollow": ("dofollow",),
        "rel": ("attributes",),
        "lost": ("is_lost",),
        "language": ("page_from_language",),
        "external_links": ("page_from_external_links",),
        "spam_score": ("backlink_spam_score",),
        "first_seen": ("first_seen",),
        "last_seen": ("last_seen",),
        "authority_raw": ("domain_from_rank",),
    },
)
DATAFORSEO_REFERRING_DOMAINS = ExportFormat(
    "DataForSEO",
    "Referring domains",
    required=("domain", "rank", "backlinks", "referring_pages"),
    level=DOMAIN,
    authority_metric="DataForSEO rank",
    columns={
        "domain": ("domain",),
        "authority_raw": ("rank",),
        "links_count": ("backlinks",),
        "spam_score": ("backlinks_spam_score",),
        "first_seen": ("first_seen",),
        "lost_date": ("lost_date",),
    },
)

# Search Console writes headers in the account's language; these are the translations whose
# meaning is unambiguous (the page that links / the site that links / when it was crawled).
_GSC_LINKING_PAGE = (
    "Linking page", "Verweisende Seite", "Página de enlace", "Página que enlaza", "Page d'origine du lien",
    "Page contenant le lien", "Pagina che rimanda", "Pagina di collegamento", "Página vinculada",
    "Linkende pagina", "Strona z linkiem",
)  # fmt: skip
_GSC_LAST_CRAWLED = (
    "Last crawled", "Zuletzt gecrawlt", "Último rastreo", "Dernière exploration", "Ultima scansione",
    "Último rastreamento", "Laatst gecrawld", "Ostatnie indeksowanie",
)  # fmt: skip
_GSC_SITE = ("Site", "Website", "Sitio", "Sito", "Strona")
_GSC_LINKING_PAGES = (
    "Linking pages", "Verweisende Seiten", "Páginas de enlace", "Páginas que enlazan", "Pages d'origine du lien",
    "Pagine che rimandano", "Páginas vinculadas", "Linkende pagina's", "Strony z linkiem",
)  # fmt: skip

GSC_LATEST_LINKS = ExportFormat(
    "Google Search Console",
    "Latest links",
    required=(_GSC_LINKING_PAGE, _GSC_LAST_CRAWLED),
    columns={"source_url": _GSC_LINKING_PAGE, "last_seen": _GSC_LAST_CRAWLED},
)
GSC_TOP_LINKING_SITES = ExportFormat(
    "Google Search Console",
    "Top linking sites",
    required=(_GSC_SITE, _GSC_LINKING_PAGES),
    level=DOMAIN,
    columns={"domain": _GSC_SITE, "links_count": _GSC_LINKING_PAGES},
)
GSC_TOP_LINKED_PAGES = ExportFormat(
    "Google Search Console",
    "Top linked pages",
    required=("Target page", "Incoming links", "Linking sites"),
    not_backlinks="it lists your own pages and how many links they get, not who links — "
    "export Top linking sites or Latest links instead",
)

FORMATS: tuple[ExportFormat, ...] = tuple(
    sorted(
        (
            AHREFS_BACKLINKS,
            AHREFS_V2_BACKLINKS,
            AHREFS_V2_OUTGOING,
            AHREFS_REFERRING_DOMAINS,
            AHREFS_REFERRING_IPS,
            AHREFS_LINK_INTERSECT,
            SEMRUSH_BACKLINKS,
            SEMRUSH_REFERRING_DOMAINS,
            SEMRUSH_BACKLINK_AUDIT,
            SEMRUSH_BACKLINK_GAP,
            MOZ_INBOUND_LINKS,
            MOZ_LINKING_DOMAINS,
            MAJESTIC_BACKLINKS,
            MAJESTIC_REFERRING_DOMAINS,
            DATAFORSEO_BACKLINKS,
            DATAFORSEO_REFERRING_DOMAINS,
            GSC_LATEST_LINKS,
            GSC_TOP_LINKING_SITES,
            GSC_TOP_LINKED_PAGES,
        ),
        key=lambda f: -(len(f.required) + len(f.absent)),
    )
)

# Any other table: the first header found among these aliases is used.
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "source_url": (
        "referring page url", "referring page", "source url", "source page", "linking page", "linking url",
        "referring url", "backlink url", "backlink", "from url", "url from", "link from", "source",
        "page url", "url",
    ),
    "domain": (
        "referring domain", "linking domain", "source domain", "ref domain", "root domain", "domain",
        "linking site", "site",
    ),
    "target_url": (
        "target url", "link url", "destination url", "url to", "to url", "target page", "landing page",
        "target", "destination",
    ),
    "anchor": ("anchor", "anchor text", "link anchor", "link text"),
    "title": ("referring page title", "source title", "page title", "title"),
    "nofollow": ("nofollow", "no follow", "is nofollow"),
    "dofollow": ("dofollow", "do follow", "follow", "is dofollow"),
    "rel": ("rel", "link type", "link rel", "type"),
    "authority_raw": (
        "domain rating", "dr", "domain authority", "da", "authority score", "domain ascore", "ascore", "as",
        "trust flow", "trustflow", "tf", "authority",
    ),
    "first_seen": ("first seen", "first found", "date first seen", "found date"),
    "last_seen": ("last seen", "last crawled", "last check", "date last seen"),
}  # fmt: skip
GENERIC_AUTHORITY_NAMES = {
    "domain rating": "DR",
    "dr": "DR",
    "domain authority": "DA",
    "da": "DA",
    "authority score": "AS",
    "domain ascore": "AS",
    "ascore": "AS",
    "as": "AS",
    "trust flow": "TF",
    "trustflow": "TF",
    "tf": "TF",
    "authority": "authority",
}


def generic_format(keys: set[str]) -> ExportFormat | None:
    """A format built from the known aliases, or None when no linking URL or domain column exists."""
    columns: dict[str, tuple[str, ...]] = {}
    for name, aliases in GENERIC_ALIASES.items():
        found = next((a for a in aliases if a in keys), None)
        if found:
            columns[name] = (found,)
    if "source_url" in columns:
        level, report = PAGE, "Backlinks"
    elif "domain" in columns:
        level, report = DOMAIN, "Referring domains"
    else:
        return None
    authority = columns.get("authority_raw", ("",))[0]
    return ExportFormat(
        "CSV",
        report,
        required=columns["source_url" if level == PAGE else "domain"],
        columns=columns,
        level=level,
        authority_metric=GENERIC_AUTHORITY_NAMES.get(authority, ""),
    )


def detect(headers: list[str]) -> ExportFormat | None:
    keys = {header_key(h) for h in headers}
    for fmt in FORMATS:
        if fmt.matches(keys):
            return fmt
    return generic_format(keys)


def closest(headers: list[str]) -> tuple[ExportFormat, list[str]] | None:
    """The known format these headers come nearest to, and what it misses; None unless most of
    its required columns are there (naming a format that shares no column only misleads)."""
    keys = {header_key(h) for h in headers}
    best = max(FORMATS, key=lambda f: (len(f.required) - len(f.missing(keys))) / len(f.required))
    missing = best.missing(keys)
    return (best, missing) if 2 * len(missing) < len(best.required) else None
