//! `repo/missing-security-policy`: no SECURITY.md telling people how to report a vulnerability.

use crate::finding::{Edit, Fix, Severity};
use crate::rules::{RepoCx, RepoSink, Rule, RuleMeta};

/// See [`META`].
pub struct MissingSecurityPolicy;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "repo/missing-security-policy",
    summary:
        "no SECURITY.md (at the root, in .github/ or docs/) saying how to report a vulnerability",
    severity: Severity::Low,
    docs: r#"
## Why
Without a security policy, the person who finds a vulnerability in your service
opens a public issue, posts on social media, or gives up. GitHub shows
`SECURITY.md` (at the root, in `.github/` or in `docs/`) on the repository's
Security tab and links it from the new-issue page; OpenSSF Scorecard's
`Security-Policy` check looks for the same file. A Kubernetes project's
`SECURITY_CONTACTS`, which sends reporters to the organization's process, counts too.

A README or contributing guide (at the root, in `.github/` or `docs/`), or the
security section of a documentation page (a docs site's "Reporting a Security Issue",
Markdown or MDX), whose prose sends vulnerability reporters to a private channel ("report any security bug via our
HackerOne page", "email security@… to disclose a vulnerability") is a policy too:
reporters know where to go, so there is no finding; `harden status` keeps the
`security-policy` control at *partial* with that line, because GitHub's Security tab
and Scorecard read only `SECURITY.md`. A public issue tracker is not such a channel.

## Example
A repository with a README, code and CI, and no `SECURITY.md` anywhere.

## Fix
The finding is about the repository as a whole: it has no line (JSON `path: "."`,
a "repository" section in the terminal and HTML reports, SARIF's no-file location).
`harden fix` writes a `SECURITY.md` scaffold: supported versions (from the latest
version in `CHANGELOG.md`, `pyproject.toml`, `package.json` or `Cargo.toml` when
found), how to report (GitHub private vulnerability reporting), what to expect
and when. It never invents a contact address: the contact line is a clearly
marked placeholder, and `harden status` keeps the `security-policy` control at
*partial* until a person fills it in.
"#,
};

/// The marker `harden status` looks for to tell a scaffold from a real policy.
pub const CONTACT_PLACEHOLDER: &str = "REPLACE-WITH-SECURITY-CONTACT";

/// Where a policy is found. `SECURITY_CONTACTS` is the Kubernetes projects' file: it
/// names the security contacts and sends reporters to the organization's private
/// process (<https://kubernetes.io/security/>).
const LOCATIONS: &[&str] = &[
    "SECURITY.md",
    ".github/SECURITY.md",
    "docs/SECURITY.md",
    "SECURITY_CONTACTS",
];

impl Rule for MissingSecurityPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let has_policy = repo.inventory.iter().any(|e| {
            let lower = e.path.to_ascii_lowercase();
            LOCATIONS.iter().any(|l| {
                let l = l.to_ascii_lowercase();
                lower == l || lower == l.replace(".md", ".rst") || lower == l.replace(".md", ".txt")
            })
        });
        // Nothing to protect in an empty directory; and a README or contributing
        // guide that already sends reporters to a private channel has a policy,
        // only not where GitHub shows it (`harden status` says so).
        if has_policy
            || repo.inventory.is_empty()
            || repo.model.reporting_channel_in_docs().is_some()
        {
            return;
        }
        let version = latest_version(repo);
        let f = out.report_repository(
            "no security policy: reporters have no private channel; add SECURITY.md",
        );
        f.fix = Some(
            Fix::safe(
                "Create a SECURITY.md scaffold (fill in the contact)",
                vec![Edit {
                    range: 0..0,
                    replacement: scaffold(version.as_deref()),
                }],
            )
            .in_file("SECURITY.md"),
        );
    }
}

/// The latest released version the repository states, if any.
fn latest_version(repo: &RepoCx<'_>) -> Option<String> {
    let read = |p: &str| -> Option<String> {
        if !repo.inventory.iter().any(|e| e.path == p) {
            return None;
        }
        let text = repo.read_text(p)?;
        (text.len() < 2_000_000).then_some(text)
    };
    if let Some(text) = read("CHANGELOG.md") {
        for line in text.lines().filter(|l| l.starts_with("## ")) {
            let v: String = line
                .trim_start_matches('#')
                .trim()
                .trim_start_matches('[')
                .trim_start_matches('v')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            if v.chars().next().is_some_and(|c| c.is_ascii_digit()) && v.contains('.') {
                return Some(v);
            }
        }
    }
    for (file, key) in [("pyproject.toml", "version"), ("Cargo.toml", "version")] {
        if let Some(text) = read(file) {
            if let Ok(table) = text.parse::<toml::Table>() {
                let v = table
                    .get("project")
                    .or_else(|| table.get("package"))
                    .or_else(|| table.get("tool").and_then(|t| t.get("poetry")))
                    .and_then(|t| t.get(key))
                    .and_then(|v| v.as_str());
                if let Some(v) = v {
                    return Some(v.to_string());
                }
            }
        }
    }
    if let Some(text) = read("package.json") {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            if let Some(s) = v.get("version").and_then(|x| x.as_str()) {
                return Some(s.to_string());
            }
        }
    }
    None
}

fn scaffold(version: Option<&str>) -> String {
    let supported = match version.and_then(|v| {
        let mut parts = v.split('.');
        Some((parts.next()?.to_string(), parts.next()?.to_string()))
    }) {
        Some((major, minor)) => format!(
            "| Version | Supported |\n| ------- | --------- |\n| {major}.{minor}.x | yes |\n| < {major}.{minor} | no |\n"
        ),
        None => "| Version | Supported |\n| ------- | --------- |\n| latest release | yes |\n| older releases | no |\n".to_string(),
    };
    format!(
        "# Security policy\n\n\
## Supported versions\n\n\
Security fixes are made for:\n\n\
{supported}\n\
## Reporting a vulnerability\n\n\
Please do not open a public issue. Report privately through GitHub
(Security tab → \"Report a vulnerability\"), or by email to
{CONTACT_PLACEHOLDER} <!-- harden: a person must fill this in -->.\n\n\
Include what you found, how to reproduce it, and the impact you expect.\n\n\
## What to expect\n\n\
- an acknowledgement within 3 working days;\n\
- an assessment and a planned fix date within 10 working days;\n\
- credit in the release notes, unless you prefer otherwise.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaffold_marks_the_contact_and_versions() {
        let s = scaffold(Some("2.3.1"));
        assert!(s.contains("| 2.3.x | yes |"));
        assert!(s.contains(CONTACT_PLACEHOLDER));
        assert!(!s.contains('@'), "never invent an address");
        assert!(scaffold(None).contains("latest release"));
    }
}
