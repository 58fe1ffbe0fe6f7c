//! Package URLs (purl spec): `pkg:type/namespace/name@version`.

use super::model::{pep503, Ecosystem, Package};
use crate::parse::image::ImageRef;

/// Percent-encodes everything but unreserved characters.
pub fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The package URL of a container image: `pkg:oci/<name>@<digest>?repository_url=…&tag=…`
/// when a digest pins it (the purl spec's type for content-addressed images), else
/// `pkg:docker/<namespace>/<name>@<tag>` (`latest` when untagged, as Docker pulls),
/// with `repository_url` when the registry is not Docker Hub.
pub fn image_purl(img: &ImageRef) -> String {
    let (registry, path) = img.registry_and_path();
    if let Some(digest) = &img.digest {
        let mut q = format!(
            "repository_url={}",
            pct_keep_slash(&format!("{registry}/{path}"))
        );
        if let Some(tag) = &img.tag {
            q.push_str(&format!("&tag={}", pct(tag)));
        }
        return format!("pkg:oci/{}@{}?{q}", pct(img.short_name()), pct(digest));
    }
    let tag = img.tag.as_deref().unwrap_or("latest");
    let shown = match path.strip_prefix("library/") {
        Some(official) if registry == "docker.io" => official.to_string(),
        _ => path.clone(),
    };
    let mut out = format!("pkg:docker/{}@{}", pct_keep_slash(&shown), pct(tag));
    if registry != "docker.io" {
        out.push_str(&format!("?repository_url={}", pct_keep_slash(&registry)));
    }
    out
}

/// The purl of a package.
pub fn purl(p: &Package) -> String {
    match &p.purl {
        Some(explicit) => explicit.clone(),
        None => purl_of(p.ecosystem, &p.name, &p.version),
    }
}

/// Percent-encodes a qualifier value or subpath segment (the purl spec keeps `/`
/// readable in qualifier values such as `repository_url`).
pub fn pct_keep_slash(s: &str) -> String {
    s.split('/').map(pct).collect::<Vec<_>>().join("/")
}

/// The purl of `name@version` in `eco`.
pub fn purl_of(eco: Ecosystem, name: &str, version: &str) -> String {
    let (ty, path) = match eco {
        // npm: the scope is the namespace; names are lower case.
        Ecosystem::Npm => {
            let lower = name.to_ascii_lowercase();
            let path = match lower.split_once('/') {
                Some((scope, n)) if scope.starts_with('@') => format!("{}/{}", pct(scope), pct(n)),
                _ => pct(&lower),
            };
            ("npm", path)
        }
        Ecosystem::Cargo => ("cargo", pct(name)),
        Ecosystem::PyPI => ("pypi", pct(&pep503(name))),
        // Go: the module path's segments are namespace + name; case is significant.
        Ecosystem::Go => (
            "golang",
            name.split('/').map(pct).collect::<Vec<_>>().join("/"),
        ),
        Ecosystem::RubyGems => ("gem", pct(name)),
        Ecosystem::Packagist => (
            "composer",
            name.to_ascii_lowercase()
                .split('/')
                .map(pct)
                .collect::<Vec<_>>()
                .join("/"),
        ),
        // `group:artifact` → `pkg:maven/group/artifact`.
        Ecosystem::Maven => (
            "maven",
            match name.split_once(':') {
                Some((g, a)) => format!("{}/{}", pct(g), pct(a)),
                None => pct(name),
            },
        ),
        // `owner/repo/path` → `pkg:github/owner/repo@ref#path` (names lower-cased:
        // GitHub's are case-insensitive, and the purl spec says so for this type).
        Ecosystem::GitHubActions => {
            let lower = name.to_ascii_lowercase();
            let mut parts = lower.splitn(3, '/');
            let owner = parts.next().unwrap_or("");
            let repo = parts.next().unwrap_or("");
            let sub = parts.next().map(|s| format!("#{}", pct_keep_slash(s)));
            return format!(
                "pkg:github/{}/{}@{}{}",
                pct(owner),
                pct(repo),
                pct(version),
                sub.unwrap_or_default()
            );
        }
        Ecosystem::Container => {
            let reference = if version.contains(':') {
                format!("{name}@{version}")
            } else {
                format!("{name}:{version}")
            };
            return image_purl(&ImageRef::parse(&reference));
        }
    };
    format!("pkg:{ty}/{path}@{}", pct(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(
            purl_of(Ecosystem::Npm, "@angular/core", "16.0.0"),
            "pkg:npm/%40angular/core@16.0.0"
        );
        assert_eq!(
            purl_of(Ecosystem::Npm, "JSONStream", "1.3.5"),
            "pkg:npm/jsonstream@1.3.5"
        );
        assert_eq!(
            purl_of(Ecosystem::PyPI, "Flask_Cors", "4.0.0"),
            "pkg:pypi/flask-cors@4.0.0"
        );
        assert_eq!(
            purl_of(Ecosystem::PyPI, "zope.interface", "6.0"),
            "pkg:pypi/zope-interface@6.0"
        );
        assert_eq!(
            purl_of(Ecosystem::Cargo, "serde_json", "1.0.1"),
            "pkg:cargo/serde_json@1.0.1"
        );
        assert_eq!(
            purl_of(Ecosystem::Go, "github.com/gin-gonic/gin", "v1.9.1"),
            "pkg:golang/github.com/gin-gonic/gin@v1.9.1"
        );
        assert_eq!(
            purl_of(
                Ecosystem::Go,
                "github.com/docker/docker",
                "v24.0.7+incompatible"
            ),
            "pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible"
        );
        assert_eq!(
            purl_of(Ecosystem::RubyGems, "rack", "2.2.8"),
            "pkg:gem/rack@2.2.8"
        );
        assert_eq!(
            purl_of(Ecosystem::Packagist, "Monolog/monolog", "3.5.0"),
            "pkg:composer/monolog/monolog@3.5.0"
        );
        assert_eq!(
            purl_of(Ecosystem::PyPI, "torch", "2.1.0+cpu"),
            "pkg:pypi/torch@2.1.0%2Bcpu"
        );
        assert_eq!(
            purl_of(Ecosystem::Maven, "org.apache.arrow:arrow-memory", "5.0.0"),
            "pkg:maven/org.apache.arrow/arrow-memory@5.0.0"
        );
        assert_eq!(
            purl_of(Ecosystem::GitHubActions, "actions/checkout", "v4"),
            "pkg:github/actions/checkout@v4"
        );
        assert_eq!(
            purl_of(
                Ecosystem::GitHubActions,
                "github/codeql-action/upload-sarif",
                "8aad20d150bbac5944a9f9d289da16a4b0d87c1e"
            ),
            "pkg:github/github/codeql-action@8aad20d150bbac5944a9f9d289da16a4b0d87c1e#upload-sarif"
        );
    }

    #[test]
    fn image_purls() {
        let p = |s: &str| image_purl(&ImageRef::parse(s));
        assert_eq!(p("python:3.12-slim"), "pkg:docker/python@3.12-slim");
        assert_eq!(p("redis"), "pkg:docker/redis@latest");
        assert_eq!(
            p("docker.io/library/busybox:1.36"),
            "pkg:docker/busybox@1.36"
        );
        assert_eq!(
            p("grafana/grafana:10.2.0"),
            "pkg:docker/grafana/grafana@10.2.0"
        );
        assert_eq!(
            p("quay.io/prometheus/busybox:latest"),
            "pkg:docker/prometheus/busybox@latest?repository_url=quay.io"
        );
        assert_eq!(
            p("python:3.12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            "pkg:oci/python@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef?repository_url=docker.io/library/python&tag=3.12"
        );
    }
}
