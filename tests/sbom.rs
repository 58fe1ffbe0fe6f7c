//! `harden sbom`: documents for a monorepo of real lockfiles validate against the
//! published CycloneDX 1.6 and SPDX 2.3 schemas (served from local copies, no
//! network), references are consistent, and `--deterministic` is byte-stable.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use harden::config::Config;
use harden::sbom::{collect, cyclonedx, spdx, Sbom};
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Serves `$ref`s from the local schema copies by file name.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let s = uri.as_str();
        let name = s.rsplit('/').next().unwrap_or(s);
        let path = data().join("schemas/cyclonedx").join(name);
        if path.is_file() {
            Ok(load(&path))
        } else {
            Err(format!("no local copy of {s}").into())
        }
    }
}

fn validate(schema: &Path, doc: &Value) -> Vec<String> {
    let v = jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas)
        .build(&load(schema))
        .unwrap();
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn monorepo() -> Sbom {
    let root = data().join("lockfiles");
    let (lockfiles, errors) = collect(&root, &Config::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        lockfiles.len(),
        14,
        "{:?}",
        lockfiles.iter().map(|l| &l.path).collect::<Vec<_>>()
    );
    Sbom::build(&root, &lockfiles)
}

#[test]
fn cyclonedx_validates_and_is_consistent() {
    let sbom = monorepo();
    let doc = cyclonedx::render(&sbom, 1_700_000_000, true);
    let errs = validate(&data().join("schemas/cyclonedx/bom-1.6.schema.json"), &doc);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let comps = doc["components"].as_array().unwrap();
    let refs: HashSet<&str> = comps
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .chain([doc["metadata"]["component"]["bom-ref"].as_str().unwrap()])
        .collect();
    for d in doc["dependencies"].as_array().unwrap() {
        assert!(refs.contains(d["ref"].as_str().unwrap()));
        for on in d["dependsOn"].as_array().unwrap() {
            assert!(refs.contains(on.as_str().unwrap()), "dangling {on}");
        }
    }
    let purls: HashSet<&str> = comps.iter().filter_map(|c| c["purl"].as_str()).collect();
    for p in [
        "pkg:npm/%40types/node@20.19.43",
        "pkg:pypi/requests@2.31.0",
        "pkg:pypi/flask-cors@4.0.0",
        "pkg:cargo/regex@1.13.1",
        "pkg:golang/github.com/gin-gonic/gin@v1.9.1",
        "pkg:gem/rack@2.2.8",
        "pkg:composer/guzzlehttp/guzzle@7.8.0",
    ] {
        assert!(purls.contains(p), "missing {p}");
    }
    // Integrity sha512 base64 became hex.
    let types = comps
        .iter()
        .find(|c| c["purl"] == "pkg:npm/%40types/node@20.19.43")
        .unwrap();
    assert_eq!(types["hashes"][0]["alg"], "SHA-512");
    assert_eq!(types["hashes"][0]["content"].as_str().unwrap().len(), 128);
    assert_eq!(types["licenses"][0]["license"]["id"], "MIT");
    // The validator really checks: an unknown licence id is rejected.
    let mut bad = doc.clone();
    bad["components"][0]["licenses"] = serde_json::json!([{"license": {"id": "Not-A-Licence"}}]);
    assert!(!validate(&data().join("schemas/cyclonedx/bom-1.6.schema.json"), &bad).is_empty());
}

#[test]
fn spdx_validates_and_is_consistent() {
    let sbom = monorepo();
    let doc = spdx::render(&sbom, 0, true);
    let errs = validate(&data().join("schemas/spdx-2.3.schema.json"), &doc);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    assert_eq!(doc["creationInfo"]["created"], "1970-01-01T00:00:00Z");
    let ids: HashSet<&str> = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["SPDXID"].as_str().unwrap())
        .chain(["SPDXRef-DOCUMENT"])
        .collect();
    let rels = doc["relationships"].as_array().unwrap();
    assert!(rels.iter().any(|r| r["relationshipType"] == "DEPENDS_ON"));
    for r in rels {
        assert!(ids.contains(r["spdxElementId"].as_str().unwrap()));
        assert!(ids.contains(r["relatedSpdxElement"].as_str().unwrap()));
    }
}

#[test]
fn cli_deterministic_output_is_stable() {
    let dir = data().join("lockfiles/npm-v3");
    let run = |fmt: &str| {
        assert_cmd::Command::cargo_bin("harden")
            .unwrap()
            .args(["sbom", "--deterministic", "--format", fmt])
            .arg(&dir)
            .output()
            .unwrap()
    };
    for fmt in ["cyclonedx", "spdx"] {
        let a = run(fmt);
        let b = run(fmt);
        assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
        assert_eq!(a.stdout, b.stdout);
        let doc: Value = serde_json::from_slice(&a.stdout).unwrap();
        if fmt == "cyclonedx" {
            assert_eq!(doc["metadata"]["component"]["name"], "demo-api");
            assert!(doc["serialNumber"]
                .as_str()
                .unwrap()
                .starts_with("urn:uuid:"));
        }
    }
}

#[test]
fn scan_osv_flag_reports_at_the_lockfile_line() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules/deps/known-vulnerability/positive/npm-transitive-qs");
    // Copy without harden.toml: the advisories come from --osv only.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(fixture.join(f), tmp.path().join(f)).unwrap();
    }
    let out = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["scan", "--format", "json", "--fail-on", "high", "--osv"])
        .arg(fixture.join("osv"))
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "deps/known-vulnerability")
        .unwrap();
    assert_eq!(f["path"], "package-lock.json");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["snippet"], "\"node_modules/qs\": {");
    assert!(f["message"].as_str().unwrap().contains("fixed in 6.7.3"));

    // Without --osv and without config: nothing is matched, no network.
    let out = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["scan", "--format", "json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "deps/known-vulnerability"));

    // A missing source is a usage error.
    let out = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["scan", "--osv", "/nonexistent/osv.zip"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn discovery_walks_like_the_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let lock = std::fs::read_to_string(data().join("lockfiles/cargo/Cargo.lock")).unwrap();
    for dir in [
        "services/api",
        "services/legacy",
        "vendor/dep",
        "web/node_modules/x",
        "build",
        "tests/fixtures/app",
        "",
    ] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(root.join(dir).join("Cargo.lock"), &lock).unwrap();
    }
    std::fs::write(
        root.join("services/api/requirements-prod.txt"),
        "flask==3.0.0\n",
    )
    .unwrap();
    std::fs::write(root.join(".gitignore"), "build/\n").unwrap();
    std::fs::write(
        root.join("harden.toml"),
        "exclude = [\"services/legacy/**\"]\n",
    )
    .unwrap();
    let config = Config::load(root, None).unwrap();
    assert_eq!(
        harden::sbom::discover(root, &config),
        vec![
            "Cargo.lock",
            "services/api/Cargo.lock",
            "services/api/requirements-prod.txt"
        ]
    );
    let (lockfiles, _) = collect(root, &config);
    let sbom = Sbom::build(root, &lockfiles);
    assert_eq!(sbom.root.name, "demo-svc");
    assert_eq!(sbom.projects.len(), 1);
    assert_eq!(sbom.projects[0].dir, "services/api");
    assert!(sbom.projects[0].direct.contains("pkg:pypi/flask@3.0.0"));
}
