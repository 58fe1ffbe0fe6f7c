#!/usr/bin/env python3
"""Unpack the real-code corpus (bench/corpus/corpus.toml) from local bare git mirrors.

usage: python3 bench/corpus/unpack.py [NAME ...] [--list] [--force]

Each repository is extracted at its pinned commit into $HARDEN_CORPUS/NAME (default
target/corpus/NAME) from $HARDEN_MIRRORS/OWNER+NAME/repo (default /work/.mirror), the layout
the search tool's `fetch` produces. Blobs missing from a snapshot (large files are left out
of them) are skipped and counted, never fatal. A directory already unpacked at the same
commit is left as it is (`$HARDEN_CORPUS/.NAME.commit` records it, outside the tree). Nothing here runs code from the
repositories: it only reads git objects with `git cat-file`, with hooks and config ignored.
"""
import os
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MIRRORS = os.environ.get("HARDEN_MIRRORS", "/work/.mirror")
CORPUS = os.environ.get("HARDEN_CORPUS", os.path.join(ROOT, "target", "corpus"))

# git reads no repository config that could run a program: no fsmonitor, no hooks, no filters.
GIT_SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never"]


def load():
    with open(os.path.join(HERE, "corpus.toml"), "rb") as f:
        return tomllib.load(f)["repo"]


def git(gitdir, *args, **kw):
    return subprocess.run(["git", *GIT_SAFE, "--git-dir", gitdir, *args], check=True, **kw)


def unpack(entry, force=False):
    name, repo, commit = entry["name"], entry["repo"], entry["commit"]
    gitdir = os.path.join(MIRRORS, repo.replace("/", "+"), "repo")
    out = os.path.join(CORPUS, name)
    stamp = os.path.join(CORPUS, f".{name}.commit")
    if not os.path.isdir(gitdir):
        print(f"{name}: no mirror at {gitdir} (fetch github:{repo} first); skipped", file=sys.stderr)
        return False
    if not force and os.path.exists(stamp) and open(stamp).read().strip() == commit:
        return True
    if os.path.exists(out):
        subprocess.run(["rm", "-rf", "--", out], check=True)
    os.makedirs(out)
    tree = git(gitdir, "ls-tree", "-r", "-z", "--full-tree", commit, capture_output=True).stdout
    entries = []
    for rec in tree.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, kind, oid = meta.split(b" ")
        if kind != b"blob":
            continue  # submodules are not in a snapshot
        entries.append((mode.decode(), oid.decode(), path))
    missing = 0
    proc = subprocess.Popen(
        ["git", *GIT_SAFE, "--git-dir", gitdir, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    for mode, oid, path in entries:
        proc.stdin.write(oid.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline()
        if header.endswith(b"missing\n"):
            missing += 1
            continue
        size = int(header.split()[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)
        rel = os.fsdecode(path)
        if rel.startswith("/") or ".." in rel.split("/"):
            continue
        dest = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if mode == "120000":
            try:
                os.symlink(os.fsdecode(data), dest)
            except OSError:
                pass
            continue
        with open(dest, "wb") as f:
            f.write(data)
        if mode == "100755":
            os.chmod(dest, 0o755)
    proc.stdin.close()
    proc.wait()
    with open(stamp, "w") as f:
        f.write(commit + "\n")
    note = f", {missing} blobs absent from the snapshot" if missing else ""
    print(f"{name}: {len(entries) - missing} files at {commit[:12]} -> {out}{note}", file=sys.stderr)
    return True


def main(argv):
    entries = load()
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0
    flags = [a for a in argv if a.startswith("-") and a not in ("--list", "--force")]
    if flags:
        print(f"unknown option: {flags[0]} (usage: python3 bench/corpus/unpack.py [NAME ...] [--list] [--force])", file=sys.stderr)
        return 2
    if "--list" in argv:
        for e in entries:
            print(f"{e['name']}\t{e['repo']}\t{e['commit']}")
        return 0
    force = "--force" in argv
    names = [a for a in argv if not a.startswith("-")]
    unknown = set(names) - {e["name"] for e in entries}
    if unknown:
        print(f"unknown corpus entries: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    ok = True
    for e in entries:
        if names and e["name"] not in names:
            continue
        ok &= unpack(e, force)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
