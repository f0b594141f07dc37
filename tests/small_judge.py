"""A page judge fitted on a handful of hand-written pages: small enough that a test knows what it
will say, fitted by the same code as the shipped judge."""

from __future__ import annotations

import numpy as np

from bot.judge.features import pages_matrix, text_tokens, tokens_matrix, url_title_matrices
from bot.judge.judge import Judge
from bot.judge.model import fit
from bot.judge.page_read import from_text

# fmt: off
PAGES: tuple[tuple[str, str, str, str], ...] = (
    # url, title, opening text, label
    ("https://a.org/resources/tools", "Useful resources", "A list of useful links and tools we recommend.",
     "Resource page"),
    ("https://b.org/links", "Helpful links", "Further reading: links to useful websites and guides.",
     "Resource page"),
    ("https://c.com/best-apps", "10 best invoicing apps", "The best apps, ranked: top 10 picks for 2025.",
     "List / roundup"),
    ("https://d.com/top-tools", "Top 7 tools for freelancers", "Our top picks, the best tools ranked.",
     "List / roundup"),
    ("https://e.com/write-for-us", "Write for us", "Submit a guest post: contributor guidelines.",
     "Guest contribution"),
    ("https://f.com/guest-posts", "Guest post guidelines", "Become a contributor and write for us.",
     "Guest contribution"),
    ("https://g.net/forum/thread/12", "Which app? - Forum", "Posted by jo. Reply. Replies: 4. Joined 2019.",
     "Forum / UGC"),
    ("https://h.net/questions/9", "How to invoice? - Q&A", "Asked by sam. Answers. Votes. Reply.", "Forum / UGC"),
    ("https://worth1.info/site/x.com", "x.com website worth", "Estimated worth $9,000. Daily visitors. Whois.",
     "Noise"),
    ("https://worth2.info/www/y.com", "y.com site worth and traffic", "Website worth, alexa rank, ip address.",
     "Noise"),
    ("https://i.com/blog/how-i-work", "How I work", "I wrote about my routine and the app I use.", "Editorial mention"),
    ("https://j.com/blog/my-stack", "My stack", "In this post I describe the software I rely on.",
     "Editorial mention"),
)
# fmt: on


def small_judge(type_threshold: float = 0.0) -> Judge:
    models = {}
    labels = np.array([label for *_, label in PAGES], dtype=object)
    for mode in ("url_title", "page"):
        blocks = url_title_matrices([url for url, *_ in PAGES], [title for _, title, *_ in PAGES])
        if mode == "page":
            blocks.append(tokens_matrix([text_tokens(from_text(title, text, "en")) for _, title, text, _ in PAGES]))
        features = pages_matrix(blocks)
        models[mode] = fit(features, labels, strength=10.0)
    thresholds: dict[str, float] = {}
    for mode in ("url_title", "page"):
        thresholds |= {f"{mode}/noise": 0.3, f"{mode}/type": type_threshold, f"{mode}/strength": 10.0}
    return Judge(models, thresholds)
