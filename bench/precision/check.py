#!/usr/bin/env python3
"""Measure precision of a set of corpus scans against the judged sheet.

usage: python3 bench/precision/check.py SCANS_DIR [--rule PREFIX ...] [--verbose]
       python3 bench/precision/check.py --sort        (rewrite judged.tsv in its canonical order)

SCANS_DIR holds NAME.json scans (bench/precision/scan.py writes them; /work/baseline-style
directories work too). A judged row (bench/precision/judged.tsv) applies to a finding of
the scan when repository, rule, path, line and severity are equal and the row's commit is the
repository's pinned commit (corpus.toml). Prints:

  - judged-FALSE findings still reported;
  - judged-real findings (TRUE or WRONG-SEVERITY) no longer reported at that place: recall
    lost, unless the rule now reports it elsewhere (listed as "moved?" to be looked at) or
    names it as a related location of a grouped finding;
  - findings whose place was judged at another severity (re-judge them: the verdict was about
    the old severity);
  - per rule: the current finding count, judged sample size, TRUE/judged and
    (TRUE+WRONG-SEVERITY)/judged;
  - the estimated overall precision: each (rule, severity) stratum's judged ratio weighted
    by that stratum's finding count (the sample is drawn per stratum, and high/critical
    strata are judged in full, so a per-rule raw ratio would over-weight them);
  - the high-gate acceptance: the share of high/critical findings judged TRUE at that
    severity (a reviewer would block a release for it), estimated the same way.

--rule PREFIX (repeatable) restricts everything to rules starting with one of the prefixes,
e.g. `--rule secrets/ --rule docs/`.
"""
import argparse
import glob
import json
import os
import sys
import tomllib
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
JUDGED = os.path.join(HERE, "judged.tsv")
COLUMNS = ["repository", "commit", "rule", "severity", "path", "line", "verdict", "reason"]
VERDICTS = ("TRUE", "WRONG-SEVERITY", "DEBATABLE", "FALSE")
REAL = ("TRUE", "WRONG-SEVERITY")
GATE = ("high", "critical")


def corpus_commits():
    with open(os.path.join(HERE, "..", "corpus", "corpus.toml"), "rb") as f:
        return {e["name"]: e["commit"] for e in tomllib.load(f)["repo"]}


def row_order(row):
    line = row["line"]
    return (row["repository"], row["rule"], row["path"], int(line) if line.isdigit() else 0, row["severity"])


def read_judged():
    rows = []
    with open(JUDGED, newline="") as f:
        header = f.readline().rstrip("\n").split("\t")
        if header != COLUMNS:
            sys.exit(f"{JUDGED}: header must be {' '.join(COLUMNS)}")
        for n, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != len(COLUMNS):
                sys.exit(f"{JUDGED}:{n}: {len(fields)} fields, expected {len(COLUMNS)}")
            row = dict(zip(COLUMNS, fields))
            if row["verdict"] not in VERDICTS:
                sys.exit(f"{JUDGED}:{n}: verdict {row['verdict']!r} is not one of {', '.join(VERDICTS)}")
            rows.append(row)
    return rows


def sort_judged():
    rows = read_judged()
    rows.sort(key=row_order)
    seen = set()
    for r in rows:
        key = (r["repository"], r["commit"], r["rule"], r["severity"], r["path"], r["line"])
        if key in seen:
            sys.exit(f"duplicate judged row: {' '.join(key)}")
        seen.add(key)
    with open(JUDGED, "w", newline="") as f:
        f.write("\t".join(COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r[c] for c in COLUMNS) + "\n")
    print(f"{len(rows)} rows sorted", file=sys.stderr)


def read_scans(scans_dir, wanted):
    """{repo: [finding]} for every NAME.json in the directory, filtered by rule prefix."""
    scans = {}
    for path in sorted(glob.glob(os.path.join(scans_dir, "*.json"))):
        repo = os.path.basename(path)[: -len(".json")]
        with open(path) as f:
            data = json.load(f)
        scans[repo] = [x for x in data["findings"] if wanted(x["rule"])]
    return scans


def pct(num, den):
    return f"{100.0 * num / den:5.1f}%" if den else "    - "


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scans", nargs="?")
    ap.add_argument("--rule", action="append", default=[])
    ap.add_argument("--sort", action="store_true", help="rewrite judged.tsv sorted and exit")
    ap.add_argument("--verbose", action="store_true", help="list every row of each section")
    args = ap.parse_args()
    if args.sort:
        sort_judged()
        return 0
    if not args.scans:
        ap.error("SCANS_DIR is required")

    def wanted(rule):
        return not args.rule or any(rule.startswith(p) for p in args.rule)

    commits = corpus_commits()
    scans = read_scans(args.scans, wanted)
    judged = [
        r for r in read_judged()
        if wanted(r["rule"]) and r["repository"] in scans and commits.get(r["repository"]) == r["commit"]
    ]
    by_place = defaultdict(dict)  # (repo, rule, path, line) -> {severity: row}
    for r in judged:
        by_place[(r["repository"], r["rule"], r["path"], r["line"])][r["severity"]] = r

    # (repo, rule, path, line) -> severities: several findings can share one line (the
    # sheet cannot tell them apart, so one verdict applies to all of them).
    current = defaultdict(list)
    rule_paths = set()  # (repo, rule, path): where a moved finding may be
    # (repo, rule, path, line) of related locations: a place grouped into another
    # finding of the same rule (one problem, one finding) is still reported there.
    related_places = set()
    stratum_count = defaultdict(int)
    for repo, findings in scans.items():
        for x in findings:
            key = (repo, x["rule"], x["path"], str(x["line"]))
            current[key].append(x["severity"])
            rule_paths.add((repo, x["rule"], x["path"]))
            stratum_count[(x["rule"], x["severity"])] += 1
            for rel in x.get("related") or []:
                if rel.get("path") and rel.get("line"):
                    related_places.add((repo, x["rule"], rel["path"], str(rel["line"])))

    # Verdicts that apply to the current findings, per stratum.
    stratum_verdicts = defaultdict(lambda: defaultdict(int))
    false_kept, rejudge = [], []
    for key, sevs in sorted(current.items()):
        rows = by_place.get(key)
        if not rows:
            continue
        for sev in sevs:
            row = rows.get(sev)
            if row is None:
                rejudge.append((key, sev, sorted(rows)))
                continue
            stratum_verdicts[(key[1], sev)][row["verdict"]] += 1
            if row["verdict"] == "FALSE" and row not in false_kept:
                false_kept.append(row)

    lost, moved = [], []
    for key, rows in sorted(by_place.items()):
        if key in current or key in related_places:
            continue
        for row in rows.values():
            if row["verdict"] in REAL:
                (moved if key[:3] in rule_paths else lost).append(row)

    def show(title, items, fmt):
        print(f"\n## {title}: {len(items)}")
        limit = None if args.verbose else 25
        for it in items[:limit]:
            print("  " + fmt(it))
        if limit is not None and len(items) > limit:
            print(f"  ... {len(items) - limit} more (--verbose lists them)")

    def fmt_row(r):
        return f"{r['repository']} {r['rule']} {r['severity']} {r['path']}:{r['line']} [{r['verdict']}] {r['reason'][:100]}"

    print(f"# precision of {args.scans} against {os.path.relpath(JUDGED)}"
          + (f" (rules {', '.join(args.rule)})" if args.rule else ""))
    print(f"repositories scanned: {len(scans)}; findings: {sum(stratum_count.values())};"
          f" judged rows that apply: {len(judged)}")
    show("judged FALSE, still reported", false_kept, fmt_row)
    show("judged TRUE/WRONG-SEVERITY, no longer reported (recall lost)", lost, fmt_row)
    show("judged TRUE/WRONG-SEVERITY, gone from that line but the rule still reports that file (moved?)", moved, fmt_row)
    show("reported at a severity other than the judged one (re-judge)", rejudge,
         lambda t: f"{t[0][0]} {t[0][1]} {t[0][2]}:{t[0][3]} now {t[1]}, judged at {', '.join(t[2])}")

    # Per rule, raw sample ratios.
    rules = sorted({r for (r, _s) in stratum_count})
    print("\n## per rule (current findings; judged sample; TRUE/judged; (TRUE+WRONG-SEVERITY)/judged)")
    print(f"  {'rule':40} {'findings':>8} {'judged':>6} {'TRUE':>6} {'+WS':>6}  DEBATABLE FALSE")
    for rule in rules:
        n = sum(c for (r, _s), c in stratum_count.items() if r == rule)
        v = defaultdict(int)
        for (r, _s), counts in stratum_verdicts.items():
            if r == rule:
                for k, c in counts.items():
                    v[k] += c
        j = sum(v.values())
        print(f"  {rule:40} {n:8} {j:6} {pct(v['TRUE'], j):>6} {pct(v['TRUE'] + v['WRONG-SEVERITY'], j):>6}"
              f"  {v['DEBATABLE']:9} {v['FALSE']:5}")

    # Stratified estimates.
    def estimate(strata):
        """(findings covered, findings total, sample size, TRUE estimate, TRUE+WS estimate)"""
        covered = total = sample = 0
        strict = loose = 0.0
        for s in strata:
            n = stratum_count[s]
            total += n
            v = stratum_verdicts.get(s, {})
            j = sum(v.values())
            if not j:
                continue
            covered += n
            sample += j
            strict += n * v.get("TRUE", 0) / j
            loose += n * (v.get("TRUE", 0) + v.get("WRONG-SEVERITY", 0)) / j
        return covered, total, sample, strict, loose

    covered, total, sample, strict, loose = estimate(list(stratum_count))
    print("\n## estimated overall precision (per (rule, severity) stratum, weighted by its finding count)")
    print(f"  at the right severity (TRUE):             {pct(strict, covered)}")
    print(f"  real at any severity (TRUE+WRONG-SEV.):   {pct(loose, covered)}")
    print(f"  sample: {sample} judged findings; strata with a judged sample cover {covered} of {total} findings"
          f" ({pct(covered, total).strip()})")
    unmeasured = sorted((s for s in stratum_count if not stratum_verdicts.get(s)), key=lambda s: -stratum_count[s])
    if unmeasured:
        print("  strata without a judged sample: "
              + ", ".join(f"{r} {s} ({stratum_count[(r, s)]})" for r, s in unmeasured[:15])
              + (" ..." if len(unmeasured) > 15 else ""))

    gate = [s for s in stratum_count if s[1] in GATE]
    covered, total, sample, strict, _ = estimate(gate)
    print("\n## high-gate acceptance (high/critical findings judged TRUE at that severity)")
    print(f"  acceptance: {pct(strict, covered)}  (sample {sample} of {total} high/critical findings;"
          f" judged strata cover {covered})")
    for s in sorted(gate):
        v = stratum_verdicts.get(s, {})
        j = sum(v.values())
        print(f"  {s[0]:40} {s[1]:8} {stratum_count[s]:5} findings, {j:4} judged, TRUE {pct(v.get('TRUE', 0), j)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `| head` is a normal way to read this
        sys.exit(0)
