//! Container images a repository pulls, as `container` components: the external
//! base images of a Dockerfile's stages (`FROM`, and images `COPY --from=` reads),
//! compose services' `image:` (services that `build:` name their own image, not
//! a pull), and the containers of Kubernetes workloads.
//!
//! Each is read with the parser the rules use (our Dockerfile parser with its
//! `ARG` resolution, the YAML parser). A reference is kept only when it names an
//! image: variables are resolved from defaults (`${TAG:-1.2}`, a global `ARG`
//! default) and a reference still holding a variable or a template is left out.

use std::ops::Range;

use super::model::{Digest, Ecosystem, HashAlg, Lockfile, Package};
use super::purl::image_purl;
use crate::parse::dockerfile::{self, global_args, resolve, stage_named};
use crate::parse::image::ImageRef;
use crate::parse::yaml::{self, YamlNode};

/// A container component for the image `reference` written at `span`; `None`
/// when it does not name a pullable image (`scratch`, a variable, a template).
pub fn image_at(reference: &str, span: Range<usize>) -> Option<Package> {
    let reference = reference.trim();
    if reference.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let img = ImageRef::parse(reference);
    if !img.is_well_formed() {
        return None;
    }
    let version = img
        .tag
        .clone()
        .or_else(|| img.digest.clone())
        .unwrap_or_else(|| "latest".to_string());
    let mut p = Package::new(Ecosystem::Container, &img.name, &version, span);
    p.purl = Some(image_purl(&img));
    if let Some(d) = &img.digest {
        if let Some(hex) = d.strip_prefix("sha256:") {
            p.hashes.extend(Digest::hex(HashAlg::Sha256, hex));
        }
        p.properties.push(("harden:digest", d.clone()));
    }
    Some(p)
}

/// [`image_at`] for a YAML scalar (`value` overrides the node's text, e.g. without
/// a `docker://` prefix); compose-style `${VAR:-default}` resolved by `vars`.
pub fn image_package(
    node: &YamlNode,
    value: Option<&str>,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Option<Package> {
    let raw = value.or_else(|| node.as_str())?;
    let resolved = interpolate(raw, vars)?;
    image_at(&resolved, node.span.clone())
}

/// Compose / shell interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
/// `$VAR`, `$$` for a dollar. `None` when a variable has no value and no default.
fn interpolate(s: &str, vars: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let s = s.replace("$$", "\u{0}");
    if !s.contains('$') {
        return Some(s.replace('\u{0}', "$"));
    }
    let values = crate::parse::shell::referenced_vars(&s)
        .into_iter()
        .map(|name| {
            let v = vars(&name);
            (name, v)
        })
        .collect();
    Some(resolve(&s, &values)?.replace('\u{0}', "$"))
}

/// The images a Dockerfile pulls.
pub fn dockerfile(path: &str, text: &str) -> Lockfile {
    let mut lf = Lockfile::new(path, "Dockerfile", Ecosystem::Container);
    let df = dockerfile::parse(text);
    let args = global_args(&df);
    for (i, stage) in df.stages.iter().enumerate() {
        if stage_named(&df, i, &stage.image).is_some() {
            continue;
        }
        if let Some(p) =
            resolve(&stage.image, &args).and_then(|r| image_at(&r, stage.image_span.clone()))
        {
            lf.packages.push(p);
        }
    }
    // `COPY --from=<image>` and `RUN --mount=…,from=<image>` pull images too.
    for ins in &df.instructions {
        let Some(stage) = ins.stage else { continue };
        let mut froms: Vec<String> = Vec::new();
        froms.extend(ins.flag("from").map(str::to_string));
        if let Some(m) = ins.flag("mount") {
            froms.extend(
                m.split(',')
                    .filter_map(|kv| kv.strip_prefix("from="))
                    .map(str::to_string),
            );
        }
        for from in froms {
            if stage_named(&df, stage + 1, &from).is_some() || !from.contains([':', '/', '@']) {
                continue; // an earlier stage, or a build context name
            }
            if let Some(p) = resolve(&from, &args).and_then(|r| image_at(&r, ins.span.clone())) {
                lf.packages.push(p);
            }
        }
    }
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    lf
}

/// The images compose services pull (not those they build).
pub fn compose(path: &str, text: &str) -> Result<Lockfile, String> {
    let mut lf = Lockfile::new(path, "compose", Ecosystem::Container);
    let y = yaml::parse(text);
    if let Some(err) = &y.error {
        return Err(format!("YAML syntax error at byte {}", err.start));
    }
    for doc in &y.documents {
        let services = doc
            .root
            .as_ref()
            .and_then(|r| r.get("services"))
            .and_then(|s| s.as_map())
            .unwrap_or(&[]);
        for svc in services {
            if svc.value.get("build").is_some() {
                continue;
            }
            if let Some(p) = svc
                .value
                .get("image")
                .and_then(|n| image_package(n, None, &|_| None))
            {
                lf.packages.push(p);
            }
        }
    }
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    Ok(lf)
}

/// The images of the containers of every Kubernetes object in a YAML file
/// (`None` when no document is a Kubernetes object or the file is not YAML).
pub fn kubernetes(path: &str, text: &str) -> Option<Lockfile> {
    let y = yaml::parse(text);
    if y.error.is_some() {
        return None;
    }
    let mut lf = Lockfile::new(path, "Kubernetes", Ecosystem::Container);
    let mut any = false;
    for doc in &y.documents {
        let Some(root) = &doc.root else { continue };
        let is_object = root.get("apiVersion").and_then(|v| v.as_str()).is_some()
            && root.get("kind").and_then(|v| v.as_str()).is_some();
        if !is_object {
            continue;
        }
        any = true;
        container_images(root, &mut lf.packages, 0);
    }
    if !any {
        return None;
    }
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    Some(lf)
}

/// Every `containers` / `initContainers` / `ephemeralContainers` list below
/// `node` (pods, pod templates of workloads and CronJobs, `List` items).
fn container_images(node: &YamlNode, out: &mut Vec<Package>, depth: usize) {
    if depth > 32 {
        return;
    }
    if let Some(map) = node.as_map() {
        for pair in map {
            if matches!(
                pair.key.as_str(),
                "containers" | "initContainers" | "ephemeralContainers"
            ) {
                for c in pair.value.as_seq().unwrap_or(&[]) {
                    out.extend(
                        c.get("image")
                            .and_then(|n| image_package(n, None, &|_| None)),
                    );
                }
            } else {
                container_images(&pair.value, out, depth + 1);
            }
        }
    } else if let Some(seq) = node.as_seq() {
        for item in seq {
            container_images(item, out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purls(lf: &Lockfile) -> Vec<(String, usize)> {
        lf.packages
            .iter()
            .map(|p| (super::super::purl::purl(p), p.line))
            .collect()
    }

    #[test]
    fn dockerfile_stages_args_and_copy_from() {
        let text = "# syntax=docker/dockerfile:1\nARG PY=3.12\nFROM python:${PY}-slim AS build\nRUN pip wheel .\nFROM build AS test\nFROM gcr.io/distroless/python3-debian12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nCOPY --from=build /w /w\nCOPY --from=ghcr.io/astral-sh/uv:0.4.20 /uv /bin/uv\nFROM scratch\nFROM ${UNSET}/app\n";
        let lf = dockerfile("Dockerfile", text);
        assert_eq!(
            purls(&lf),
            vec![
                ("pkg:docker/python@3.12-slim".to_string(), 3),
                (
                    "pkg:oci/python3-debian12@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?repository_url=gcr.io/distroless/python3-debian12".to_string(),
                    6
                ),
                (
                    "pkg:docker/astral-sh/uv@0.4.20?repository_url=ghcr.io".to_string(),
                    8
                ),
            ]
        );
        assert_eq!(lf.packages[1].hashes.len(), 1);
        assert_eq!(
            lf.packages[1].version,
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        );
    }

    #[test]
    fn compose_pulls_not_builds() {
        let text = "services:\n  api:\n    build: .\n    image: acme/api:dev\n  db:\n    image: postgres:16\n  cache:\n    image: \"redis:${REDIS_TAG:-7.2}\"\n  worker:\n    image: ${REGISTRY}/worker:1\n  proxy:\n    image: traefik\n";
        let lf = compose("docker-compose.yml", text).unwrap();
        assert_eq!(
            purls(&lf),
            vec![
                ("pkg:docker/postgres@16".to_string(), 6),
                ("pkg:docker/redis@7.2".to_string(), 8),
                ("pkg:docker/traefik@latest".to_string(), 12),
            ]
        );
        assert!(compose("c.yml", "services: [\n").is_err());
    }

    #[test]
    fn kubernetes_workloads() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n            - name: wait\n              image: busybox:1.36\n          containers:\n            - name: backup\n              image: quay.io/acme/backup:2.1.0\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  image: not-a-container:1\n";
        let lf = kubernetes("k8s/backup.yaml", text).unwrap();
        assert_eq!(
            purls(&lf),
            vec![
                ("pkg:docker/busybox@1.36".to_string(), 12),
                (
                    "pkg:docker/acme/backup@2.1.0?repository_url=quay.io".to_string(),
                    15
                ),
            ]
        );
        assert!(kubernetes("values.yaml", "image:\n  repository: nginx\n").is_none());
        assert!(kubernetes(
            "chart/templates/d.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: \"{{ .Values.image }}\"\n"
        )
        .is_some_and(|lf| lf.packages.is_empty()));
    }
}
