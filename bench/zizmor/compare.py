#!/usr/bin/env python3
"""Compare harden's actions rules with zizmor on zizmor's own integration-test inputs.

usage: python3 bench/zizmor/compare.py [--misses] [--extras] [--audit NAME] [--harden BIN] [--zizmor BIN]

For every workflow, action and Dependabot input under zizmor's test data
($HARDEN_CORPUS/zizmor/crates/zizmor/tests/integration/test-data, see bench/corpus/corpus.toml),
the input is copied into a scratch repository at the path GitHub reads it from
(.github/workflows/NAME, DIR/action.yml, .github/dependabot.yml); both tools scan that
repository offline: `zizmor --offline --no-config` (default "regular" persona) and
`harden scan --format json`. A zizmor finding is matched when the harden rule that covers its
audit (AUDITS below) reports on the same file and its primary line falls inside a harden
finding's span or is one of its related locations.

Printed per audit: zizmor's findings, how many harden matched, recall raw (matched / all of
zizmor's findings) and recall excluding the findings documented as zizmor false positives
(matched / (all - zizmor-fp)), how many of the rest are documented differences
(bench/zizmor/differences.tsv: `policy`, a choice written in the rule's docs, or `zizmor-fp`,
a zizmor false positive with the reason), and the misses nobody has explained yet.
Audits harden does not implement (online-only or out of scope) are listed apart.
Exit status 1 when an implemented audit has an unexplained miss.

zizmor is pinned to the release the differences were last recorded with: ZIZMOR_VERSION
below (newer than the corpus commit's test data, which it reads the same way; 1.33 moved
`dangerous-triggers` to the `on:` line, added `issue_comment` to it and added `unsafe-checkout`). Without
--zizmor or $ZIZMOR, it is installed once with pip into target/zizmor-venv (PyPI is the only
network access; nothing else is downloaded). harden defaults to target/release/harden, built
with `cargo build --release` when missing.
"""
import argparse
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.environ.get("HARDEN_CORPUS", os.path.join(ROOT, "target", "corpus"))
TEST_DATA = os.path.join(CORPUS, "zizmor", "crates", "zizmor", "tests", "integration", "test-data")
ZIZMOR_VERSION = "1.33.1"

# zizmor audit -> harden rules that cover it (None: not implemented, with the reason).
AUDITS = {
    "template-injection": ["actions/template-injection"],
    "unpinned-uses": ["actions/unpinned-uses"],
    "excessive-permissions": ["actions/excessive-permissions", "actions/missing-permissions"],
    "artipacked": ["actions/persist-credentials"],
    "dangerous-triggers": ["actions/dangerous-trigger"],
    "secrets-inherit": ["actions/secrets-inherit"],
    "github-env": ["actions/github-env"],
    "insecure-commands": ["actions/insecure-commands"],
    "bot-conditions": ["actions/bot-conditions"],
    "overprovisioned-secrets": ["actions/overprovisioned-secrets"],
    "unredacted-secrets": ["actions/unredacted-secrets"],
    "unpinned-images": ["actions/unpinned-images"],
    "cache-poisoning": ["actions/cache-poisoning"],
    "unsafe-checkout": ["actions/unsafe-checkout"],
    "unsound-contains": ["actions/unsound-contains"],
    "unsound-condition": ["actions/unsound-condition"],
    "obfuscation": ["actions/obfuscation"],
    "archived-uses": ["actions/archived-uses"],
    "typosquat-uses": ["actions/typosquat-uses"],
    "self-hosted-runner": ["actions/self-hosted-runner"],
    "use-trusted-publishing": ["actions/use-trusted-publishing"],
    "adhoc-packages": ["actions/adhoc-packages"],
    "dependabot-cooldown": ["repo/dependabot-cooldown"],
    "dependabot-execution": ["repo/dependabot-insecure-execution"],
}
NOT_IMPLEMENTED = {
    "github-app": "GitHub App token scoping (create-github-app-token without permission-*): not in issue 18's scope",
    "unpinned-tools": "tool versions in setup-* actions: not in issue 18's scope",
    "misfeature": "pedantic-leaning grab bag (pip install in setup-python, non-well-known shells): out of scope",
    "self-repository": "style of the same-repository reusable-workflow reference: not a weakness",
    "insecure-url-scheme": "pre-commit hook URLs: harden does not audit pre-commit configs",
    "superfluous-actions": "actions replaceable by a shell command: hygiene, out of scope",
    "unsound-ternary": "not in issue 18's scope",
    "hardcoded-container-credentials": "covered by secrets/* rules on every file, not by an actions rule",
    "impostor-commit": "needs the network",
    "known-vulnerable-actions": "needs the network (GitHub advisories)",
    "ref-confusion": "needs the network",
    "stale-action-refs": "needs the network",
    "ref-version-mismatch": "needs the network",
    "forbidden-uses": "configuration-driven, no default policy",
    "secrets-outside-env": "not in issue 18's scope",
    "concurrency-limits": "not in issue 18's scope",
    "undocumented-permissions": "pedantic persona only",
    "anonymous-definition": "pedantic persona only",
}


def zizmor_bin(arg):
    if arg:
        return arg
    if os.environ.get("ZIZMOR"):
        return os.environ["ZIZMOR"]
    venv = os.path.join(ROOT, "target", "zizmor-venv")
    exe = os.path.join(venv, "bin", "zizmor")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", f"zizmor=={ZIZMOR_VERSION}"], check=True)
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    if out != f"zizmor {ZIZMOR_VERSION}":
        print(f"warning: expected zizmor {ZIZMOR_VERSION}, found {out!r}", file=sys.stderr)
    return exe


def harden_bin(arg):
    if arg:
        return arg
    exe = os.path.join(ROOT, "target", "release", "harden")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return exe


def inputs():
    """(relative path in test data, path to stage it at) for every auditable input."""
    out = []
    for dirpath, dirnames, files in os.walk(TEST_DATA):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, TEST_DATA)
        parts = [] if rel_dir == "." else rel_dir.split(os.sep)
        if "configs" in parts:  # zizmor configuration files, not inputs
            continue
        for name in sorted(files):
            if not name.endswith((".yml", ".yaml")) or name.startswith(("zizmor.", ".pre-commit")):
                continue
            if "pre-commit" in parts:
                continue
            rel = "/".join(parts + [name])
            if "/.github/workflows/" in "/" + rel:
                stage = ".github/workflows/" + name
            elif name in ("action.yml", "action.yaml"):
                stage = "/".join(parts[-1:] + [name]) if parts else name
            elif name in ("dependabot.yml", "dependabot.yaml"):
                stage = ".github/" + name
            elif "/.github/" in "/" + rel:
                continue  # zizmor config under .github/
            else:
                stage = ".github/workflows/" + name
            out.append((rel, stage))
    return out


def primary_line(finding):
    return primary_lines(finding)[0]


def primary_lines(finding):
    """(first, last) line of zizmor's primary location (a `run: |` block spans its script)."""
    for loc in finding["locations"]:
        if loc["symbolic"]["kind"] == "Primary":
            c = loc["concrete"]["location"]
            return c["start_point"]["row"] + 1, c["end_point"]["row"] + 1
    return None, None


def run_zizmor(exe, repo, stage):
    p = subprocess.run(
        [exe, "--offline", "--no-config", "--format", "json", "--collect=all", os.path.join(repo, stage)],
        capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith(("GH_", "GITHUB_", "ZIZMOR_"))},
    )
    try:
        return json.loads(p.stdout or "[]")
    except json.JSONDecodeError:
        return []


def run_harden(exe, repo):
    p = subprocess.run([exe, "scan", "--format", "json", "--fail-on", "critical", repo],
                       capture_output=True, text=True, timeout=60)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        print(f"harden failed on {repo}: {p.stderr[:300]}", file=sys.stderr)
        return {"findings": [], "diagnostics": []}


def step_of(lines, line):
    """(first, last) line of the list item (`- ...`, a step) that holds 1-based `line`:
    zizmor often marks a step's `uses:` or `name:` where harden marks the line inside the
    step a person edits (`password:`, `cache: npm`); both name the same step."""
    if not lines or not 1 <= line <= len(lines):
        return None
    def indent(s):
        return len(s) - len(s.lstrip(" "))
    i = line - 1
    while i >= 0 and not lines[i].lstrip(" ").startswith("- "):
        i -= 1
    if i < 0:
        return None
    dash = indent(lines[i])
    j = i + 1
    while j < len(lines):
        t = lines[j]
        if t.strip() and not t.lstrip(" ").startswith("#") and indent(t) <= dash:
            break
        j += 1
    return i + 1, j


def covers(h, stage, line, last=None, lines=None):
    """harden's finding points at zizmor's: zizmor's first line inside harden's span, or
    harden's line inside zizmor's primary span (zizmor marks a whole `run:` block or `env:`
    mapping where harden marks the line inside it), or a related location on that line,
    or both inside the same step."""
    if h["path"] == stage and h["line"] <= line <= h["end_line"]:
        return True
    if last is not None and h["path"] == stage and line <= h["line"] <= last:
        return True
    if any(r["path"] == stage and r["line"] == line for r in h.get("related", [])):
        return True
    if lines is not None and h["path"] == stage:
        step = step_of(lines, line)
        return step is not None and step[0] <= h["line"] <= step[1] and step_of(lines, h["line"]) == step
    return False


def load_differences():
    path = os.path.join(HERE, "differences.tsv")
    diffs = {}
    if os.path.exists(path):
        with open(path, newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                diffs[(row["audit"], row["input"], int(row["line"]))] = (row["kind"], row["reason"])
    return diffs


def recall(matched, total):
    return f"{100.0 * matched / total:6.1f}%" if total else "     -%"


def row(name, st):
    """One line of the table: recall raw and excluding documented zizmor false positives."""
    fp = st["documented-zizmor-fp"]
    return (f"{name:26} {st['zizmor']:6} {st['matched']:6} {recall(st['matched'], st['zizmor'])}"
            f" {recall(st['matched'], st['zizmor'] - fp)} {st['documented-policy']:6} {fp:5}"
            f" {st['unexplained']:11}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--misses", action="store_true", help="list every unmatched zizmor finding")
    ap.add_argument("--extras", action="store_true", help="list harden findings zizmor does not report")
    ap.add_argument("--audit", help="only this zizmor audit")
    ap.add_argument("--harden")
    ap.add_argument("--zizmor")
    args = ap.parse_args()
    if not os.path.isdir(TEST_DATA):
        sys.exit(f"no zizmor test data at {TEST_DATA}: run `python3 bench/corpus/unpack.py zizmor`")
    zexe, hexe = zizmor_bin(args.zizmor), harden_bin(args.harden)
    diffs = load_differences()
    used_diffs = set()
    stats = collections.defaultdict(lambda: collections.Counter())
    misses, extras = [], []
    not_impl = collections.Counter()
    for rel, stage in inputs():
        with tempfile.TemporaryDirectory(prefix="harden-zz-") as repo:
            dest = os.path.join(repo, stage)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(os.path.join(TEST_DATA, rel), dest)
            with open(dest, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
            zfs = run_zizmor(zexe, repo, stage)
            hfs = [h for h in run_harden(hexe, repo)["findings"]]
        matched_h = set()
        for z in zfs:
            audit = z["ident"]
            if args.audit and audit != args.audit:
                continue
            if z["determinations"]["persona"] != "Regular":
                continue
            line, last = primary_lines(z)
            if audit not in AUDITS:
                not_impl[audit] += 1
                continue
            rules = AUDITS[audit]
            st = stats[audit]
            st["zizmor"] += 1
            hit = [i for i, h in enumerate(hfs) if h["rule"] in rules and covers(h, stage, line, last, lines)]
            if hit:
                st["matched"] += 1
                matched_h.update(hit)
                continue
            key = (audit, rel, line)
            if key in diffs:
                used_diffs.add(key)
                st["documented"] += 1
                st["documented-" + diffs[key][0]] += 1
                continue
            st["unexplained"] += 1
            misses.append((audit, rel, line, z["determinations"]["severity"], z["locations"][0]["concrete"]["feature"].strip().splitlines()[0][:90]))
        covered_rules = {r for a in AUDITS.values() for r in a}
        for i, h in enumerate(hfs):
            if i not in matched_h and h["rule"] in covered_rules:
                if args.audit and h["rule"] not in AUDITS.get(args.audit, []):
                    continue
                extras.append((h["rule"], rel, h["line"], h["severity"], h["message"][:110]))
    print(f"{subprocess.run([zexe, '--version'], capture_output=True, text=True).stdout.strip()} (--offline, default persona) vs harden on {len(inputs())} inputs of zizmor's test data\n")
    print(f"{'zizmor audit':26} {'zizmor':>6} {'harden':>6} {'recall':>7} {'-zz-fp':>7} {'policy':>6} {'zz-fp':>5} {'unexplained':>11}")
    tot = collections.Counter()
    for audit in AUDITS:
        st = stats.get(audit)
        if not st or not st["zizmor"]:
            continue
        tot.update(st)
        print(row(audit, st))
    if tot["zizmor"]:
        print(row("total", tot))
    print(f"\nharden findings of these rules that zizmor does not report: {len(extras)}")
    if not_impl:
        print("\nzizmor audits harden does not implement (not counted above):")
        for a, n in sorted(not_impl.items()):
            print(f"  {a:28} {n:3}  {NOT_IMPLEMENTED.get(a, '')}")
    stale = [k for k in diffs if k not in used_diffs and (not args.audit or k[0] == args.audit)]
    if stale:
        print(f"\ndifferences.tsv rows that no longer match a miss ({len(stale)}):")
        for k in sorted(stale):
            print("  " + "\t".join(map(str, k)))
    if args.misses and misses:
        print("\nunexplained misses:")
        for m in sorted(misses):
            print("  {} {}:{} [{}] {}".format(*m))
    if args.extras and extras:
        print("\nharden only:")
        for e in sorted(extras):
            print("  {} {}:{} [{}] {}".format(*e))
    return 1 if tot["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
