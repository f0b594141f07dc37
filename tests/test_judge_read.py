"""What the judge takes from a page's HTML, and the model file's round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bot.judge.features import char_ngrams_matrix, counts_matrix, pages_matrix, tokens_matrix
from bot.judge.model import load, save
from bot.judge.page_read import read_html
from tests.small_judge import small_judge

ARTICLE = """<!doctype html><html lang="de"><head><title>Die besten Wanderschuhe im Test</title>
<link rel="canonical" href="https://wander-magazin.de/schuhe">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "BlogPosting",
 "headline": "Die besten Wanderschuhe", "datePublished": "2025-04-02"}</script></head>
<body><article><h1>Die besten Wanderschuhe im Test</h1>
<p>Wir haben zwölf Wanderschuhe auf langen Touren in den Alpen getestet und erklären, worauf es beim Kauf
ankommt: Passform, Sohle, Gewicht und Wasserdichtigkeit. Unsere Empfehlungen findest du in der Liste.</p>
<ul><li><a href="https://shop-one.de/a">Schuh A</a></li><li><a href="https://shop-two.de/b">Schuh B</a></li>
<li><a href="https://shop-two.de/c">Schuh C</a></li><li><a href="/intern">Intern</a></li></ul></article>
</body></html>"""


def test_a_page_read_from_html() -> None:
    page = read_html(ARTICLE, "https://wander-magazin.de/schuhe?ref=x")
    assert page.title == "Die besten Wanderschuhe im Test"
    assert page.language == "de"
    assert "BlogPosting" in page.schema_types
    assert (page.outbound_links, page.outbound_domains, page.list_links) == (3, 2, 3)
    assert page.canonical_elsewhere == ""  # the canonical is this site
    assert page.text.startswith("Wir haben zwölf Wanderschuhe") or "zwölf Wanderschuhe" in page.text
    assert page.forum_markup is False


def test_a_copy_forum_markup_and_broken_html_only_yield_less() -> None:
    copy = read_html(ARTICLE.replace("wander-magazin.de/schuhe", "original.example/post"), "https://copy.example/p")
    assert copy.canonical_elsewhere == "original.example"
    forum = read_html(
        '<html><head><meta name="generator" content="phpBB"></head><body><div class="topic-list">'
        "<p>Re: Wanderschuhe</p></div></body></html>",
        "https://forum.example/t/1",
    )
    assert forum.forum_markup is True
    broken = read_html("<html><body><p>unclosed <div><script>{{{</script", "https://x.example/")
    assert broken.schema_types == () and broken.outbound_links == 0


def test_character_ngrams_and_block_scaling() -> None:
    # " ab " has the 3-grams " ab", "ab ", the 4-gram " ab " and no 5-gram
    grams = char_ngrams_matrix("tc", ["Ab", "aB", "Verzeichnis", "Straße café"])
    assert grams[0].sum() == 3 and grams[0].nnz == 3 and (grams[0] != grams[1]).nnz == 0
    assert grams[2].sum() == 11 + 10 + 9  # a 13-character padded text: 11 3-grams, 10 4-grams, 9 5-grams
    assert grams[3].sum() == 11 + 10 + 9
    shared = grams[2].multiply(char_ngrams_matrix("tc", ["Branchenverzeichnis"])[0])
    assert shared.nnz >= 3 + 3  # "verzeichnis " carries over: its 3- to 5-grams, less the padded start
    other_space = char_ngrams_matrix("uc", ["Ab"])[0]
    assert grams[0].multiply(other_space).nnz == 0
    merged = pages_matrix([counts_matrix([{1: 3.0}]), counts_matrix([{2: 1.0, 3: 1.0}])]).toarray()[0]
    assert np.isclose(merged[1], 1.0) and np.isclose(merged[2] ** 2 + merged[3] ** 2, 1.0)
    same = pages_matrix([tokens_matrix([["a", "a", "b"]])]).toarray()[0]
    assert np.isclose((same**2).sum(), 1.0) and np.isclose(same.max() / same[same > 0].min(), np.log1p(2) / np.log1p(1))


def test_the_model_file_round_trips_without_pickle(tmp_path: Path) -> None:
    judge = small_judge()
    save(tmp_path / "judge.npz", dict(judge.models), dict(judge.thresholds))
    models, thresholds = load(tmp_path / "judge.npz")
    assert thresholds == dict(judge.thresholds)
    for name, model in judge.models.items():
        assert models[name].classes == model.classes
        assert np.allclose(models[name].weights, model.weights, rtol=1e-3, atol=1e-4)  # stored in half precision
