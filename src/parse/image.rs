//! Container image references (`registry:5000/team/app:1.2@sha256:…`) as Dockerfiles,
//! compose files, Kubernetes manifests and workflows write them.

/// An image reference split into name, tag and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and repository (`ghcr.io/org/app`, `python`).
    pub name: String,
    /// Tag (`3.12-slim`), if any.
    pub tag: Option<String>,
    /// Digest (`sha256:…`), if any.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses `name[:tag][@digest]`.
    pub fn parse(s: &str) -> ImageRef {
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (
                rest[..slash + i].to_string(),
                Some(rest[slash + i + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            name: name.to_ascii_lowercase(),
            tag,
            digest,
        }
    }

    /// Last path component of the name (`python` for `docker.io/library/python`).
    pub fn short_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    /// The registry and the repository path in it, as Docker resolves a name: a
    /// first component with a `.` or a `:` (or `localhost`) is a registry, anything
    /// else is on Docker Hub, where one-component names are official images
    /// (`python` is `docker.io`, `library/python`).
    pub fn registry_and_path(&self) -> (String, String) {
        match self.name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                let registry = match first {
                    "index.docker.io" | "registry-1.docker.io" => "docker.io",
                    r => r,
                };
                (registry.to_string(), rest.to_string())
            }
            Some(_) => ("docker.io".to_string(), self.name.clone()),
            None => ("docker.io".to_string(), format!("library/{}", self.name)),
        }
    }

    /// Whether the reference names a plausible image: registry and path components
    /// of the characters Docker allows, no unresolved variable or template.
    pub fn is_well_formed(&self) -> bool {
        let ok_name = !self.name.is_empty()
            && self.name.split('/').all(|c| {
                !c.is_empty()
                    && c.bytes().all(|b| {
                        b.is_ascii_lowercase()
                            || b.is_ascii_digit()
                            || matches!(b, b'.' | b'_' | b'-' | b':')
                    })
            });
        let ok_tag = self.tag.as_deref().is_none_or(|t| {
            !t.is_empty()
                && t.len() <= 128
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        });
        let ok_digest = self.digest.as_deref().is_none_or(|d| {
            d.split_once(':').is_some_and(|(alg, hex)| {
                !alg.is_empty() && !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
            })
        });
        ok_name && ok_tag && ok_digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_and_paths() {
        let r = |s: &str| ImageRef::parse(s).registry_and_path();
        assert_eq!(
            r("python:3.12"),
            ("docker.io".into(), "library/python".into())
        );
        assert_eq!(
            r("bitnami/redis"),
            ("docker.io".into(), "bitnami/redis".into())
        );
        assert_eq!(
            r("ghcr.io/org/team/app:1"),
            ("ghcr.io".into(), "org/team/app".into())
        );
        assert_eq!(
            r("localhost:5000/app"),
            ("localhost:5000".into(), "app".into())
        );
        assert_eq!(
            r("docker.io/library/busybox"),
            ("docker.io".into(), "library/busybox".into())
        );
    }

    #[test]
    fn well_formed() {
        assert!(ImageRef::parse("ghcr.io/org/app:1.2.3").is_well_formed());
        assert!(ImageRef::parse("localhost:5000/app").is_well_formed());
        assert!(!ImageRef::parse("${REGISTRY}/app:1").is_well_formed());
        assert!(!ImageRef::parse("app:{{ .Values.tag }}").is_well_formed());
        assert!(!ImageRef::parse("").is_well_formed());
        assert!(!ImageRef::parse("app@sha256:zz").is_well_formed());
    }
}
