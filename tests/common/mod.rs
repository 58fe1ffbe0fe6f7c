//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use harden::config::Config;
use harden::engine::{self, ScanOptions, ScanReport};
use harden::rules::Rule;

/// The directory holding test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Scans `root` with the given rules and default config.
pub fn scan_with(root: &Path, rules: &[Box<dyn Rule>]) -> ScanReport {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: Config::default(),
        threads: 2,
    };
    engine::scan_with(&opts, rules)
}

/// Scans `root` with the given rules and its own harden.toml (defaults when absent).
pub fn scan_with_own_config(root: &Path, rules: &[Box<dyn Rule>]) -> ScanReport {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: Config::load(root, None).expect("fixture config loads"),
        threads: 2,
    };
    engine::scan_with(&opts, rules)
}

/// Scans `root` with every rule and its own harden.toml.
pub fn scan_all(root: &Path) -> ScanReport {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: Config::load(root, None).expect("fixture config loads"),
        threads: 2,
    };
    engine::scan(&opts)
}

/// One line per finding, stable for snapshots.
pub fn render_findings(report: &ScanReport) -> String {
    let mut s = String::new();
    for f in &report.findings {
        s.push_str(&format!(
            "{}:{}:{} {} {} {}\n",
            f.path, f.region.start.line, f.region.start.column, f.severity, f.rule, f.message
        ));
        for r in &f.related {
            s.push_str(&format!(
                "    also {}:{} {}\n",
                r.path, r.region.start.line, r.message
            ));
        }
    }
    s
}
