//! `actions/unpinned-images`: job containers, service containers and `docker://`
//! steps on an image without a tag, or on `:latest`.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct UnpinnedImages;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/unpinned-images",
    summary:
        "Job `container:`, `services:` or `docker://` step image without a tag or on `:latest`",
    severity: Severity::Medium,
    docs: r#"
## Why
A job's `container:` runs every step inside that image, and `services:`
containers sit on the job's network; `uses: docker://image` runs the image as
the step. Without a tag (which means `latest`) or with `:latest`, the job runs
whatever the registry serves today: a different image on every run, chosen by
whoever can push to that repository, with the job's token and secrets in
reach. The same commit can pass today and fail (or worse) tomorrow.

Reported at medium, like `compose/latest-image` and `k8s/latest-image`, for
the job container and step images (the steps run inside them, with the job's
token and secrets); at low for `services:` containers, which run beside the
steps (a database for the tests): a moving tag there makes runs irreproducible
rather than handing the job to the image's publisher. An
image chosen by an expression is followed to its possible values: a
`${{ matrix.image }}` whose matrix rows name an untagged image is reported at
that row (with the `image:` line related), and `a && 'redis:7' || ''` is
checked literal by literal; an image that comes from an input or a variable
cannot be judged and is left alone. A tag without a digest is not reported
here (`docker://image:tag` is `actions/unpinned-uses`' business).

zizmor's `unpinned-images` reports the same untagged and `:latest` images
(high); it also reports images from inputs and variables, which harden leaves
out because nothing in the file says they are unpinned.

## Example
```yaml
jobs:
  test:
    container: python            # untagged: latest
    services:
      db:
        image: postgres:latest
```

## Fix
Pin a version, ideally with its digest (Dependabot's `docker` ecosystem does
not update workflow images, so record the digest in a comment):
```yaml
    container: python:3.12-slim@sha256:…
```
"#,
};

/// The tag of an image reference (`None` without one) and whether it has a digest.
pub fn image_tag(image: &str) -> (Option<&str>, bool) {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let tag = name[last_slash..].rsplit_once(':').map(|(_, t)| t);
    (tag, digest)
}

/// Why an image is unpinned, if it is.
fn unpinned(image: &str) -> Option<&'static str> {
    let image = image.trim();
    if image.is_empty() || image.contains("${{") {
        return None;
    }
    match image_tag(image) {
        (_, true) => None,
        (None, false) => Some("has no tag, so it runs whatever `latest` is today"),
        (Some("latest"), false) => Some("follows `latest`, so it changes under the workflow"),
        _ => None,
    }
}

/// Checks one image value; `what` names it ("the job container").
fn check_image(
    node: &YamlNode,
    job: Option<&YamlNode>,
    what: &str,
    severity: Severity,
    cx: &FileCx<'_>,
    out: &mut Sink<'_>,
) {
    let Some(scalar) = node.as_scalar() else {
        return;
    };
    let text = scalar.as_str();
    let exprs = wf::expressions(&scalar.mapped);
    if exprs.is_empty() {
        if let Some(why) = unpinned(text) {
            out.report(
                node.span.clone(),
                format!("{what} `{}` {why}; pin a version and digest", text.trim()),
            )
            .severity = severity;
        }
        return;
    }
    // One whole expression: follow it to its possible values.
    if exprs.len() != 1 || exprs[0].span != (0..text.len()) {
        return;
    }
    let Some(parsed) = exprs[0].parsed() else {
        return;
    };
    if let Some(lits) = parsed.result_literals() {
        for lit in lits {
            if let Some(why) = unpinned(&lit) {
                out.report(
                    node.span.clone(),
                    format!("{what} can be `{lit}`, which {why}; pin a version and digest"),
                )
                .severity = severity;
                return;
            }
        }
        return;
    }
    let Some(path) = parsed.context_path() else {
        return;
    };
    let Some(key) = path.strip_prefix("matrix.") else {
        return;
    };
    let Some(matrix) = job.and_then(|j| j.at(&["strategy", "matrix"])) else {
        return;
    };
    for value in matrix_values(matrix, key) {
        let Some(v) = value.as_str() else { continue };
        if let Some(why) = unpinned(v) {
            let related = cx.locate(
                node.span.clone(),
                format!("{what} comes from `matrix.{key}`"),
            );
            let f = out.report(
                value.span.clone(),
                format!(
                    "matrix value `{}` is used as {what} and {why}; pin a version and digest",
                    v.trim()
                ),
            );
            f.related.push(related);
            f.severity = severity;
        }
    }
}

/// Scalars a matrix key takes: its list under `matrix:` and its `include:` rows.
fn matrix_values<'a>(matrix: &'a YamlNode, key: &str) -> Vec<&'a YamlNode> {
    let mut out = Vec::new();
    for p in matrix.as_map().unwrap_or(&[]) {
        if p.key.eq_ignore_ascii_case(key) {
            match p.value.as_seq() {
                Some(items) => out.extend(items.iter()),
                None => out.push(&p.value),
            }
        } else if p.key == "include" {
            for row in p.value.as_seq().unwrap_or(&[]) {
                for cell in row.as_map().unwrap_or(&[]) {
                    if cell.key.eq_ignore_ascii_case(key) {
                        out.push(&cell.value);
                    }
                }
            }
        }
    }
    out
}

fn check_steps<'a>(steps: impl Iterator<Item = &'a YamlNode>, out: &mut Sink<'_>) {
    for step in steps {
        let Some(uses) = step.get("uses") else {
            continue;
        };
        let Some(image) = uses
            .as_str()
            .and_then(|u| u.trim().strip_prefix("docker://"))
        else {
            continue;
        };
        if let Some(why) = unpinned(image) {
            out.report(
                uses.span.clone(),
                format!("step image `{image}` {why}; pin a version and digest"),
            );
        }
    }
}

impl Rule for UnpinnedImages {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                let j = &job.value;
                if let Some(c) = j.get("container") {
                    let image = c.get("image").unwrap_or(c);
                    check_image(
                        image,
                        Some(j),
                        "the job container",
                        Severity::Medium,
                        cx,
                        out,
                    );
                }
                for svc in j.get("services").and_then(|s| s.as_map()).unwrap_or(&[]) {
                    let image = svc.value.get("image").unwrap_or(&svc.value);
                    // A service container runs beside the steps, not them: no step
                    // code, token or secret is inside it unless passed in.
                    check_image(
                        image,
                        Some(j),
                        &format!("service `{}`", svc.key),
                        Severity::Low,
                        cx,
                        out,
                    );
                }
                check_steps(wf::steps(j).into_iter(), out);
            }
        }
    }

    fn check_action(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check_steps(wf::action_steps(root).into_iter(), out);
            if root.at(&["runs", "using"]).and_then(|u| u.as_str()) == Some("docker") {
                if let Some(image) = root.at(&["runs", "image"]) {
                    if let Some(i) = image.as_str().and_then(|s| s.strip_prefix("docker://")) {
                        if let Some(why) = unpinned(i) {
                            out.report(
                                image.span.clone(),
                                format!("the action's image `{i}` {why}; pin a version and digest"),
                            );
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_digests() {
        assert_eq!(image_tag("ubuntu"), (None, false));
        assert_eq!(image_tag("ubuntu:22.04"), (Some("22.04"), false));
        assert_eq!(image_tag("localhost:5000/app"), (None, false));
        assert_eq!(image_tag("localhost:5000/app:1"), (Some("1"), false));
        assert_eq!(image_tag("ghcr.io/a/b@sha256:00"), (None, true));
        assert!(unpinned("redis").is_some());
        assert!(unpinned("redis:latest").is_some());
        assert!(unpinned("redis:7").is_none());
        assert!(unpinned("").is_none());
    }
}
