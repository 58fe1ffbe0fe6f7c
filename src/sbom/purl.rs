//! Package URLs (purl spec): `pkg:type/namespace/name@version`.

use super::model::{pep503, Ecosystem, Package};

/// Percent-encodes everything but unreserved characters.
fn pct(s: &str) -> String {
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

/// The purl of a package.
pub fn purl(p: &Package) -> String {
    purl_of(p.ecosystem, &p.name, &p.version)
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
    }
}
