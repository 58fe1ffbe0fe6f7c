//! `harden fix --add-workflow security`: a security workflow with only the parts the
//! repository lacks (dependency review, Trivy filesystem scan uploaded as SARIF, an
//! SBOM, gitleaks), every action pinned to a commit from the bundled pin table,
//! least-privilege permissions per job.

use std::path::Path;

use crate::actions_pins::PinTable;
use crate::classify::FileKind;
use crate::classify::InventoryEntry;

/// Where the generated workflow goes.
pub const WORKFLOW_PATH: &str = ".github/workflows/security.yml";

/// A part of the security workflow and the strings that show a repository already has it.
struct Part {
    name: &'static str,
    markers: &'static [&'static str],
}

const PARTS: &[Part] = &[
    Part {
        name: "dependency-review",
        markers: &["dependency-review-action"],
    },
    Part {
        name: "trivy",
        markers: &["trivy"],
    },
    Part {
        name: "sbom",
        markers: &["sbom-action", "syft", "cyclonedx", "trivy sbom", "spdx"],
    },
    Part {
        name: "gitleaks",
        markers: &["gitleaks", "trufflehog", "detect-secrets"],
    },
];

fn uses(pins: &PinTable, action: &str) -> Option<String> {
    let tag = pins.latest(action)?;
    let (sha, comment) = pins.pin_with_comment(action, tag)?;
    Some(format!("{action}@{sha} # {comment}"))
}

/// Which parts the repository's workflows already have.
pub fn existing_parts(root: &Path, inventory: &[InventoryEntry]) -> Vec<&'static str> {
    let mut text = String::new();
    for e in inventory
        .iter()
        .filter(|e| matches!(e.kind, Some(FileKind::Workflow | FileKind::Action)))
    {
        if let Ok(t) = crate::files::read_repo_file(root, &e.path) {
            // Commented-out steps do not count.
            for line in t.lines().filter(|l| !l.trim_start().starts_with('#')) {
                text.push_str(&line.to_ascii_lowercase());
                text.push('\n');
            }
        }
    }
    PARTS
        .iter()
        .filter(|p| p.markers.iter().any(|m| text.contains(m)))
        .map(|p| p.name)
        .collect()
}

/// The workflow text, or `None` when the repository already has every part.
pub fn security_workflow(
    root: &Path,
    inventory: &[InventoryEntry],
    pins: &PinTable,
) -> Option<String> {
    let have = existing_parts(root, inventory);
    let missing: Vec<&str> = PARTS
        .iter()
        .map(|p| p.name)
        .filter(|n| !have.contains(n))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let checkout = uses(pins, "actions/checkout")?;
    let mut y = format!(
        "# Written by `harden fix --add-workflow security`: {}.\n\
         # Every action is pinned to a commit; Dependabot (github-actions) keeps the pins fresh.\n\
         name: security\n\
         on:\n  push:\n    branches: [main, master]\n  pull_request:\n  schedule:\n    - cron: \"17 4 * * 1\"\n\
         permissions:\n  contents: read\n\
         jobs:\n",
        missing.join(", ")
    );
    for part in &missing {
        match *part {
            "dependency-review" => {
                let review = uses(pins, "actions/dependency-review-action")?;
                y.push_str(&format!(
                    "  dependency-review:\n    if: github.event_name == 'pull_request'\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pull-requests: write\n    steps:\n      - uses: {checkout}\n        with:\n          persist-credentials: false\n      - uses: {review}\n        with:\n          fail-on-severity: high\n          comment-summary-in-pr: on-failure\n"
                ));
            }
            "trivy" => {
                let trivy = uses(pins, "aquasecurity/trivy-action")?;
                let upload = uses(pins, "github/codeql-action/upload-sarif")?;
                y.push_str(&format!(
                    "  trivy:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      security-events: write\n    steps:\n      - uses: {checkout}\n        with:\n          persist-credentials: false\n      - name: Scan dependencies and configuration\n        uses: {trivy}\n        with:\n          scan-type: fs\n          scanners: vuln,misconfig,secret\n          format: sarif\n          output: trivy.sarif\n          severity: CRITICAL,HIGH\n      - name: Upload to code scanning\n        if: always()\n        uses: {upload}\n        with:\n          sarif_file: trivy.sarif\n          category: trivy\n"
                ));
            }
            "sbom" => {
                let sbom = uses(pins, "anchore/sbom-action")?;
                y.push_str(&format!(
                    "  sbom:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - uses: {checkout}\n        with:\n          persist-credentials: false\n      - name: Generate a CycloneDX SBOM\n        uses: {sbom}\n        with:\n          path: .\n          format: cyclonedx-json\n          artifact-name: sbom.cdx.json\n"
                ));
            }
            "gitleaks" => {
                let gitleaks = uses(pins, "gitleaks/gitleaks-action")?;
                y.push_str(&format!(
                    "  gitleaks:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - uses: {checkout}\n        with:\n          fetch-depth: 0\n          persist-credentials: false\n      - uses: {gitleaks}\n        env:\n          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}\n"
                ));
            }
            _ => {}
        }
    }
    Some(y)
}
