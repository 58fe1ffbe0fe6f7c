//! `compose/latest-image`: a service image that is untagged or `:latest`.

use crate::finding::Severity;
use crate::parse::yaml::YamlFile;
use crate::rules::compose::{image_tag, is_dev_compose, not_production, services, ImageTag};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

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
local build's name, not a pull). Development files (`docker-compose.dev.yml`, overrides,
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
}
