#!/usr/bin/env python3
"""Draw a stratified sample of findings for review.

usage: python3 bench/precision/sample.py SCANS_DIR [--per-stratum K] [--seed S]
                                          [--rule PREFIX ...] [--all-gate] [--unjudged] > sheet.tsv

SCANS_DIR holds one `harden scan --format json` output per corpus repository, named
NAME.json after the corpus entry (bench/corpus/corpus.toml). A stratum is (rule, severity):
up to K findings are drawn from each at random (seeded, so the same scans give the same
sheet). `--all-gate` takes every high/critical finding, not a sample: they decide the
gate. `--rule PREFIX` (repeatable) keeps rules starting with one of the prefixes.
`--unjudged` leaves out findings already in judged.tsv (same repository, rule, path, line
and severity: a finding whose severity changed is judged again). The sheet has the columns of judged.tsv with an empty verdict and reason,
plus the message and snippet to read first; a reviewer opens every finding in the code,
fills in the verdict and reason, and moves the row into judged.tsv.
"""
import argparse
import glob
import json
import os
import random
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = ["repository", "commit", "rule", "severity", "path", "line", "verdict", "reason"]


def corpus_commits():
    with open(os.path.join(HERE, "..", "corpus", "corpus.toml"), "rb") as f:
        return {e["name"]: e["commit"] for e in tomllib.load(f)["repo"]}


def judged_keys(path):
    keys = set()
    if not os.path.exists(path):
        return keys
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            keys.add((row.get("repository"), row.get("rule"), row.get("path"), row.get("line"),
                      row.get("severity")))
    return keys


def clean(s):
    return " ".join(str(s).split())[:300]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scans")
    ap.add_argument("--per-stratum", type=int, default=5)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--rule", action="append", default=[])
    ap.add_argument("--all-gate", action="store_true")
    ap.add_argument("--unjudged", action="store_true")
    args = ap.parse_args()

    commits = corpus_commits()
    skip = judged_keys(os.path.join(HERE, "judged.tsv")) if args.unjudged else set()
    strata = {}
    seen = set()
    for f in sorted(glob.glob(os.path.join(args.scans, "*.json"))):
        repo = os.path.basename(f)[: -len(".json")]
        with open(f) as fh:
            findings = json.load(fh)["findings"]
        for x in findings:
            if args.rule and not any(x["rule"].startswith(p) for p in args.rule):
                continue
            key = (repo, x["rule"], x["path"], str(x["line"]), x["severity"])
            if key in skip or key in seen:  # one row per place: the sheet's key
                continue
            seen.add(key)
            strata.setdefault((x["rule"], x["severity"]), []).append((repo, x))
    rng = random.Random(args.seed)
    out = sys.stdout
    out.write("\t".join(COLUMNS + ["message", "snippet"]) + "\n")
    for (rule, sev) in sorted(strata):
        items = strata[(rule, sev)]
        take_all = len(items) <= args.per_stratum or (args.all_gate and sev in ("high", "critical"))
        pick = items if take_all else rng.sample(items, args.per_stratum)
        for repo, x in sorted(pick, key=lambda t: (t[0], t[1]["path"], t[1]["line"])):
            row = [repo, commits.get(repo, ""), rule, sev, x["path"], str(x["line"]), "", "",
                   clean(x["message"]), clean(x.get("snippet", ""))]
            out.write("\t".join(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
