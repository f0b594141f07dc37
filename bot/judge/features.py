"""Features of one linking page for the judge: tokens of its URL, title and opening text, and the
wording and structure a link builder looks at, hashed into one sparse vector (pure).

Two modes: `url_title` (what every export has) and `page` (plus the page as read). The export's
own fields (page type, platform, UGC/sponsored flags) are rules in `bot.analysis.classify`, not
features: the labelled corpus has no export fields to learn them from. Hashing keeps the model
small and lets the corpus keep the text only as hashed counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from urllib.parse import urlsplit

import mmh3
import numpy as np
import pandas as pd
from scipy import sparse

from .page_read import PageRead

N_FEATURES = 1 << 18

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_URL_PART = re.compile(r"[a-z]+|\d+")

# What a link builder notices in the wording, across the market languages seen most often.
WORDING: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "guest": r"write for us|guest (post|blog|author|article|contribut)|become a (contributor|writer)|"
        r"contributor guidelines|submission guidelines|submit (a |your )?(guest )?(post|article)|"
        r"gastbeitr|gastautor|article invit[ée]|[ée]crire pour nous|art[ií]culo invitado|escribe para|"
        r"colabora con nosotros|scrivi per noi|articolo ospite|gastblog|artigo convidado",
        "press": r"press release|for immediate release|prnewswire|business ?wire|globe ?newswire|"
        r"communiqu[ée] de presse|pressemitteilung|nota de prensa|comunicato stampa|persbericht|"
        r"informacja prasowa|comunicado de imprensa|media contact|about the company",
        "news": r"\b(reported|according to|said on|told reporters|news|journalist|redaktion|reuters|afp|dpa)\b",
        "partner": r"\b(our partners?|partner(s|ship)?|sponsors?|members?|membership|associat(e|ion)|certified|"
        r"integrations?|customers|clients|partenaires|mitglieder|socios|soci|leden|członkowie)\b",
        "resource": r"\b(useful (links|resources|websites)|resources|further reading|links|liens utiles|"
        r"n[üu]tzliche links|enlaces de inter[ée]s|link utili|links [úu]teis|handige links|przydatne linki|"
        r"recursos|ressources)\b",
        "list": r"\b(best|top \d+|\d+ best|alternatives|ranking|roundup|die besten|los mejores|les meilleur|"
        r"i migliori|os melhores|de beste|najlepsze)\b",
        "forum": r"\b(reply|replies|posted by|joined|registered|member since|thread|topic|quote|forum|"
        r"re:|answers?|asked|votes?|antworten|r[ée]ponses?|respuestas?|risposte|odpowied)\b",
        "directory": r"\b(opening hours|add your (business|site|listing)|claim (this|your) (business|listing)|"
        r"listing|directory|reviews?|rating|address|phone|annuaire|branchenbuch|directorio|elenco|"
        r"katalog firm|bedrijvengids|öffnungszeiten|horaires)\b",
        "worth": r"website worth|site worth|estimated (value|worth|traffic|daily)|worth \$|whois|domain (age|info|"
        r"report|registered)|alexa rank|daily (visitors|pageviews)|traffic (estimate|rank)|similar ?(sites|web)|"
        r"ip address|hosted (on|by)|dns record|seo (score|stats|report)|page ?rank",
        "coupon": r"coupons?|promo codes?|discount codes?|voucher|\d+% off|deal of|gutschein|code promo|"
        r"cup[oó]n|codice sconto|cupom|kortingscode|kod rabatowy",
        "apk": r"\bapk\b|mod apk|download (for )?(android|pc|free)|latest version|\bv?\d+\.\d+\.\d+\b.*download",
        "legal": r"terms (of|and) (use|service)|privacy policy|cookie policy|impressum|mentions l[ée]gales|"
        r"aviso legal|datenschutz|disclaimer|all rights reserved",
        "job": r"\b(job|vacanc|apply now|salary|career|hiring|stellenangebot|offre d.emploi|oferta de empleo|"
        r"vacature|praca)\b",
        "doc": r"\b(documentation|api reference|help cent(er|re)|knowledge base|faq|how do i|getting started|"
        r"definition|meaning of|synonyms?|abstract|doi|et al\.|journal|dictionary)\b",
        "about": r"\b(about us|our (team|story|mission)|who we are|[üu]ber uns|qui sommes|qui[eé]nes somos|chi siamo|"
        r"over ons|o nas|sobre n[óo]s)\b",
        "event": r"\b(conference|summit|expo|festival|event|webinar|award|congress|tagung|congr[eè]s|evento)\b",
        "shop": r"\b(add to cart|buy now|in stock|free shipping|price|checkout|warenkorb|panier|carrito|carrello)\b",
        "copy": r"originally (published|appeared)|source:|via |read (more|the full|full article)|"
        r"the post .* appeared first on|continue reading",
        "dated": r"\b(19|20)\d\d\b",
    }.items()
}


def url_tokens(url: str) -> list[str]:
    text = url.strip().lower()
    parts = urlsplit(text if "://" in text else f"http://{text}")
    host = parts.hostname or ""
    labels = host.split(".")
    tokens = [f"h:{label}" for label in labels[:-1] if label not in ("www", "")]
    tokens.append(f"tld:{labels[-1]}")
    if len(labels) > 2 and labels[0] != "www":
        tokens.append(f"sub:{labels[0]}")
    path = parts.path
    segments = [s for s in path.split("/") if s]
    tokens.append(f"depth:{min(len(segments), 5)}")
    for segment in segments:
        for piece in _URL_PART.findall(segment):
            tokens.append(f"p:{'#' if piece.isdigit() and len(piece) != 4 else piece}")
    if segments:
        last = segments[-1]
        tokens.append(f"lastwords:{min(len(re.findall(r'[-_]', last)) + 1, 8)}")
        if "." in last:
            tokens.append(f"ext:{last.rsplit('.', 1)[-1][:5]}")
    if parts.query:
        tokens += ["query"] + [f"qk:{k.split('=')[0]}" for k in parts.query.split("&")[:5]]
    return tokens


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 or not w.isascii()]


def title_tokens(title: str) -> list[str]:
    words = _words(title)
    tokens = [f"t:{w}" for w in words] + [f"t2:{a}_{b}" for a, b in pairwise(words)]
    if not words:
        tokens.append("t:(none)")
    elif words[0].isdigit():
        tokens.append("t:^number")
    tokens += [f"tw:{name}" for name in wording(title)]
    return tokens


# Any one of the signals: most titles show none, and one search rules them all out.
_ANY_WORDING = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in WORDING.values()), re.IGNORECASE)


def wording(text: str) -> list[str]:
    """The names of the wording signals a text shows."""
    if not _ANY_WORDING.search(text):
        return []
    return [name for name, pattern in WORDING.items() if pattern.search(text)]


def text_tokens(page: PageRead) -> list[str]:
    """Tokens of the opening text and its wording, language and shape (what the corpus keeps hashed)."""
    words = _words(page.text)
    tokens = [f"x:{w}" for w in words]
    tokens += [f"s:{name}" for name in wording(page.text)]
    tokens.append(f"lang:{page.language or '?'}")
    tokens.append(f"len:{min(len(page.text) // 150, 4)}")
    if words:
        counts = np.unique(np.array(words, dtype=object), return_counts=True)[1]
        # Keyword stuffing repeats a few words; gibberish has few distinct short words.
        tokens.append(f"top-share:{min(int(counts.max() / len(words) * 20), 5)}")
        tokens.append(f"distinct:{min(int(len(counts) / len(words) * 5), 4)}")
        tokens.append(f"digits:{min(sum(w.isdigit() for w in words) * 10 // len(words), 3)}")
    lines = [line for line in page.text.split("\n") if line.strip()]
    if lines:
        tokens.append(f"shortlines:{min(sum(len(line) < 40 for line in lines) * 4 // len(lines), 3)}")
    return tokens


def structure_tokens(page: PageRead) -> list[str]:
    """What only the HTML shows (none for a page known by its text)."""
    tokens = [f"schema:{kind}" for kind in page.schema_types[:8]]
    if page.outbound_domains is not None:
        tokens.append(f"outdomains:{_band(page.outbound_domains, (0, 2, 8, 25, 80))}")
        tokens.append(f"listlinks:{_band(page.list_links or 0, (0, 5, 15, 50))}")
    if page.comment_markup:
        tokens.append("markup:comments")
    if page.forum_markup:
        tokens.append("markup:forum")
    if page.canonical_elsewhere:
        tokens.append("canonical:elsewhere")
    return tokens


def _band(value: int, edges: tuple[int, ...]) -> int:
    return sum(value > edge for edge in edges)


@lru_cache(maxsize=1 << 20)
def column_of(token: str) -> int:
    """The hashed column of a token (32-bit MurmurHash3 of its UTF-8, unsigned, seed 0: the value
    scikit-learn's `murmurhash3_32(positive=True)` gives, which the shipped model was trained on);
    cached because the same words recur on page after page."""
    return mmh3.hash(token, 0, signed=False) % N_FEATURES


def hashed(tokens: Iterable[str]) -> dict[int, float]:
    """Token counts by hashed column."""
    counts: dict[int, float] = {}
    for token in tokens:
        column = column_of(token)
        counts[column] = counts.get(column, 0.0) + 1.0
    return counts


_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://(www\.)?")
# Character n-grams are hashed by arithmetic over whole batches (FNV-1a over code points, then a
# multiplicative mix): a Python string per n-gram cost most of the judge's time.
_FNV_OFFSET, _FNV_PRIME, _MIX = np.uint64(0xCBF29CE484222325), np.uint64(0x100000001B3), np.uint64(0x9E3779B97F4A7C15)
_NGRAM_SIZES = (3, 4, 5)


def word_blocks(url: str, title: str) -> list[list[str]]:
    """The words of a page's URL and title, as two blocks of tokens (what `Why` can name)."""
    return [url_tokens(url), title_tokens(title)]


def url_title_matrices(
    urls: Sequence[str], titles: Sequence[str], words: Sequence[list[list[str]]] | None = None
) -> list[sparse.csr_matrix]:
    """Pages' URLs and titles as four blocks of hashed counts: their word blocks (`words`, as
    `word_blocks` makes them, when the caller has them already), and the character 3- to 5-grams
    of each, which carry across languages and spellings ("verzeichnis", "directorio", "-forum-")."""
    if words is None:
        words = [word_blocks(url, title) for url, title in zip(urls, titles, strict=True)]
    addresses = [_ADDRESS.sub("", url.strip().lower()) for url in urls]
    return [
        tokens_matrix([w[0] for w in words]),
        char_ngrams_matrix("uc", addresses),
        tokens_matrix([w[1] for w in words]),
        char_ngrams_matrix("tc", titles),
    ]


def char_ngrams_matrix(space: str, texts: Sequence[str]) -> sparse.csr_matrix:
    """Counts of the character 3-, 4- and 5-grams of each text, lower-cased and padded with a
    space at each end, hashed into columns by n-gram and `space` (a row per text)."""
    padded = [f" {text.lower()} " for text in texts]
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    row_of = np.repeat(np.arange(len(padded)), lengths)
    positions = np.arange(len(codes))
    rows, columns = [], []
    for n in _NGRAM_SIZES:
        starts = positions[positions + n <= ends[row_of]]
        hashes = np.full(len(starts), _FNV_OFFSET ^ np.uint64(column_of(f"{space}{n}")), dtype=np.uint64)
        for k in range(n):
            hashes = (hashes ^ codes[starts + k]) * _FNV_PRIME
        columns.append(((hashes * _MIX) >> np.uint64(40)) % np.uint64(N_FEATURES))
        rows.append(row_of[starts])
    counts = sparse.coo_matrix(
        (np.ones(sum(map(len, rows))), (np.concatenate(rows), np.concatenate(columns).astype(np.int64))),
        shape=(len(padded), N_FEATURES),
    )
    return counts.tocsr()  # duplicates summed


def counts_matrix(rows: Iterable[Mapping[int, float]]) -> sparse.csr_matrix:
    """Hashed counts, a row per page, as one sparse matrix."""
    indptr: list[int] = [0]
    indices: list[int] = []
    values: list[float] = []
    for row in rows:
        indices.extend(row.keys())
        values.extend(row.values())
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), np.asarray(indptr)),
        shape=(len(indptr) - 1, N_FEATURES),
    )


def tokens_matrix(rows: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Token lists, a row per page, as hashed counts (duplicates summed)."""
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    # Hashed once per distinct token: n-grams and words repeat across a batch of pages.
    codes, distinct = pd.factorize(np.fromiter((t for r in rows for t in r), dtype=object, count=int(lengths.sum())))
    columns = np.fromiter((column_of(t) for t in distinct), dtype=np.int64, count=len(distinct))[codes]
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    counts = sparse.csr_matrix((np.ones(len(columns)), columns, indptr), shape=(len(rows), N_FEATURES))
    counts.sum_duplicates()
    return counts


def pages_matrix(blocks: Sequence[sparse.csr_matrix]) -> sparse.csr_matrix:
    """Pages as the judge sees them: each block (URL words, URL characters, title words, title
    characters, the page) log-scaled and scaled to unit length row by row, then summed, so a
    long text does not drown the URL and title."""
    total = sparse.csr_matrix(blocks[0].shape)
    for block in blocks:
        scaled = block.astype(np.float64).tocsr(copy=True)
        scaled.data = np.log1p(scaled.data)
        total = total + unit_rows(scaled)
    return total.tocsr()


def unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row scaled to unit length (L2); an empty row stays empty."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.ones_like(norms), where=norms > 0)
    scaled = matrix.copy()
    scaled.data = scaled.data * np.repeat(scale, np.diff(scaled.indptr))
    return scaled
