//! Security policy: SECURITY.md, secret scanning, static analysis, licence.

use super::super::ci::{self, Ci, Detector};
use super::super::facts::{dir_of, file_name, is_production, Facts};
use super::super::outcome::{out, Outcome};
use super::super::{Evidence, State};
use super::ci_control;

pub(crate) fn security_policy(facts: &Facts<'_>) -> Outcome {
    let found = facts.inventory.iter().find(|e| {
        let (dir, name) = (dir_of(&e.path), file_name(&e.path).to_ascii_lowercase());
        matches!(dir, "" | ".github" | "docs")
            && (name == "security.md"
                || name == "security.rst"
                || name == "security.txt"
                || name == "security")
    });
    let Some(entry) = found else {
        // A README or contributing guide may state the policy: reporters have a
        // channel, but GitHub's Security tab and Scorecard look only for SECURITY.md.
        if let Some((path, line)) = facts.model.reporting_channel_in_docs() {
            return out(
                State::Partial,
                vec![Evidence::new(path, line, "reporting channel")],
                "reporting channel stated outside SECURITY.md: move it there so GitHub shows it",
            );
        }
        return out(State::Missing, Vec::new(), "no SECURITY.md");
    };
    // The walk reads a policy and reduces it (`model::docs`): a file it could not
    // read (too large, binary, not UTF-8, or with no document extension) has none.
    let Some(policy) = facts
        .docs
        .iter()
        .find(|d| d.path == entry.path)
        .and_then(|d| d.security.as_ref())
    else {
        return out(
            State::Partial,
            vec![Evidence::new(&entry.path, 1, "could not be read")],
            "SECURITY.md present but unreadable",
        );
    };
    if let Some((n, shown)) = &policy.placeholder {
        return out(
            State::Partial,
            vec![Evidence::new(
                &entry.path,
                *n,
                format!("placeholder: {shown}"),
            )],
            "SECURITY.md is a scaffold with a placeholder",
        );
    }
    match policy.channel {
        Some(n) => out(
            State::Done,
            vec![Evidence::new(&entry.path, n, "reporting channel")],
            "SECURITY.md with a reporting channel",
        ),
        None => out(
            State::Partial,
            vec![Evidence::new(
                &entry.path,
                1,
                "no contact or reporting channel",
            )],
            "SECURITY.md without a way to report",
        ),
    }
}

pub(crate) fn secret_scanning(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "gitleaks/gitleaks-action",
            "zricethezav/gitleaks-action",
            "trufflesecurity/trufflehog",
            "gitguardian/ggshield-action",
            "gitguardian/ggshield/",
            "edplato/trufflehog-actions-scan",
        ],
        run: &ci::SECRET_RE,
        input: Some(secret_input),
        reject: Some(ci::installs_only),
    };
    let mut o = ci_control(
        facts,
        ci,
        &D,
        &[
            "gitleaks",
            "trufflehog",
            "detect-secrets",
            "ggshield",
            "talisman",
            "secretlint",
        ],
        "secret scanning",
    );
    if o.state == State::Missing {
        for cfg in [
            ".gitleaks.toml",
            ".secrets.baseline",
            ".trufflehog.yml",
            ".gitguardian.yaml",
        ] {
            if facts.has(cfg) {
                o = out(
                    State::Partial,
                    vec![Evidence::new(
                        cfg,
                        1,
                        "scanner configuration, not run in CI",
                    )],
                    "secret scanner configured but not run in CI",
                );
                break;
            }
        }
    }
    o
}

fn secret_input(action: &str, s: &ci::Step) -> bool {
    action.starts_with("aquasecurity/trivy-action")
        && s.input("scanners").is_some_and(|v| v.contains("secret"))
}

pub(crate) fn sast(facts: &Facts<'_>, ci: &Ci) -> Outcome {
    static D: Detector = Detector {
        uses: &[
            "github/codeql-action/analyze",
            "github/codeql-action/init",
            "returntocorp/semgrep-action",
            "semgrep/semgrep-action",
            "securego/gosec",
            "sonarsource/sonarcloud-github-action",
            "sonarsource/sonarqube-scan-action",
            "pycqa/bandit-action",
            "pycqa/bandit",
            "shundor/python-bandit-scan",
            "jpetrucciani/bandit-check",
            "appthreat/sast-scan-action",
            "shiftleftsecurity/scan-action",
            "microsoft/security-devops-action",
            "checkmarx/",
            "mobsf/mobsfscan",
        ],
        run: &ci::SAST_RE,
        input: None,
        reject: Some(ci::installs_only),
    };
    let o = ci_control(
        facts,
        ci,
        &D,
        &["bandit", "semgrep", "gosec"],
        "static analysis",
    );
    super::supply_chain::shipped_control(
        facts,
        ci,
        o,
        super::supply_chain::Ships::Anything,
        "static analysis",
    )
}

pub(crate) fn license(facts: &Facts<'_>) -> Outcome {
    let is_license = |name: &str| {
        let up = name.to_ascii_uppercase();
        up.starts_with("LICENSE")
            || up.starts_with("LICENCE")
            || up.starts_with("COPYING")
            || up == "UNLICENSE"
    };
    if let Some(e) = facts
        .inventory
        .iter()
        .find(|e| !e.path.contains('/') && is_license(&e.path))
    {
        return out(
            State::Done,
            vec![Evidence::new(&e.path, 1, "licence text")],
            format!("{} at the root", e.path),
        );
    }
    // The walk kept the first licence line of each manifest that declares one.
    for m in &facts.manifests {
        if let Some((n, shown)) = &m.license {
            return out(
                State::Partial,
                vec![Evidence::new(&m.path, *n, shown.clone())],
                "licence declared in a manifest, no LICENSE file",
            );
        }
    }
    if let Some(e) = facts
        .inventory
        .iter()
        .find(|e| is_license(file_name(&e.path)) && is_production(&e.path))
    {
        return out(
            State::Partial,
            vec![Evidence::new(&e.path, 1, "licence only in a subdirectory")],
            "no LICENSE at the root",
        );
    }
    out(State::Missing, Vec::new(), "no LICENSE file")
}
