//! `harden sbom`: documents for a monorepo of real lockfiles validate against the
//! published CycloneDX 1.6 and SPDX 2.3 schemas (served from local copies, no
//! network), references are consistent, and `--deterministic` is byte-stable.

mod common;
use common::git;

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

/// Runs `harden sbom --verbose` and returns (document, stderr).
fn sbom_cli(dir: &Path, format: &str) -> (Value, String) {
    let out = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["sbom", "--verbose", "--deterministic", "--format", format])
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

#[test]
fn every_kind_of_manifest_of_a_monorepo() {
    let dir = data().join("sbom-monorepo");
    let (doc, stderr) = sbom_cli(&dir, "cyclonedx");
    let errs = validate(&data().join("schemas/cyclonedx/bom-1.6.schema.json"), &doc);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let comps = doc["components"].as_array().unwrap();
    let by_purl = |p: &str| comps.iter().find(|c| c["purl"] == p);
    for p in [
        // pip-compile outputs under names that do not start with `requirements`.
        "pkg:pypi/jinja2@3.1.2",
        "pkg:pypi/starlette@0.36.3",
        // A requirements file recognised by its content.
        "pkg:pypi/celery@5.3.6",
        "pkg:pypi/redis@5.0.3",
        // Maven: a property of the parent, a version managed by the parent.
        "pkg:maven/io.grpc/grpc-netty-shaded@1.63.0",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.1",
        "pkg:maven/com.squareup.okhttp3/okhttp@4.12.0",
        // Go before 1.17: the build list completed from go.sum.
        "pkg:golang/github.com/spf13/cobra@v1.1.3",
        "pkg:golang/github.com/spf13/pflag@v1.0.5",
        "pkg:golang/github.com/inconshreveable/mousetrap@v1.0.0",
        // Actions, at the ref written; composite actions' steps too.
        "pkg:github/actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332",
        "pkg:github/actions/setup-python@39cd14951b08e74b54015e9e001cdefcf80e669f",
        "pkg:github/github/codeql-action@v3#init",
        "pkg:github/acme-platform/workflows@v2.3.0#.github/workflows/release.yml",
        // Images: workflow container and service, docker:// step, Dockerfile stages
        // and COPY --from, compose pulls, Kubernetes containers.
        "pkg:docker/python@3.12-slim",
        "pkg:oci/postgres@sha256%3A7c688148e5e156d0e86df7ba8ae5a05a2386aaec1e2ad8e6d11bdf10504b1fb7?repository_url=docker.io/library/postgres&tag=16.3-alpine",
        "pkg:docker/rhysd/actionlint@1.7.1",
        "pkg:docker/astral-sh/uv@0.4.20?repository_url=ghcr.io",
        "pkg:docker/distroless/python3-debian12@nonroot?repository_url=gcr.io",
        "pkg:docker/redis@7.2.4-alpine",
        "pkg:docker/otel/opentelemetry-collector-contrib@0.98.0",
        "pkg:docker/busybox@1.36.1",
        "pkg:docker/devcontainers/python@1-3.12-bookworm?repository_url=mcr.microsoft.com",
    ] {
        assert!(by_purl(p).is_some(), "missing {p}\n{stderr}");
    }
    // Not listed: the compose service's own build, a variable-only image, a local
    // action, the test fixture's lockfile, a prose .txt.
    let purls: Vec<&str> = comps.iter().filter_map(|c| c["purl"].as_str()).collect();
    assert!(!purls.iter().any(|p| p.contains("feature-migrations")
        || p.contains("feature-api@dev")
        || p.contains("setup-python-deps")
        || p.contains("left-pad")));
    let image = by_purl("pkg:docker/redis@7.2.4-alpine").unwrap();
    assert_eq!(image["type"], "container");
    let checkout =
        by_purl("pkg:github/actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332").unwrap();
    let props = checkout["properties"].as_array().unwrap();
    assert!(props
        .iter()
        .any(|p| p["name"] == "harden:tag" && p["value"] == "v4.1.7"));
    assert!(props
        .iter()
        .any(|p| p["name"] == "harden:lockfile" && p["value"] == ".github/workflows/ci.yml:22"));
    let dev_only = |p: &str| {
        by_purl(p).unwrap()["properties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "harden:dev-only")
    };
    assert!(dev_only(
        "pkg:docker/devcontainers/python@1-3.12-bookworm?repository_url=mcr.microsoft.com"
    ));
    assert!(dev_only(
        "pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.3"
    ));
    assert!(!dev_only("pkg:docker/redis@7.2.4-alpine"));

    // What was read and skipped is said on stderr.
    for line in [
        "harden: read services/worker/pinned.txt (requirements.txt, 2 packages)",
        "harden: read tools/legacy/go.sum (go.sum, 2 packages)",
        "harden: read .github/workflows/ci.yml (workflow, ",
        "harden: skipped tests/fixtures/old-app/package-lock.json: test code or a test fixture",
        "dependency without a version the repository states",
    ] {
        assert!(stderr.contains(line), "{line:?} not in\n{stderr}");
    }
    assert!(!stderr.contains("NOTES.txt"), "{stderr}");
    // The workflow's images belong to the root project; the Dockerfile's to services/api.
    let deps = doc["dependencies"].as_array().unwrap();
    let depends_on = |r: &str| -> Vec<&str> {
        deps.iter()
            .find(|d| d["ref"] == r)
            .map(|d| {
                d["dependsOn"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(depends_on("project:.").contains(&"pkg:docker/python@3.12-slim"));
    assert!(depends_on("project:services/api")
        .contains(&"pkg:docker/astral-sh/uv@0.4.20?repository_url=ghcr.io"));

    let (spdx_doc, _) = sbom_cli(&dir, "spdx");
    let errs = validate(&data().join("schemas/spdx-2.3.schema.json"), &spdx_doc);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let pkgs = spdx_doc["packages"].as_array().unwrap();
    assert!(pkgs
        .iter()
        .any(|p| p["name"] == "redis" && p["primaryPackagePurpose"] == "CONTAINER"));
}

/// Runs git (test setup only) isolated from the user's and system's configuration.

#[test]
fn a_tracked_lockfile_under_an_ignore_rule_is_in_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let app = root.join("web");
    std::fs::create_dir_all(&app).unwrap();
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(data().join("lockfiles/npm-v3").join(f), app.join(f)).unwrap();
    }
    // A repository that once ignored lockfiles, then committed one with `git add -f`.
    std::fs::write(root.join(".gitignore"), "**/package-lock.json\ndist/\n").unwrap();
    std::fs::create_dir_all(root.join("dist")).unwrap();
    std::fs::write(root.join("dist/bundle.js"), "console.log(1)\n").unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", ".gitignore", "web/package.json"]);
    git(root, &["add", "-f", "web/package-lock.json"]);

    let (doc, stderr) = sbom_cli(root, "cyclonedx");
    let purls: Vec<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    assert!(purls.contains(&"pkg:npm/express@4.22.3"), "{stderr}");
    // Ignored and untracked: `dist/` (one entry). Tracked anyway: the lockfile.
    assert!(
        stderr.contains("1 path matched by .gitignore/.ignore left out; 1 file git tracks read although an ignore rule matches it"),
        "{stderr}"
    );

    // The scan sees it too: the lockfile control cites it.
    let out = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["status", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let control = status["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "dependency-lockfiles")
        .unwrap();
    // Done only because `web/package-lock.json` (tracked, ignored) was seen.
    assert_eq!(control["state"], "done", "{control}");
    assert!(control.to_string().contains("npm: locked"), "{control}");
    let out = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["scan", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(scan["summary"]["ignored"]["tracked_despite_ignore"], 1);
    assert_eq!(scan["summary"]["ignored"]["ignored"], 1);
}
