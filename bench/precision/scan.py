#!/usr/bin/env python3
"""Scan every unpacked corpus repository with a given harden binary.

usage: python3 bench/precision/scan.py HARDEN_BINARY OUT_DIR [NAME ...]

Writes OUT_DIR/NAME.json (`harden scan --format json`) and OUT_DIR/NAME.err (its stderr)
for each repository of bench/corpus/corpus.toml that is unpacked under $HARDEN_CORPUS
(default target/corpus). A repository that is not unpacked, or whose unpacked commit is
not the pinned one, is skipped with a note on stderr, never fatal. Repositories are scanned
one after another: the binary is parallel already, and the machine is shared.
Exit status: 0 when every unpacked repository was scanned, 1 otherwise.
"""
import os
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.environ.get("HARDEN_CORPUS", os.path.join(ROOT, "target", "corpus"))


def corpus():
    with open(os.path.join(ROOT, "bench", "corpus", "corpus.toml"), "rb") as f:
        return tomllib.load(f)["repo"]


def unpacked_commit(name):
    """The commit unpack.py recorded for NAME, or None when it was not unpacked by it."""
    try:
        with open(os.path.join(CORPUS, f".{name}.commit")) as f:
            return f.read().strip()
    except OSError:
        return None


def scan(binary, entry, out_dir):
    name = entry["name"]
    tree = os.path.join(CORPUS, name)
    if not os.path.isdir(tree):
        print(f"skip {name}: not unpacked in {CORPUS}", file=sys.stderr)
        return None
    recorded = unpacked_commit(name)
    if recorded is not None and recorded != entry["commit"]:
        print(f"skip {name}: unpacked at {recorded[:12]}, pinned {entry['commit'][:12]}", file=sys.stderr)
        return None
    out_json = os.path.join(out_dir, f"{name}.json")
    with open(out_json, "wb") as out, open(os.path.join(out_dir, f"{name}.err"), "wb") as err:
        # --fail-on critical is irrelevant to the output; exit 1 only says findings exist.
        rc = subprocess.run([binary, "scan", "--format", "json", tree], stdout=out, stderr=err).returncode
    if rc not in (0, 1):
        print(f"FAIL {name}: exit {rc} (see {name}.err)", file=sys.stderr)
        return False
    print(f"ok   {name}", file=sys.stderr)
    return True


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    binary, out_dir, only = os.path.abspath(argv[1]), argv[2], set(argv[3:])
    if not os.access(binary, os.X_OK):
        print(f"not an executable: {binary}", file=sys.stderr)
        return 2
    os.makedirs(out_dir, exist_ok=True)
    failed = False
    for entry in corpus():
        if only and entry["name"] not in only:
            continue
        if scan(binary, entry, out_dir) is False:
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
