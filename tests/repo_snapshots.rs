//! Whole-repository fixtures under `tests/fixtures/repos/`: the real binary's
//! `scan --format json` output, snapshotted. Only what varies between machines
//! would be normalised; today nothing does (paths are relative to the root).

mod common;

use assert_cmd::Command;

fn scan_json(name: &str) -> serde_json::Value {
    let root = common::standalone(&common::fixtures().join("repos").join(name));
    let out = Command::cargo_bin("harden")
        .expect("binary is built")
        .args(["scan", "--format", "json"])
        .arg(root.path())
        .output()
        .expect("harden runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn data_collector() {
    let report = scan_json("data-collector");
    // The shared credential never appears in the output, redacted or not.
    let text = report.to_string();
    assert!(
        !text.contains("Tr0ub4dor"),
        "a secret leaked into the output"
    );
    insta::assert_json_snapshot!("data-collector", report);
}
