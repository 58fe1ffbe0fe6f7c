//! `compose/latest-image`: a service image that is untagged or `:latest`.

use crate::finding::Finding;
use crate::finding::Severity;
use crate::parse::yaml::YamlFile;
use crate::rules::compose::{image_tag, is_dev_compose, not_production, services, ImageTag};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct LatestImage;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/latest-image",
    summary: "Compose service image without a version tag, or tagged `latest`",
    severity: Severity::Medium,
    docs: r#"
## Why
`image: redis` and `image: postgres:latest` mean "whatever was pushed last". The next
`docker compose pull` on a new host brings a new major version (PostgreSQL 15 → 16 refuses to
start on the old data directory), rollbacks are impossible because nobody knows what ran, and
two hosts run different code under the same file.

Reported: `image:` with no tag, `:latest`, a moving tag (`latest-pg16`, `stable`,
`nightly`, `edge`, `main`), or a variable tag whose default is `latest`
(`app:${TAG:-latest}`). Fine: a version tag, a digest (`@sha256:…`), a tag that is a
required variable (`app:${TAG}`, `app:${TAG:?}`: the deploy pipeline pins it), an image that
is entirely a variable (`${IMAGE}`), and services that have `build:` (the image name is the
local build's name, not a pull). The project's own image (one a workflow or a
`docker build -t` of the repository publishes from its Dockerfile, or one named after
the repository itself, `ghcr.io/acme/app` in github.com/acme/app) is reported at low:
its `latest` or `stable` tag is the channel the project's releases are pushed to, and
the install compose that follows it (`docker compose pull` to update) is how the
project ships them; pinning a release there is hygiene, not a release item (reviewers
split between medium and "policy, not a defect" on the corpus). Development files (`docker-compose.dev.yml`, overrides,
examples) are reported at low. An image several services take from one YAML anchor
(`<<: *common`) is one finding, on the anchor's line, saying how many services share it.

## Example
```yaml
services:
  redis:
    image: redis
  prometheus:
    image: prom/prometheus:latest
```

## Fix
Pin a version (`redis:7.2.4-alpine`), ideally with its digest
(`redis:7.2.4-alpine@sha256:…`) and let Dependabot or Renovate (`docker-compose` manager)
propose updates.

Checkov reports `:latest` in Dockerfiles' `FROM` and Kubernetes manifests but has no
docker-compose framework.
"#,
};

impl Rule for LatestImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if not_production(cx.role) {
            return;
        }
        let relaxed = is_dev_compose(cx, yaml);
        let first = out.reported();
        for svc in services(yaml) {
            if svc.value.get("build").is_some() {
                continue;
            }
            let Some(image) = svc.value.get("image") else {
                continue;
            };
            let Some(name) = image.as_str() else { continue };
            let what = match image_tag(name) {
                ImageTag::Untagged => "has no tag (pulls `latest`)",
                ImageTag::Latest => "is tagged `latest`",
                ImageTag::Moving => "has a moving tag",
                ImageTag::LatestByDefault => "defaults to `latest` when the tag variable is unset",
                _ => continue,
            };
            let f = out.report(
                image.span.clone(),
                format!(
                    "image `{name}` of service `{}` {what}; pin a version",
                    svc.key
                ),
            );
            if relaxed {
                f.severity = Severity::Low;
            }
        }
        out.merge_same_place_since(first, "services that share it");
    }

    /// The project's own image on its release channel is not a moving third-party tag:
    /// low (hygiene), not a release item.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let model = repo.model;
        // `ghcr.io/acme/app` for the repository github.com/acme/app: its own image,
        // also when the workflow that pushes it names it by an expression
        // (`${{ env.REGISTRY }}/${{ github.repository }}`).
        let identity = repo
            .config
            .repository
            .as_ref()
            .and_then(|r| r.name.as_deref().map(|n| format!("{}/{}", r.owner, n)));
        let named_after_repository = |image: &str| {
            identity.as_deref().is_some_and(|id| {
                crate::model::containers::image_key(image)
                    .is_some_and(|k| k.eq_ignore_ascii_case(id))
            })
        };
        for f in own.iter_mut() {
            let image = model
                .service_containing(&f.path, f.region.start.line)
                .and_then(|s| s.image.as_deref());
            // The service above the line is the one reported, unless the finding sits
            // on a shared anchor: then its message names another image.
            let own_image = image.is_some_and(|i| {
                f.message.contains(&format!("image `{i}`"))
                    && (model.publishes_image(i) || named_after_repository(i))
            });
            if own_image && f.severity > Severity::Low {
                f.severity = Severity::Low;
                f.message.push_str(
                    " (the project's own image: its release channel, which the install compose follows; pinning a release is the operator's hygiene)",
                );
            }
        }
    }

    fn settles(&self) -> bool {
        true
    }
}
