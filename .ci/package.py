#!/usr/bin/env python3
"""Build and package harden release artifacts: the one recipe the release workflow and a
maintainer's machine share, so what CI publishes can be rebuilt and inspected locally.

usage:
  python3 .ci/package.py build   --target TRIPLE [--out DIR]     cargo build --profile dist, then archive
  python3 .ci/package.py archive --target TRIPLE --binary PATH [--out DIR]
  python3 .ci/package.py sbom    --harden PATH [--out DIR]         CycloneDX SBOM of Cargo.lock
  python3 .ci/package.py sums    DIR                               SHA256SUMS of every artifact in DIR
  python3 .ci/package.py check-release --tag vX.Y.Z --repository OWNER/NAME [--notes FILE]

`check-release` refuses a tag that is not `v` + the Cargo.toml version, a Cargo.toml whose
`repository` is not the GitHub repository releasing it, and a CHANGELOG.md without a
`## [X.Y.Z]` section; it prints `version=X.Y.Z` (for $GITHUB_OUTPUT) and writes that
section to FILE as the release notes.

`archive` writes DIR/harden-TRIPLE.tar.gz (.zip for Windows) holding harden-TRIPLE/ with the
binary, README.md, CHANGELOG.md and both licences, and DIR/<archive>.sha256 in the format
`sha256sum -c` reads. Archives are reproducible: entries sorted, owner root, fixed modes,
timestamps from SOURCE_DATE_EPOCH or the last commit (1980-01-01 without either).

`sbom` runs `harden sbom` on a directory holding only Cargo.toml and Cargo.lock, so the
document lists the crates the binary was built from and nothing the repository merely
contains (workflows, fixtures). Cargo.lock does not mark dev-dependencies: they are listed
too, as a superset of what is linked.

Only the standard library is used; nothing is downloaded and nothing from the environment
is executed except cargo, git (read-only, for the commit time) and the given harden binary.
"""
import argparse
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "harden"
# Files shipped next to the binary in every archive.
DOCS = ["README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"]
SBOM_NAME = "harden.cdx.json"
ZIP_EPOCH = 315532800  # 1980-01-01: the earliest time a zip entry can hold


def fail(msg):
    print(f"package.py: {msg}", file=sys.stderr)
    sys.exit(2)


def crate_package(root=ROOT):
    with open(os.path.join(root, "Cargo.toml"), "rb") as f:
        return tomllib.load(f)["package"]


def crate_version():
    return crate_package()["version"]


def changelog_section(text, version):
    """The body of `## [version] ...` up to the next `## ` heading, or None."""
    lines = text.splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.startswith("## "):
            if start is not None:
                return "\n".join(lines[start:i]).strip() + "\n"
            if line[3:].strip().startswith(f"[{version}]"):
                start = i + 1
    if start is None:
        return None
    return "\n".join(lines[start:]).strip() + "\n"


def check_release(tag, repository, notes, root):
    """Everything a release must agree on, before anything is built."""
    package = crate_package(root)
    version = package["version"]
    problems = []
    if tag != f"v{version}":
        problems.append(f"tag {tag} is not v{version}, the version in Cargo.toml")
    want = f"https://github.com/{repository}".lower()
    have = package.get("repository", "").rstrip("/").lower()
    if have != want:
        problems.append(f"Cargo.toml repository is {have or 'missing'}, not {want}")
    with open(os.path.join(root, "CHANGELOG.md"), encoding="utf-8") as f:
        section = changelog_section(f.read(), version)
    if not section or not section.strip():
        problems.append(f"CHANGELOG.md has no `## [{version}]` section (move the [Unreleased] entries under it)")
    if problems:
        fail("not releasable:\n  " + "\n  ".join(problems))
    if notes:
        with open(notes, "w", encoding="utf-8", newline="\n") as f:
            f.write(section)
    print(f"version={version}")


def source_date_epoch():
    """Timestamp for archive entries: SOURCE_DATE_EPOCH, else the last commit's time."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return max(int(env), ZIP_EPOCH)
    try:
        out = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "-C", ROOT, "log", "-1", "--format=%ct"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()
        return max(int(out), ZIP_EPOCH)
    except (OSError, subprocess.SubprocessError, ValueError):
        return ZIP_EPOCH


def is_windows(target):
    return "windows" in target


def archive_name(target):
    return f"{NAME}-{target}.zip" if is_windows(target) else f"{NAME}-{target}.tar.gz"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_checksum(path):
    """`<hex>  <name>` next to the file: `sha256sum -c` and `shasum -a 256 -c` read it."""
    digest = sha256_file(path)
    with open(path + ".sha256", "w", newline="\n") as f:
        f.write(f"{digest}  {os.path.basename(path)}\n")
    return digest


def members(target, binary):
    """(name in the archive, source path, mode), sorted by name."""
    exe = NAME + (".exe" if is_windows(target) else "")
    top = f"{NAME}-{target}"
    items = [(f"{top}/{exe}", binary, 0o755)]
    for doc in DOCS:
        src = os.path.join(ROOT, doc)
        if not os.path.isfile(src):
            fail(f"{doc} is missing: every archive ships it")
        items.append((f"{top}/{doc}", src, 0o644))
    return sorted(items)


def write_tar_gz(dest, items, mtime):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        top = items[0][0].split("/")[0]
        info = tarfile.TarInfo(top)
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, mtime
        tar.addfile(info)
        for name, src, mode in items:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = os.path.getsize(src), mode, mtime
            with open(src, "rb") as f:
                tar.addfile(info, f)
    with open(dest, "wb") as raw:
        # gzip's own header carries a time and a file name: fix the one, leave out the other.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=mtime, compresslevel=6) as gz:
            gz.write(buf.getvalue())


def write_zip(dest, items, mtime):
    stamp = time.gmtime(mtime)[:6]
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, src, mode in items:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(src, "rb") as f:
                z.writestr(info, f.read())


def archive(target, binary, out):
    if not os.path.isfile(binary):
        fail(f"no binary at {binary}")
    os.makedirs(out, exist_ok=True)
    dest = os.path.join(out, archive_name(target))
    items = members(target, binary)
    mtime = source_date_epoch()
    if is_windows(target):
        write_zip(dest, items, mtime)
    else:
        write_tar_gz(dest, items, mtime)
    digest = write_checksum(dest)
    print(f"{dest}\nsha256 {digest}")
    return dest


def build(target, out):
    cmd = ["cargo", "build", "--locked", "--profile", "dist", "--target", target]
    print("+ " + " ".join(cmd), file=sys.stderr)
    if subprocess.run(cmd, cwd=ROOT).returncode != 0:
        fail("cargo build failed")
    exe = NAME + (".exe" if is_windows(target) else "")
    target_dir = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return archive(target, os.path.join(target_dir, target, "dist", exe), out)


def sbom(harden, out):
    """CycloneDX of the lockfile the binary was built from, validated by harden's own writer."""
    os.makedirs(out, exist_ok=True)
    dest = os.path.join(out, SBOM_NAME)
    with tempfile.TemporaryDirectory(prefix="harden-sbom-") as stage:
        for f in ["Cargo.toml", "Cargo.lock"]:
            shutil.copyfile(os.path.join(ROOT, f), os.path.join(stage, f))
        cmd = [harden, "sbom", stage, "--format", "cyclonedx", "-o", dest]
        if subprocess.run(cmd).returncode != 0:
            fail("harden sbom failed")
    digest = write_checksum(dest)
    print(f"{dest}\nsha256 {digest}")
    return dest


def sums(directory):
    """One SHA256SUMS for the release page, over every artifact (not the .sha256 files)."""
    names = sorted(
        n for n in os.listdir(directory)
        if os.path.isfile(os.path.join(directory, n)) and not n.endswith(".sha256") and n != "SHA256SUMS"
    )
    if not names:
        fail(f"no artifacts in {directory}")
    with open(os.path.join(directory, "SHA256SUMS"), "w", newline="\n") as f:
        for n in names:
            f.write(f"{sha256_file(os.path.join(directory, n))}  {n}\n")
    print(os.path.join(directory, "SHA256SUMS"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="cargo build --profile dist for TARGET, then archive")
    b.add_argument("--target", required=True)
    b.add_argument("--out", default="dist")
    a = sub.add_parser("archive", help="archive an already built binary")
    a.add_argument("--target", required=True)
    a.add_argument("--binary", required=True)
    a.add_argument("--out", default="dist")
    s = sub.add_parser("sbom", help="CycloneDX SBOM of Cargo.lock with the given harden")
    s.add_argument("--harden", required=True)
    s.add_argument("--out", default="dist")
    m = sub.add_parser("sums", help="SHA256SUMS of a directory of artifacts")
    m.add_argument("dir")
    sub.add_parser("version", help="the crate version from Cargo.toml")
    c = sub.add_parser("check-release", help="tag, Cargo.toml and CHANGELOG.md agree")
    c.add_argument("--tag", required=True)
    c.add_argument("--repository", required=True, help="OWNER/NAME of the releasing repository")
    c.add_argument("--notes", help="write the version's CHANGELOG section here")
    c.add_argument("--root", default=ROOT, help="the checkout to check (default: this one)")
    args = ap.parse_args()
    if args.cmd == "build":
        build(args.target, args.out)
    elif args.cmd == "archive":
        archive(args.target, args.binary, args.out)
    elif args.cmd == "sbom":
        sbom(args.harden, args.out)
    elif args.cmd == "sums":
        sums(args.dir)
    elif args.cmd == "version":
        print(crate_version())
    elif args.cmd == "check-release":
        check_release(args.tag, args.repository, args.notes, args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
