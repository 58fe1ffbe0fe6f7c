//! What a GitHub Actions workflow or composite action runs that comes from
//! elsewhere: the actions and reusable workflows its `uses:` name (`pkg:github`
//! components at the ref written, the commit when pinned, with the tag a pin's
//! comment names), and the images of `docker://` steps, job `container:` and
//! `services:` (container components).
//!
//! The workflow is read with the same YAML parser and `uses:` reading as the
//! `actions/` rules ([`crate::workflows::wf`]). Actions of this repository
//! (`./…`) are its own code, not dependencies; a `uses:` built from an expression
//! names nothing fixed and is left out.

use super::containers;
use super::model::{Ecosystem, Lockfile, Package};
use crate::parse::yaml::{self, YamlNode};
use crate::workflows::wf::{self as workflow, UsesRef};

/// Parses a workflow (`action == false`) or an `action.yml`.
pub fn parse(path: &str, text: &str, action: bool) -> Result<Lockfile, String> {
    let format = if action { "action.yml" } else { "workflow" };
    let mut lf = Lockfile::new(path, format, Ecosystem::GitHubActions);
    let y = yaml::parse(text);
    if let Some(err) = &y.error {
        return Err(format!("YAML syntax error at byte {}", err.start));
    }
    for root in workflow::roots(&y) {
        for node in workflow::all_uses(root) {
            if let Some(p) = uses_package(text, node) {
                lf.packages.push(p);
            }
        }
        for job in workflow::jobs(root) {
            for image in job_images(&job.value) {
                if let Some(p) = containers::image_package(image, image.as_str(), &|_| None) {
                    lf.packages.push(p);
                }
            }
        }
    }
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    Ok(lf)
}

/// The component a `uses:` value names, if any.
fn uses_package(text: &str, node: &YamlNode) -> Option<Package> {
    let value = node.as_str()?;
    if value.contains("${{") {
        return None;
    }
    match workflow::parse_uses(value) {
        UsesRef::Local => None,
        UsesRef::Docker { .. } => {
            let image = value.trim().strip_prefix("docker://")?;
            containers::image_package(node, Some(image), &|_| None)
        }
        UsesRef::Repo { action, git_ref } => {
            let mut parts = action.splitn(3, '/');
            let (owner, repo) = (parts.next()?, parts.next()?);
            if owner.is_empty() || repo.is_empty() || git_ref.is_empty() {
                return None;
            }
            let mut p = Package::new(
                Ecosystem::GitHubActions,
                &action,
                &git_ref,
                node.span.clone(),
            );
            if workflow::is_full_sha(&git_ref) {
                if let Some(tag) = workflow::trailing_comment(text, node.span.end)
                    .and_then(|(comment, _)| version_in_comment(comment))
                {
                    p.properties.push(("harden:tag", tag.to_string()));
                }
            }
            Some(p)
        }
    }
}

/// Images a job runs in or beside: `container:` (a string or `image:`) and
/// each `services.<id>.image`.
fn job_images(job: &YamlNode) -> Vec<&YamlNode> {
    let mut out = Vec::new();
    if let Some(c) = job.get("container") {
        match c.as_str() {
            Some(_) => out.push(c),
            None => out.extend(c.get("image")),
        }
    }
    for svc in job.get("services").and_then(|s| s.as_map()).unwrap_or(&[]) {
        out.extend(svc.value.get("image"));
    }
    out
}

/// The version a pin's comment names: `# v4.1.7`, `# tag=v4.1.7`, `# pin@v4`,
/// `# 4.1.7`, `# v4.1.7 (2024-06-11)`.
pub fn version_in_comment(comment: &str) -> Option<&str> {
    comment
        .split(|c: char| c.is_whitespace() || matches!(c, '=' | '@' | ',' | '(' | ')'))
        .find(|w| {
            let digits = w.strip_prefix(['v', 'V']).unwrap_or(w);
            digits.starts_with(|c: char| c.is_ascii_digit())
                && digits
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKFLOW: &str = r#"name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    container:
      image: python:3.12-slim
    services:
      db:
        image: postgres:16.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    steps:
      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
      - uses: actions/setup-python@v5
      - uses: ./.github/actions/setup
      - uses: github/codeql-action/upload-sarif@v3
      - uses: docker://rhysd/actionlint:1.7.12
      - uses: ${{ matrix.action }}
  call:
    uses: octo-org/shared/.github/workflows/deploy.yml@v2
"#;

    #[test]
    fn actions_images_and_reusable_workflows() {
        let lf = parse(".github/workflows/ci.yml", WORKFLOW, false).unwrap();
        let got: Vec<String> = lf
            .packages
            .iter()
            .map(|p| format!("{} {}", super::super::purl::purl(p), p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                "pkg:github/actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 12",
                "pkg:github/actions/setup-python@v5 13",
                "pkg:github/github/codeql-action@v3#upload-sarif 15",
                "pkg:docker/rhysd/actionlint@1.7.12 16",
                "pkg:github/octo-org/shared@v2#.github/workflows/deploy.yml 19",
                "pkg:docker/python@3.12-slim 7",
                "pkg:oci/postgres@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?repository_url=docker.io/library/postgres&tag=16.3 10",
            ]
        );
        let checkout = &lf.packages[0];
        assert_eq!(
            checkout.properties,
            vec![("harden:tag", "v4.1.7".to_string())]
        );
        assert_eq!(lf.direct.as_ref().map(Vec::len), Some(lf.packages.len()));
    }

    #[test]
    fn composite_action_steps() {
        let text = "name: setup\nruns:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n    - run: echo hi\n      shell: bash\n";
        let lf = parse(".github/actions/setup/action.yml", text, true).unwrap();
        assert_eq!(lf.packages.len(), 1);
        assert_eq!(lf.packages[0].name, "actions/cache");
        assert_eq!(lf.packages[0].line, 5);
    }

    #[test]
    fn broken_yaml_is_an_error() {
        assert!(parse("w.yml", "jobs: [unclosed\n", false).is_err());
    }

    #[test]
    fn comment_versions() {
        assert_eq!(version_in_comment("v4.1.7"), Some("v4.1.7"));
        assert_eq!(version_in_comment("tag=v4.1.7"), Some("v4.1.7"));
        assert_eq!(version_in_comment("pin@v4"), Some("v4"));
        assert_eq!(version_in_comment("4.1.7 (2024-06-11)"), Some("4.1.7"));
        assert_eq!(version_in_comment("latest main"), None);
        assert_eq!(version_in_comment(""), None);
    }
}
