#!/usr/bin/env python3
"""Reference matchers for the catalog-matching benchmark (see BENCHMARKS.md, "Catalog matching").

Usage: python bench/match_refs.py DIR [--subset N]

DIR holds catalog.jsonl, calibration.jsonl and test.jsonl as written by
`cargo run --release -p matching --bin matching-data -- DIR`. Both references see the same raw
order lines as our matcher and choose among the same catalog, each entry as its name followed by
its aliases:

- rapidfuzz: process.extract(query, choices, scorer=fuzz.WRatio, limit=5), exactly as the issue
  names it. Since rapidfuzz 3 that call does no preprocessing (case and punctuation count), so
  the same call with processor=utils.default_process is measured too;
- TF-IDF: TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)) fitted on the catalog, cosine
  similarity, top 5.

Each reference's auto-accept threshold is the lowest top score whose accepted set reaches 99.5 %
precision on the first N calibration lines (the rule our calibration uses); figures are then
reported on the first N test lines, the subset the Rust benchmark also reports on.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer

TARGET_PRECISION = 0.995


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def threshold_for_precision(scored, precision):
    """Lowest score whose accepted set (score >= t) has at least `precision`; None if none does."""
    ordered = sorted(scored, key=lambda s: -s[0])
    right, best = 0, None
    for i, (score, correct) in enumerate(ordered):
        right += int(correct)
        last_of_tie = i + 1 == len(ordered) or ordered[i + 1][0] < score
        if last_of_tie and right >= precision * (i + 1):
            best = score
    return best


class RapidFuzz:
    name = "rapidfuzz WRatio"

    def __init__(self, choices):
        self.choices = choices

    def search(self, query):
        return [(index, score) for _, score, index in process.extract(query, self.choices, scorer=fuzz.WRatio, limit=5)]


class RapidFuzzProcessed(RapidFuzz):
    """The same as passing processor=utils.default_process, with the choices processed once."""

    name = "rapidfuzz WRatio, default_process"

    def __init__(self, choices):
        super().__init__([utils.default_process(c) for c in choices])

    def search(self, query):
        found = process.extract(utils.default_process(query), self.choices, scorer=fuzz.WRatio, limit=5)
        return [(index, score) for _, score, index in found]


class Tfidf:
    name = "TF-IDF char_wb 2-4"

    def __init__(self, choices):
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
        # Rows are L2-normalised, so a dot product is the cosine similarity.
        self.matrix = self.vectorizer.fit_transform(choices).T.tocsr()

    def search(self, query):
        q = self.vectorizer.transform([query])
        scores = (q @ self.matrix).toarray().ravel()
        top = np.argpartition(-scores, 5)[:5]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]


def run(matcher, lines, skus):
    outcomes = []
    for line in lines:
        start = time.perf_counter()
        found = matcher.search(line["text"])
        elapsed = time.perf_counter() - start
        ranked = [skus[i] for i, _ in found]
        rank = ranked.index(line["sku"]) + 1 if line["sku"] in ranked else None
        top_score = found[0][1] if found else 0.0
        outcomes.append({"kind": line["kind"], "rank": rank, "score": top_score, "seconds": elapsed})
    return outcomes


def pct(a, b):
    return 100.0 * a / b if b else float("nan")


def report(name, build_seconds, threshold, outcomes):
    n = len(outcomes)
    at1 = sum(o["rank"] == 1 for o in outcomes)
    at5 = sum(o["rank"] is not None for o in outcomes)
    accepted = [o for o in outcomes if threshold is not None and o["score"] >= threshold]
    right = sum(o["rank"] == 1 for o in accepted)
    times = sorted(o["seconds"] for o in outcomes)
    p50 = times[int(round((n - 1) * 0.5))] * 1e6
    p99 = times[int(round((n - 1) * 0.99))] * 1e6
    t = "none reaches 99.5 %" if threshold is None else f"{threshold:.4f}"
    print(f"\n### {name} (built in {build_seconds:.2f} s, threshold {t})\n")
    print("| lines | n | recall@1 | recall@5 | auto-accepted | precision of accepted | to a person |")
    print("| --- | --- | --- | --- | --- | --- | --- |")

    def row(label, group):
        g1 = sum(o["rank"] == 1 for o in group)
        g5 = sum(o["rank"] is not None for o in group)
        acc = [o for o in group if threshold is not None and o["score"] >= threshold]
        acc_right = sum(o["rank"] == 1 for o in acc)
        print(
            f"| {label} | {len(group)} | {pct(g1, len(group)):.2f} % | {pct(g5, len(group)):.2f} % | "
            f"{pct(len(acc), len(group)):.2f} % | {pct(acc_right, len(acc)):.2f} % | "
            f"{pct(len(group) - len(acc), len(group)):.2f} % |"
        )

    row("all", outcomes)
    for kind in ["full", "typo", "abbreviated", "reordered", "short", "chinese", "mixed", "hard"]:
        group = [o for o in outcomes if o["kind"] == kind]
        if group:
            row(kind, group)
    print(f"\nlatency per query: p50 {p50:.0f} µs, p99 {p99:.0f} µs")
    return {"recall@1": pct(at1, n), "recall@5": pct(at5, n), "accepted": pct(len(accepted), n), "precision": pct(right, len(accepted))}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path)
    parser.add_argument("--subset", type=int, default=2000)
    parser.add_argument(
        "--refs", default="tfidf,rapidfuzz,rapidfuzz-processed", help="comma-separated references to run"
    )
    args = parser.parse_args()
    catalog = load(args.dir / "catalog.jsonl")
    calibration = load(args.dir / "calibration.jsonl")[: args.subset]
    test = load(args.dir / "test.jsonl")[: args.subset]
    skus = [e["sku"] for e in catalog]
    choices = [" ".join([e["name"], *e["aliases"]]) for e in catalog]
    print(f"catalog: {len(catalog)} items; {len(calibration)} calibration and {len(test)} test lines")
    known = {"tfidf": Tfidf, "rapidfuzz": RapidFuzz, "rapidfuzz-processed": RapidFuzzProcessed}
    for cls in (known[r] for r in args.refs.split(",")):
        start = time.perf_counter()
        matcher = cls(choices)
        build_seconds = time.perf_counter() - start
        cal = run(matcher, calibration, skus)
        threshold = threshold_for_precision([(o["score"], o["rank"] == 1) for o in cal], TARGET_PRECISION)
        report(cls.name, build_seconds, threshold, run(matcher, test, skus))


if __name__ == "__main__":
    main()
