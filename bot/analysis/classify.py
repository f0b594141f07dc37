"""Link type of each link, from every signal the exports carry, with evidence and a confidence.

Signals, strongest first: the team's `classify` rules; a dead competitor page (the tools report
its HTTP status) which makes any link a broken-link opportunity; the tools' UGC/sponsored flags
and page type/category/platform/author; then the linking URL's path and query, the page title,
the anchor and the text around it. The first signal that fires decides; outbound link counts
adjust the confidence of list-like types. Without any signal the type is `Other`.

Text checks run once per distinct page/anchor (see `frames`), so a million rows stay cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .frames import (
    Pattern,
    arrow,
    combined_values,
    flag,
    matches,
    number,
    quoted,
    text,
    unique_rows,
    unique_values,
    url_path,
)
from .rules import TeamRules


@dataclass(frozen=True)
class TypeSignal:
    link_type: str
    confidence: float
    pattern: Pattern


def _s(link_type: str, confidence: float, field: str, regex: str, label: str = "") -> TypeSignal:
    return TypeSignal(link_type, confidence, Pattern(field, regex, label))


_FORUM_PATH = (
    r"forums?\b|/threads?/|/topic/|/tema/|viewtopic|showthread|viewthread|/questions?/\d|/t/[^/]+/\d+|/community/|"
    r"/board/|[/?]threads?/|/discussion|/comments?/|/read-blog/|/foro/"
)
_PARTNER_WORDS = (
    r"(partners?|partnerships?|sponsors?|members|clients|affiliates|associations?|alliances?|acords|acuerdos|"
    r"avantages|convenios|stockists?|where-to-buy|points-de-vente|distribuidores|distributors|resellers|revendeurs)"
)
# "/partners/", "/our-partners", and a one-word qualifier before the word as a whole segment ("/carnet-acords/").
_PARTNER_PATH = rf"/(our-)?{_PARTNER_WORDS}(/|\.|$|-)|/[a-z]+-{_PARTNER_WORDS}(/|\.|$)"
_RESOURCE_PATH = (
    r"/(resources?|recursos|useful-links|helpful-links|links|enlaces|enllacos|enlacos|webs?-de-interes|liens|"
    r"koppelingen|link-?list|recommended(-tools)?|tools-we-(use|recommend))(/|\.|$|-)"
)
_NUMBERED_TITLE = (
    r"^\s*(top\s+)?\d+\s+\S|\btop \d+\b|\b\d+ (best|top|tips|ways|things|reasons|ideas|places|tricks|facts|"
    r"cosas|lugares|razones|planes|spas?|consejos|choses|raisons|najkraj)|\bdie \d+ besten\b|"
    r"\bbest \w+ (for|in|of|to)\b|"
    r"\balternatives\b|\broundup\b|\bround-up\b|\bmorning notes\b|\bin the news\b|\blos mejores\b|\blas mejores\b|"
    r"\bles meilleurs?\b|\bideas? y\b|\branking\b|\bnews archive\b|"
    r"^\s*(three|five|seven|ten|tres|cinco|siete|diez|trois|cinq|sept|dix|drei|fünf|zehn)\s+\S"
)

_MONTHS = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december|enero|febrero|marzo|"
    r"abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|mai|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre|gener|febrer|març|maig|juny|juliol|setembre|octubre)"
)
# What a news desk writes when a company publishes figures: a record, or an announcement with numbers.
_FIGURES_TITLE = (
    r"\br[eé]cords?\b|"
    r"\b(reports?|announces?|unveils?|anuncia|presenta|invertir[àáa]|invests?)\b.*\b\d"
)
_BUSINESS_CATEGORIES = (
    r"(centros?|balnearios|spas|hotels|hoteles|hôtels|restaurants|restaurantes|dentists|dentistas|clinics|"
    r"cl[ií]nicas|cliniques|gyms|gimnasios|lawyers|abogados|avocats|plumbers|fontaneros|tiendas|stores|shops|"
    r"companies|empresas|agencies|agencias|schools|escuelas|salons|peluquer[ií]as|bars|cafes|cafés)"
)

# Tried in order; within a type the stronger signals come first.
TYPE_SIGNALS: tuple[TypeSignal, ...] = (
    _s("Forum / UGC", 0.85, "page type", r"user content|forum|q&a|comment"),
    _s("Forum / UGC", 0.8, "platform", r"message-boards|forum|discourse|phpbb|vbulletin"),
    _s("Forum / UGC", 0.75, "URL", _FORUM_PATH),
    _s(
        "Forum / UGC",
        0.75,
        "host",
        r"^(forum|forums|community|answers|board)\.|stackexchange\.com$|reddit\.com$|quora\.com$",
    ),
    _s("Forum / UGC", 0.6, "title", r"\b(forum|foro|board|discussion|community|q&a)\b"),
    _s("Guest contribution", 0.85, "URL", r"guest-?(post|article|blog|author)|write-for-us|/contributors?/"),
    _s("Guest contribution", 0.85, "title", r"guest (post|article|blog)|write for us|contributed (post|article)"),
    _s("Guest contribution", 0.7, "author", r"guest|contributor"),
    _s("Partnership / association", 0.8, "page type", r"partner|sponsor|member"),
    _s("Partnership / association", 0.75, "URL", _PARTNER_PATH),
    _s(
        "Partnership / association",
        0.7,
        "title",
        r"^(partners|sponsors|members|clients|socios|partenaires|patrocinadores)\b|"
        r"\b(our|nos|nuestros|els nostres) (partners|sponsors|members|clients|clientes|socios|partenaires)\b|"
        r"\b(alliances?|avantages|acords|convenios|affiliates|where to buy|stockists?)\b|"
        r"\bmember(ship)? (perks|benefits|discounts|offers|deals)\b|\bfor our members\b",
        "partner page",
    ),
    _s("Directory", 0.75, "page type", r"listing|directory"),
    _s(
        "Directory",
        0.75,
        "host",
        r"(^|\.)(tripadvisor\.[a-z.]+|yelp\.[a-z.]+|crunchbase\.com|craft\.co|dnb\.com|minube\.[a-z.]+|"
        r"yellowpages\.[a-z.]+|trustpilot\.com|g2\.com|capterra\.com|clutch\.co)$|director(y|io)",
    ),
    _s(
        "Directory",
        0.65,
        "URL",
        r"/(listings?|directory|directorio|company|companies|organization|places?|spot|business-directory|"
        r"attraction-review|rincon|place|listing|maps?)/",
    ),
    _s(
        "Directory",
        0.6,
        "title",
        r"\b(directory|listing|company profile|opiniones y reseñas|reviews & tips|things to do, reviews|annuaire|"
        r"directorio|branchenbuch|verzeichnis|google maps)\b|导航|网址大全",
    ),
    _s("Resource page", 0.8, "page type", r"resource"),
    _s("Resource page", 0.75, "URL", _RESOURCE_PATH),
    _s(
        "Resource page",
        0.7,
        "title",
        r"\b(resources?|useful links|helpful links|links|recursos|enlaces|webs de inter[eé]s|koppelingen|"
        r"tools we (recommend|use)|recommended tools)\b",
    ),
    _s("Digital PR", 0.75, "page type", r"news|research|press"),
    _s("List / roundup", 0.8, "page type", r"roundup|listicle|list\b"),
    _s("Editorial mention", 0.5, "title", rf"^\s*\d{{1,2}}\s+(de\s+)?{_MONTHS}\b", "dated post"),
    _s("List / roundup", 0.7, "title", _NUMBERED_TITLE),
    _s(
        "List / roundup",
        0.65,
        "title",
        r"\b(gift ideas|gift guide|gifts for|ideas de regalo|regalos originales|regals|idées cadeaux|geschenkideen)\b",
        "gift guide",
    ),
    _s(
        "Digital PR",
        0.7,
        "URL",
        r"/(news|noticias|not[ií]cies|press|press-releases?|news-releases?|newsroom|actualidad|actualitat|actualit[eé]s?|"
        r"headlines|breaking-news|societat|sociedad|soci[eé]t[eé]|economia|economy|[eé]conomie|"
        r"business-news|press-room|comunicados|communiqu[eé]s)/|prnewswire|businesswire",
    ),
    _s("Digital PR", 0.65, "host", r"^news\.|prnewswire|businesswire|newswire"),
    _s("Digital PR", 0.6, "host", r"[^.]*news[^.]*\.[a-z.]+$", "news site"),
    _s(
        "Digital PR",
        0.65,
        "anchor",
        r"\b(study|survey|research|report|data from|index|according to|statistics)\b",
    ),
    _s(
        "Digital PR",
        0.6,
        "title",
        r"\b(study|survey|research|statistics|estudio|encuesta|[eé]tude|sondage|umfrage|studie)\b|"
        r"\b(study|survey|report|research|poll|data|analysis) (finds|shows|reveals)\b",
    ),
    _s("Digital PR", 0.6, "title", _FIGURES_TITLE, "company figures"),
    _s(
        "List / roundup",
        0.65,
        "URL",
        r"\b(best|top-\d+|\d+-best|alternatives|roundup)\b|/\d+-[a-z]+-[a-z]+|/top-[a-z]+-",
    ),
    _s("Editorial mention", 0.65, "page type", r"article|story|guide|how-to|review|opinion|wiki|definition|blog"),
    _s(
        "Editorial mention",
        0.55,
        "URL",
        r"/(blog|bloc|blogs|articles?|articulo|post|posts|story|stories|magazine|guides?|guia|reviews?|learn|"
        r"learning-center|insights|tips|explora|archive|tag|category)/|/\d{4}/\d{1,2}/",
    ),
    # A title that sells (a quote, a price, booking) marks a sales page, even one that lists businesses.
    _s(
        "Other",
        0.5,
        "title",
        r"\b(get|free|instant|request|online)\b[^|]{0,30}\bquotes?\b|\b(best|mejor|meilleur) (price|precio|prix)\b|"
        r"\b(buy now|buy online|book now|reserva ya|for sale|en venta|à vendre)\b",
        "product or booking page",
    ),
    _s(
        "Directory",
        0.55,
        "title",
        rf"^{_BUSINESS_CATEGORIES}\b[^|]{{0,40}}\b(en|in|near|à|cerca de)\b",
        "businesses in a place",
    ),
    _s("Editorial mention", 0.45, "title", r"\b(how|why|what|guide|gu[ií]a|tips|review|blog)\b"),
    _s("Partnership / association", 0.55, "title", r"\b(summit|conference|congress|expo|festival|awards?)\b"),
    _s(
        "Other",
        0.5,
        "URL",
        r"/(produit|producto|product|products|shop|tienda|boutique|store|cart|services?|tours?|booking|reserva|jobs?|"
        r"careers?|empleo|pricing|quote|templates?|checklists?|calculators?)(/|$)",
    ),
    _s("Other", 0.5, "host", r"^(jobs|careers|feina|empleo|shop|store)\."),
    _s("Editorial mention", 0.5, "URL", r"\.html?$|/[a-z0-9]+(-[a-z0-9]+){3,}"),
    # A titled page below the home page that no signal explains is most often an article.
    _s("Editorial mention", 0.35, "URL", r"^/[^?#]*[a-z]{3}"),
)

_FIELDS = {
    "page type": "_page_type",
    "platform": "platform",
    "URL": "_path",
    "host": "source_host",
    "title": "title",
    "author": "author",
    "anchor": "_anchor_text",
}


@dataclass(frozen=True)
class Classification:
    link_type: pd.Series
    confidence: pd.Series  # 0-1
    evidence: pd.Series


def classify_links(
    links: pd.DataFrame, rules: TeamRules | None = None, *, url_and_title_only: bool = False
) -> Classification:
    """Link type, confidence and evidence of every link row (link-table columns).

    `url_and_title_only` uses the linking URL and title alone (how the benchmark measures the
    text classifier on its own).
    """
    n = len(links)
    link_type = np.full(n, "", dtype=object)
    confidence = np.zeros(n)
    evidence = np.full(n, "", dtype=object)

    def assign(mask: np.ndarray, kind: str | np.ndarray, conf: float, what: np.ndarray | str) -> None:
        free = mask & (link_type == "")
        link_type[free] = kind[free] if isinstance(kind, np.ndarray) else kind
        confidence[free] = conf
        evidence[free] = what[free] if isinstance(what, np.ndarray) else what

    if rules is not None and rules.of("classify"):
        pages, codes = unique_rows(
            pd.DataFrame({c: text(links, c) for c in ("source_url", "source_host", "source_domain", "title")}),
            ["source_url", "source_host", "source_domain", "title"],
        )
        rule = rules.first_match("classify", pages).to_numpy(dtype=object)[codes]
        hit = pd.notna(rule)
        kinds = np.array([r.link_type if r is not None else "" for r in rule], dtype=object)
        said = np.array([r.describe() if r is not None else "" for r in rule], dtype=object)
        assign(hit, kinds, 1.0, said)

    if not url_and_title_only:
        status = number(links, "target_status")
        dead = (status >= 400).to_numpy()
        assign(
            dead,
            "Broken link",
            0.95,
            ("competitor page answers HTTP " + status.fillna(0).astype(int).astype(str) + " (dead page)").to_numpy(
                dtype=object
            ),
        )
        assign(flag(links, "sponsored").to_numpy(), "Partnership / association", 0.7, "link marked sponsored")
        assign(flag(links, "ugc").to_numpy(), "Forum / UGC", 0.7, "link marked UGC (user-generated)")

    values = _signal_fields(links, url_and_title_only)
    for signal in TYPE_SIGNALS:
        field = _FIELDS[signal.pattern.field]
        if field not in values:
            continue
        uniques, codes, fast = values[field]
        free = matches(fast, signal.pattern.regex)[codes] & (link_type == "")
        if not free.any():
            continue
        wanted = np.unique(codes[free])
        said = pd.Series("", index=uniques.index, dtype=object)
        said.iloc[wanted] = signal.pattern.evidence(quoted(uniques.iloc[wanted]))
        assign(free, signal.link_type, signal.confidence, said.to_numpy(dtype=object)[codes])

    assign(np.ones(n, dtype=bool), "Other", 0.3, "no clear signal in URL, title or anchor")
    confidence = _outbound_adjusted(links, link_type, confidence)
    index = links.index
    return Classification(
        pd.Series(link_type, index=index), pd.Series(confidence, index=index), pd.Series(evidence, index=index)
    )


def _signal_fields(links: pd.DataFrame, url_and_title_only: bool) -> dict[str, tuple[pd.Series, np.ndarray, pd.Series]]:
    """Each text field's distinct values, row positions and pyarrow copy, built per distinct value."""
    urls, url_codes = unique_values(links["source_url"])
    paths, path_codes = unique_values(url_path(urls))
    fields = {
        "_path": (paths, path_codes[url_codes]),
        "source_host": unique_values(links["source_host"]),
        "title": unique_values(links["title"]),
    }
    if not url_and_title_only:
        fields |= {
            "_page_type": combined_values(unique_values(links["page_type"]), unique_values(links["page_category"])),
            "platform": unique_values(links["platform"]),
            "author": unique_values(links["author"]),
            "_anchor_text": combined_values(unique_values(links["anchor"]), unique_values(links["context"])),
        }
    return {name: (values, codes, arrow(values)) for name, (values, codes) in fields.items()}


def _outbound_adjusted(links: pd.DataFrame, link_type: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Many outbound links back a resource/list/directory reading; very few weaken it."""
    outbound = number(links, "external_links").to_numpy()
    listy = np.isin(link_type, ["Resource page", "List / roundup", "Directory"])
    out = confidence.copy()
    out[listy & (outbound >= 40)] += 0.1
    out[listy & (outbound <= 3)] -= 0.15
    return np.clip(out, 0.05, 1.0).round(2)
