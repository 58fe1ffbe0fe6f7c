//! Our own repository, held to our own bar, and the release recipe tested up to the push:
//! the workflows and the action validate against the published schemas and pin every
//! action to the commit our pin table knows; `.ci/package.py` builds an archive, a
//! checksum and a CycloneDX SBOM for this machine from the binary the tests already
//! built; the install script the action runs verifies what it downloads; and
//! `harden scan` / `harden status` of this repository find nothing left to do.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use harden::parse::yaml::{self, YamlNode};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The targets the release workflow builds; the install script must ask for no other.
const RELEASE_TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn harden_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_harden"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("command starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn package_py(args: &[&str]) -> Output {
    run(Command::new("python3")
        .arg(repo().join(".ci/package.py"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks `<file>.sha256` names the file and holds its SHA-256, as `sha256sum -c` would.
fn assert_checksum_file(path: &Path) -> String {
    let digest = sha256_hex(&fs::read(path).unwrap());
    let sum_path = PathBuf::from(format!("{}.sha256", path.display()));
    let sum = fs::read_to_string(&sum_path).expect(".sha256 written");
    let name = path.file_name().unwrap().to_string_lossy();
    assert_eq!(sum, format!("{digest}  {name}\n"), "{}", sum_path.display());
    digest
}

/// The target this test binary was built for, as the archive names it.
fn host_target() -> &'static str {
    if cfg!(all(
        target_arch = "x86_64",
        target_os = "linux",
        target_env = "gnu"
    )) {
        "x86_64-unknown-linux-gnu"
    } else if cfg!(all(target_arch = "aarch64", target_os = "macos")) {
        "aarch64-apple-darwin"
    } else if cfg!(all(target_arch = "x86_64", target_os = "macos")) {
        "x86_64-apple-darwin"
    } else {
        "host-unknown"
    }
}

#[test]
fn release_archive_of_this_machine_holds_the_binary_and_docs_with_a_matching_checksum() {
    let out = tempfile::tempdir().unwrap();
    let target = host_target();
    let o = package_py(&[
        "archive",
        "--target",
        target,
        "--binary",
        harden_bin().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let archive = out.path().join(format!("harden-{target}.tar.gz"));
    assert_checksum_file(&archive);

    // Every entry under one directory, sorted, owned by root, with fixed modes.
    let gz = flate2::read::GzDecoder::new(fs::File::open(&archive).unwrap());
    let mut tar = tar::Archive::new(gz);
    let top = format!("harden-{target}");
    let mut entries: BTreeMap<String, (u32, Vec<u8>)> = BTreeMap::new();
    let mut order = Vec::new();
    for e in tar.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e
            .path()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string();
        let header = e.header();
        assert_eq!(header.uid().unwrap(), 0, "{path}");
        assert_eq!(header.gid().unwrap(), 0, "{path}");
        let mode = header.mode().unwrap();
        let mut body = Vec::new();
        e.read_to_end(&mut body).unwrap();
        order.push(path.clone());
        entries.insert(path, (mode, body));
    }
    let expected: Vec<String> = [
        "",
        "/CHANGELOG.md",
        "/LICENSE-APACHE",
        "/LICENSE-MIT",
        "/README.md",
        "/harden",
    ]
    .iter()
    .map(|s| format!("{top}{s}"))
    .collect();
    assert_eq!(order, expected);
    for doc in ["CHANGELOG.md", "LICENSE-APACHE", "LICENSE-MIT", "README.md"] {
        let (mode, body) = &entries[&format!("{top}/{doc}")];
        assert_eq!(*mode, 0o644, "{doc}");
        assert_eq!(body, &fs::read(repo().join(doc)).unwrap(), "{doc}");
    }
    let (mode, body) = &entries[&format!("{top}/harden")];
    assert_eq!(*mode, 0o755);
    assert_eq!(
        sha256_hex(body),
        sha256_hex(&fs::read(harden_bin()).unwrap()),
        "the archived binary is the one built"
    );

    // The binary out of the archive runs and says which version it is.
    let unpacked = out.path().join("harden-unpacked");
    fs::write(&unpacked, body).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&unpacked, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let v = run(Command::new(&unpacked).arg("--version"));
    assert!(v.status.success());
    assert_eq!(
        text(&v.stdout).trim(),
        format!("harden {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn archives_are_reproducible_and_windows_gets_a_zip() {
    let out = tempfile::tempdir().unwrap();
    let stand_in = out.path().join("harden.exe");
    fs::write(&stand_in, b"MZ stand-in for the Windows binary").unwrap();
    let archive = |dir: &str| {
        let o = run(Command::new("python3")
            .arg(repo().join(".ci/package.py"))
            .args(["archive", "--target", "x86_64-pc-windows-msvc", "--binary"])
            .arg(&stand_in)
            .arg("--out")
            .arg(out.path().join(dir))
            .env("SOURCE_DATE_EPOCH", "1767225600"));
        assert!(o.status.success(), "{}", text(&o.stderr));
        out.path()
            .join(dir)
            .join("harden-x86_64-pc-windows-msvc.zip")
    };
    let (a, b) = (archive("a"), archive("b"));
    assert_eq!(
        fs::read(&a).unwrap(),
        fs::read(&b).unwrap(),
        "same inputs, same bytes"
    );
    assert_checksum_file(&a);
    let mut zip = zip::ZipArchive::new(fs::File::open(&a).unwrap()).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "CHANGELOG.md",
            "LICENSE-APACHE",
            "LICENSE-MIT",
            "README.md",
            "harden.exe"
        ]
        .map(|n| format!("harden-x86_64-pc-windows-msvc/{n}"))
    );
    let mut exe = Vec::new();
    zip.by_name("harden-x86_64-pc-windows-msvc/harden.exe")
        .unwrap()
        .read_to_end(&mut exe)
        .unwrap();
    assert_eq!(exe, fs::read(&stand_in).unwrap());
}

#[test]
fn release_sbom_is_valid_cyclonedx_of_exactly_our_cargo_lock() {
    let out = tempfile::tempdir().unwrap();
    let o = package_py(&[
        "sbom",
        "--harden",
        harden_bin().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let path = out.path().join("harden.cdx.json");
    assert_checksum_file(&path);
    let doc: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let validator = common::published_schema("cyclonedx/bom-1.6.schema.json");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");

    let root = &doc["metadata"]["component"];
    assert_eq!(root["name"], "harden");
    assert_eq!(root["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(root["licenses"][0]["expression"], "MIT OR Apache-2.0");

    // One component per package Cargo.lock records from crates.io, by purl.
    let lock: toml::Value = fs::read_to_string(repo().join("Cargo.lock"))
        .unwrap()
        .parse()
        .unwrap();
    let locked: BTreeSet<String> = lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.get("source").is_some())
        .map(|p| {
            format!(
                "pkg:cargo/{}@{}",
                p["name"].as_str().unwrap(),
                // purl percent-encodes `+` in a version (build metadata such as
                // `0.11.1+wasi-snapshot-preview1`).
                p["version"].as_str().unwrap().replace('+', "%2B")
            )
        })
        .collect();
    let listed: BTreeSet<String> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, locked);
    assert!(listed
        .iter()
        .any(|p| p.starts_with("pkg:cargo/tree-sitter@")));
}

#[test]
fn check_release_refuses_a_tag_repository_or_changelog_that_disagree() {
    let root = tempfile::tempdir().unwrap();
    fs::write(
        root.path().join("Cargo.toml"),
        "[package]\nname = \"harden\"\nversion = \"1.2.3\"\nrepository = \"https://github.com/acme/harden\"\n",
    )
    .unwrap();
    let changelog = "# Changelog\n\n## [Unreleased]\n\n## [1.2.3] - 2026-12-01\n\n### Fixed\n\n- The thing.\n\n## [1.2.2] - 2026-11-01\n\n- Older.\n";
    fs::write(root.path().join("CHANGELOG.md"), changelog).unwrap();
    let notes = root.path().join("notes.md");
    let check = |tag: &str, repository: &str| {
        package_py(&[
            "check-release",
            "--tag",
            tag,
            "--repository",
            repository,
            "--notes",
            notes.to_str().unwrap(),
            "--root",
            root.path().to_str().unwrap(),
        ])
    };
    let ok = check("v1.2.3", "Acme/harden");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert_eq!(text(&ok.stdout), "version=1.2.3\n");
    assert_eq!(
        fs::read_to_string(&notes).unwrap(),
        "### Fixed\n\n- The thing.\n"
    );

    let wrong_tag = check("v1.2.4", "acme/harden");
    assert_eq!(wrong_tag.status.code(), Some(2));
    assert!(text(&wrong_tag.stderr).contains("tag v1.2.4 is not v1.2.3"));
    let fork = check("v1.2.3", "someone/harden");
    assert_eq!(fork.status.code(), Some(2));
    assert!(text(&fork.stderr).contains("repository"));
    fs::write(
        root.path().join("CHANGELOG.md"),
        "# Changelog\n\n## [Unreleased]\n\n- The thing.\n",
    )
    .unwrap();
    let unreleased = check("v1.2.3", "acme/harden");
    assert_eq!(unreleased.status.code(), Some(2));
    assert!(text(&unreleased.stderr).contains("no `## [1.2.3]` section"));
}

/// A release directory as the workflow publishes it, for the install script's file:// URL.
fn fake_release(dir: &Path, target: &str, binary: &[u8]) {
    let bin_dir = dir.join("bin");
    fs::create_dir_all(&bin_dir).unwrap();
    let exe = bin_dir.join("harden");
    fs::write(&exe, binary).unwrap();
    let o = run(Command::new("python3")
        .arg(repo().join(".ci/package.py"))
        .args(["archive", "--target", target, "--binary"])
        .arg(&exe)
        .arg("--out")
        .arg(dir));
    assert!(o.status.success(), "{}", text(&o.stderr));
}

fn install(release: &Path, root: &Path, os: &str, arch: &str) -> Output {
    run(Command::new("bash")
        .arg(repo().join(".ci/install-release.sh"))
        .env("HARDEN_ROOT", root)
        .env(
            "HARDEN_RELEASE_URL",
            format!("file://{}", release.display()),
        )
        .env("HARDEN_REPOSITORY", "acme/harden")
        .env("HARDEN_VERSION", "1.2.3")
        .env("VERIFY_ATTESTATION", "false")
        .env("RUNNER_OS_NAME", os)
        .env("RUNNER_ARCH_NAME", arch))
}

#[test]
#[cfg(unix)]
fn install_script_installs_a_verified_archive_and_refuses_a_tampered_one() {
    let tmp = tempfile::tempdir().unwrap();
    let release = tmp.path().join("release");
    let script = b"#!/bin/sh\necho 'harden 1.2.3'\n";
    fake_release(&release, "x86_64-unknown-linux-musl", script);

    let root = tmp.path().join("installed");
    let o = install(&release, &root, "Linux", "X64");
    assert!(o.status.success(), "{}", text(&o.stderr));
    let installed = root.join("bin/harden");
    assert_eq!(fs::read(&installed).unwrap(), script);
    let v = run(&mut Command::new(&installed));
    assert_eq!(text(&v.stdout), "harden 1.2.3\n");

    // One changed byte: nothing is installed.
    let archive = release.join("harden-x86_64-unknown-linux-musl.tar.gz");
    let mut bytes = fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&archive, bytes).unwrap();
    let root2 = tmp.path().join("installed-tampered");
    let o = install(&release, &root2, "Linux", "X64");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("checksum mismatch"),
        "{}",
        text(&o.stderr)
    );
    assert!(!root2.join("bin/harden").exists());
}

#[test]
#[cfg(unix)]
fn install_script_asks_only_for_archives_the_release_builds() {
    let empty = tempfile::tempdir().unwrap();
    let mut asked = BTreeSet::new();
    for (os, arch) in [
        ("Linux", "X64"),
        ("Linux", "ARM64"),
        ("macOS", "X64"),
        ("macOS", "ARM64"),
        ("Windows", "X64"),
        ("Windows", "ARM64"),
    ] {
        let o = install(empty.path(), &empty.path().join("root"), os, arch);
        assert_eq!(o.status.code(), Some(2), "{os}/{arch}");
        let err = text(&o.stderr);
        let name = err
            .split_whitespace()
            .find_map(|w| w.strip_prefix("harden-"))
            .and_then(|w| w.split(".tar.gz").next())
            .and_then(|w| w.split(".zip").next())
            .unwrap_or_else(|| panic!("{os}/{arch}: {err}"))
            .to_string();
        asked.insert(name);
    }
    let built: BTreeSet<String> = RELEASE_TARGETS.iter().map(|t| t.to_string()).collect();
    assert_eq!(asked, built);
    let o = install(empty.path(), &empty.path().join("root"), "Linux", "s390x");
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("build-from-source"));
}

fn load_yaml(path: &Path) -> YamlNode {
    let t = fs::read_to_string(path).unwrap();
    let parsed = yaml::parse(&t);
    assert!(parsed.error.is_none(), "{}", path.display());
    parsed.documents[0].root.clone().expect("a document")
}

fn our_workflows() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(repo().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    v.sort();
    v
}

/// Every `uses:` value under a node, anywhere (jobs, steps, composite steps).
fn all_uses(node: &YamlNode, out: &mut Vec<String>) {
    if let Some(map) = node.as_map() {
        for p in map {
            if p.key == "uses" {
                if let Some(s) = p.value.as_str() {
                    out.push(s.to_string());
                }
            }
            all_uses(&p.value, out);
        }
    } else if let Some(seq) = node.as_seq() {
        for n in seq {
            all_uses(n, out);
        }
    }
}

#[test]
fn workflows_and_action_validate_and_pin_every_action_to_a_known_release() {
    let workflow_schema = common::published_schema("github-workflow.schema.json");
    let action_schema = common::published_schema("github-action.schema.json");
    let pins: Value =
        serde_json::from_str(&fs::read_to_string(repo().join("data/action-pins.json")).unwrap())
            .unwrap();
    let mut files: Vec<(PathBuf, &jsonschema::Validator)> = our_workflows()
        .into_iter()
        .map(|p| (p, &workflow_schema))
        .collect();
    let names: Vec<String> = files
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["ci.yml", "org-audit.yml", "release.yml", "security.yml"]
    );
    files.push((repo().join("action.yml"), &action_schema));
    for (path, schema) in files {
        let root = load_yaml(&path);
        let errors: Vec<String> = schema
            .iter_errors(&common::yaml_to_json(&root))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let src = fs::read_to_string(&path).unwrap();
        let mut uses = Vec::new();
        all_uses(&root, &mut uses);
        assert!(!uses.is_empty(), "{}", path.display());
        for u in uses {
            if u.starts_with("$/") || u.starts_with("./") {
                continue;
            }
            let (action, sha) = u.split_once('@').expect("a ref");
            let repo_name: String = action.split('/').take(2).collect::<Vec<_>>().join("/");
            // The version comment on the line names the tag the table maps to this SHA.
            let line = src
                .lines()
                .find(|l| l.contains(&u))
                .unwrap_or_else(|| panic!("{u}"));
            let tag = line
                .split_once(" # ")
                .map(|(_, c)| c.trim())
                .unwrap_or_else(|| panic!("{}: `{u}` has no version comment", path.display()));
            let known = &pins["actions"][&repo_name]["tags"][tag]["sha"];
            assert_eq!(
                known.as_str(),
                Some(sha),
                "{}: {u} # {tag} is not what data/action-pins.json records",
                path.display()
            );
        }
    }
}

#[test]
fn release_workflow_builds_every_target_with_the_packaging_script_and_attests() {
    let root = load_yaml(&repo().join(".github/workflows/release.yml"));
    let perms = root.get("permissions").and_then(|p| p.as_map()).unwrap();
    assert!(perms.is_empty(), "the workflow grants nothing by default");
    let on = root.get("on").unwrap();
    assert!(on.at(&["push", "tags"]).is_some());
    assert!(on.at(&["push", "branches"]).is_none());
    let jobs = root.get("jobs").unwrap();
    let build = jobs.get("build").unwrap();
    let targets: BTreeSet<String> = build
        .at(&["strategy", "matrix", "include"])
        .and_then(|i| i.as_seq())
        .unwrap()
        .iter()
        .map(|e| {
            e.get("target")
                .and_then(|t| t.as_str())
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: BTreeSet<String> = RELEASE_TARGETS.iter().map(|t| t.to_string()).collect();
    assert_eq!(targets, expected);

    let steps_text = |job: &str| -> String {
        let mut s = String::new();
        for step in jobs
            .get(job)
            .and_then(|j| j.get("steps"))
            .and_then(|s| s.as_seq())
            .unwrap()
        {
            for key in ["run", "uses"] {
                if let Some(v) = step.get(key).and_then(|v| v.as_str()) {
                    s.push_str(v);
                    s.push('\n');
                }
            }
        }
        s
    };
    let b = steps_text("build");
    assert!(
        b.contains(".ci/package.py build --target \"$TARGET\""),
        "{b}"
    );
    assert!(b.contains(".ci/package.py sbom"), "{b}");
    assert!(b.contains("actions/attest-build-provenance@"), "{b}");
    let image = steps_text("image");
    assert!(image.contains("docker/build-push-action@"));
    assert!(image.matches("actions/attest-build-provenance@").count() >= 2);
    let publish = steps_text("publish");
    assert!(publish.contains(".ci/package.py sums dist"));
    assert!(publish.contains("gh release create"));
    assert!(steps_text("check").contains(".ci/package.py check-release"));
    for job in ["build", "image"] {
        let p = jobs.get(job).and_then(|j| j.get("permissions")).unwrap();
        assert_eq!(p.get("id-token").and_then(|v| v.as_str()), Some("write"));
        assert_eq!(
            p.get("attestations").and_then(|v| v.as_str()),
            Some("write")
        );
    }
}

#[test]
fn the_image_is_scratch_with_a_non_root_user() {
    let df =
        harden::parse::dockerfile::parse(&fs::read_to_string(repo().join("Dockerfile")).unwrap());
    let images: Vec<&str> = df.stages.iter().map(|s| s.image.as_str()).collect();
    assert_eq!(images, ["scratch"]);
    let user = df
        .instructions
        .iter()
        .rev()
        .find(|i| i.keyword == "USER")
        .map(|i| i.args_text().trim().to_string())
        .expect("a USER");
    assert!(
        !user.starts_with('0') && !user.starts_with("root"),
        "{user}"
    );
}

#[test]
fn our_repository_passes_our_own_scan_and_status() {
    let scan = run(Command::new(harden_bin())
        .args(["scan", "--format", "json", "--fail-on", "critical"])
        .arg(repo()));
    assert!(
        scan.status.code().is_some_and(|c| c < 2),
        "{}",
        text(&scan.stderr)
    );
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let serious: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["severity"].as_str(), Some("critical" | "high" | "medium")))
        .map(|f| format!("{} {}:{} {}", f["rule"], f["path"], f["line"], f["message"]))
        .collect();
    assert!(serious.is_empty(), "{serious:#?}");

    let status = run(Command::new(harden_bin())
        .args(["status", "--format", "json"])
        .arg(repo()));
    assert!(status.status.success(), "{}", text(&status.stderr));
    let report: Value = serde_json::from_slice(&status.stdout).unwrap();
    let controls = report["controls"].as_array().unwrap();
    assert!(controls.len() >= 20, "{}", controls.len());
    let mut not_done = Vec::new();
    for c in controls {
        let (id, state) = (c["id"].as_str().unwrap(), c["state"].as_str().unwrap());
        // Without an OSV export there is nothing to match the lockfile against.
        let fine = matches!(state, "done" | "not-applicable")
            || (id == "known-vulnerabilities" && state == "unknown");
        if !fine {
            not_done.push(format!("{id}: {state} ({})", c["summary"]));
        }
    }
    assert!(not_done.is_empty(), "{not_done:#?}");
}
