#!/usr/bin/env python3
"""Findings gone and new between two scans of the corpus, with their judged verdicts.

usage: python3 bench/precision/diff.py OLD_SCANS_DIR NEW_SCANS_DIR [--rule PREFIX]... [--repo NAME]...

A finding is keyed by (repository, rule, path, line, severity); a severity change shows as one
gone and one new row. Each row carries the verdict judged.tsv holds for that key at the
repository's pinned commit ("-" when unjudged), so a round's review starts from what changed.
"""
import argparse
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check  # noqa: E402  (same directory: the sheet and scan readers)


def keys(scans):
    out = Counter()
    for repo, findings in scans.items():
        for x in findings:
            out[(repo, x["rule"], x["path"], str(x["line"]), x["severity"])] += 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rule", action="append", default=[])
    ap.add_argument("--repo", action="append", default=[])
    args = ap.parse_args()

    def wanted(rule):
        return not args.rule or any(rule.startswith(p) for p in args.rule)

    old = check.read_scans(args.old, wanted)
    new = check.read_scans(args.new, wanted)
    both = set(old) & set(new)
    if args.repo:
        both &= set(args.repo)
    old_keys = keys({r: old[r] for r in both})
    new_keys = keys({r: new[r] for r in both})
    commits = check.corpus_commits()
    verdicts = {
        (r["repository"], r["rule"], r["path"], r["line"], r["severity"]): r["verdict"]
        for r in check.read_judged()
        if commits.get(r["repository"]) == r["commit"]
    }
    for title, a, b in (("GONE", old_keys, new_keys), ("NEW", new_keys, old_keys)):
        rows = sorted((k, n - b.get(k, 0)) for k, n in a.items() if n > b.get(k, 0))
        print(f"## {title}: {sum(n for _, n in rows)}")
        for k, n in rows:
            mult = f" x{n}" if n > 1 else ""
            print(f"{verdicts.get(k, '-'):15} {k[0]} {k[1]} {k[4]} {k[2]}:{k[3]}{mult}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
