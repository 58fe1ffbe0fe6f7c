//! `repo/no-dependency-updates`: neither Dependabot nor Renovate is configured.

use std::sync::Mutex;

use crate::ecosystems;
use crate::finding::{Edit, Fix, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::yaml::YamlFile;
use crate::rules::repo::dependabot::{
    file_start, has_renovate_file, package_json_has_renovate, EmptyManifests,
};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct NoDependencyUpdates {
    renovate_in_package_json: Mutex<bool>,
    empty: EmptyManifests,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "repo/no-dependency-updates",
    summary:
        "No Dependabot or Renovate configuration: dependencies are never updated automatically",
    severity: Severity::Medium,
    docs: r#"
## Why
Without an update bot, dependencies move only when someone remembers. Known
vulnerabilities stay in the lockfile for months, base images keep their
unpatched OS packages, pinned actions never get their fixes, and when an
upgrade is finally forced it spans years of changes at once. Every hardening
checklist (OpenSSF Scorecard "Dependency-Update-Tool", SLSA, the GitHub
security baseline) asks for Dependabot or Renovate.

The rule reports once per repository, at `.github/dependabot.yml` (the file
that should hold the fix), listing the ecosystems found. It stays silent when
`.github/dependabot.yml` exists or Renovate is configured (`renovate.json`,
`renovate.json5`, `.renovaterc(.json)`, `.github/renovate.json`, or a
`renovate` key in package.json), and when the repository has no package
manifest, Dockerfile or workflow at all.

## Example
A repository with `requirements.txt`, `Dockerfile` and
`.github/workflows/ci.yml`, and no `.github/dependabot.yml`.

## Fix
Add `.github/dependabot.yml` with one entry per ecosystem and directory:
```yaml
version: 2
updates:
  - package-ecosystem: pip
    directory: /
    schedule: { interval: weekly }
  - package-ecosystem: docker
    directory: /
    schedule: { interval: weekly }
  - package-ecosystem: github-actions
    directory: /
    schedule: { interval: weekly }
```
`harden fix` writes this file from the ecosystems it detects. The finding is about the
repository as a whole (no line to point at): the manifests that prove the gap are its
related locations.
"#,
};

impl Rule for NoDependencyUpdates {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note_dockerfile(df, cx);
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note_action(yaml, cx);
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note_compose(yaml, cx);
    }

    fn check_manifest(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note(cx);
        if cx.file.path == "package.json" && package_json_has_renovate(&cx.file.text) {
            if let Ok(mut r) = self.renovate_in_package_json.lock() {
                *r = true;
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        if repo.exists(".github/dependabot.yml")
            || repo.exists(".github/dependabot.yaml")
            || has_renovate_file(repo)
            || self.renovate_in_package_json.lock().is_ok_and(|r| *r)
        {
            return;
        }
        let inventory = self.empty.filter(repo);
        let found = ecosystems::detect(&inventory);
        if found.is_empty() {
            return;
        }
        let config = crate::edits::dependabot::generate(repo.root, &inventory, &found);
        let mut names: Vec<String> = found
            .iter()
            .map(|d| {
                if d.dir == "/" {
                    d.ecosystem.as_str().to_string()
                } else {
                    format!("{} in {}", d.ecosystem.as_str(), d.dir)
                }
            })
            .collect();
        names.dedup();
        let shown = if names.len() > 6 {
            format!("{} and {} more", names[..6].join(", "), names.len() - 6)
        } else {
            names.join(", ")
        };
        let f = out.report_repository(format!(
            "no Dependabot or Renovate configuration: {shown} dependencies are never updated automatically; add .github/dependabot.yml"
        ));
        for d in found.iter().take(10) {
            f.related.push(file_start(&d.evidence, "manifest found"));
        }
        f.severity = Severity::Medium;
        f.fix = Some(
            Fix::safe(
                "Create .github/dependabot.yml for the ecosystems found",
                vec![Edit {
                    range: 0..0,
                    replacement: config,
                }],
            )
            .in_file(".github/dependabot.yml"),
        );
    }
}
