"""What a link builder sees on opening a linking page, read from its HTML (pure).

Main text, date and page type come from trafilatura, structured data (JSON-LD, microdata,
OpenGraph) from extruct, the language of the text from py3langid (it ships its model), and the
link structure from the same HTML parser the crawler uses. A `PageRead` made from the stored
opening text of a page (the labelled corpus) has the same text fields and no HTML structure.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

import py3langid
from selectolax.lexbor import LexborHTMLParser

from bot.crawl.page import read_tree
from bot.urls import domain_of

#: How much of the main text the judge reads: the opening, as a person skims it (and as the
#: labelled corpus keeps it).
OPENING_CHARS = 700
_COMMENT_MARKUP = re.compile(r"\b(comments?|comment-list|commentlist|replies|disqus|wpdiscuz)\b", re.IGNORECASE)
_FORUM_MARKUP = re.compile(r"\b(phpbb|vbulletin|xenforo|discourse|bbpress|invision|smf|mybb|topic-?list)\b", re.I)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

# trafilatura and extruct report unparseable markup through logging; a bad page only yields less.
for _name in ("trafilatura", "htmldate", "extruct", "rdflib", "mf2py"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class PageRead:
    title: str
    #: The opening of the page's main text (at most `OPENING_CHARS` characters).
    text: str
    language: str = ""
    #: schema.org / OpenGraph types the page declares (`BlogPosting`, `DiscussionForumPosting`, …).
    schema_types: tuple[str, ...] = ()
    #: Link structure; None when only the text is known.
    outbound_links: int | None = None
    outbound_domains: int | None = None
    list_links: int | None = None
    comment_markup: bool | None = None
    forum_markup: bool | None = None
    #: The registrable domain a canonical link points to when it is another site ("" otherwise).
    canonical_elsewhere: str = ""
    published: date | None = None


def language_of(text: str) -> str:
    """ISO 639-1 code of the text's language ("" for too little text to tell)."""
    if len(text.strip()) < 40:
        return ""
    code, _ = py3langid.classify(text)
    return str(code)


def from_text(title: str, text: str, language: str = "") -> PageRead:
    """A page known only by its title and opening text."""
    opening = text[:OPENING_CHARS]
    return PageRead(title.strip(), opening, language or language_of(f"{title} {opening}"))


def _schema_types(html: str, url: str) -> tuple[str, ...]:
    import extruct  # here, not above: a run that reads no page (most runs) does not pay for its import

    try:
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "opengraph"], uniform=True)
    except Exception:  # extruct raises whatever its parsers raise on broken markup
        return ()
    found: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, dict):
            kind = item.get("@type")
            for k in kind if isinstance(kind, list) else [kind]:
                if isinstance(k, str) and k:
                    found.append(k.rsplit("/", 1)[-1])
            for key in ("@graph", "mainEntity", "itemListElement"):
                if key in item:
                    walk(item[key])
        elif isinstance(item, list):
            for sub in item:
                walk(sub)

    for syntax in ("json-ld", "microdata", "opengraph"):
        walk(data.get(syntax, []))
    return tuple(dict.fromkeys(found))


def _published(value: object) -> date | None:
    found = _ISO_DAY.match(str(value or ""))
    if not found:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None


def read_html(html: str, url: str) -> PageRead:
    """Everything the judge uses from one fetched HTML page; broken HTML only yields less."""
    tree = LexborHTMLParser(html)
    page = read_tree(tree, url)
    own = domain_of(url)
    outbound = [link for link in page.links if domain_of(link.url) not in ("", own)]
    in_lists = sum(
        1 for node in tree.css("li a[href]") if domain_of(node.attributes.get("href") or "") not in ("", own)
    )
    classes = " ".join(
        f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}" for node in tree.css("[class], [id]")
    )
    generator = " ".join(n.attributes.get("content") or "" for n in tree.css("meta[name=generator]"))
    import trafilatura  # here, not above: a run that reads no page (most runs) does not pay for its import

    try:
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception:  # trafilatura raises whatever lxml raises on pathological markup
        document = None
    main = str(getattr(document, "text", "") or "") if document is not None else ""
    if not main and tree.body is not None:
        main = re.sub(r"\s+", " ", tree.body.text(separator=" ")).strip()
    canonical = domain_of(page.canonical) if page.canonical else ""
    title = page.title or str(getattr(document, "title", "") or "")
    opening = main[:OPENING_CHARS]
    return PageRead(
        title=title,
        text=opening,
        language=language_of(f"{title} {opening}"),
        schema_types=_schema_types(html, url),
        outbound_links=len(outbound),
        outbound_domains=len({domain_of(link.url) for link in outbound}),
        list_links=in_lists,
        comment_markup=bool(_COMMENT_MARKUP.search(classes)),
        forum_markup=bool(_FORUM_MARKUP.search(f"{classes} {generator}")),
        canonical_elsewhere=canonical if canonical not in ("", own) else "",
        published=_published(getattr(document, "date", None) if document is not None else None),
    )
