//! The one origin the probe may talk to: parsed from the URL the user gave,
//! with every later URL (endpoints, redirect targets) checked against it.

use std::net::{SocketAddr, ToSocketAddrs};

use http::Uri;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    /// `http` / `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// The base URL: scheme, host, port and an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Scheme.
    pub scheme: Scheme,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Port (the scheme's default when the URL has none).
    pub port: u16,
    /// Path prefix every endpoint goes under, without a trailing slash (`""` at the root).
    pub base_path: String,
}

impl Target {
    /// Parses the URL given on the command line. Credentials, a query string or a
    /// fragment are refused: the probe sends none of them.
    pub fn parse(url: &str) -> Result<Target, String> {
        let uri: Uri = url
            .trim()
            .parse()
            .map_err(|e| format!("`{}` is not a URL: {e}", redact(url)))?;
        let scheme = match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => Scheme::Http,
            Some(s) if s.eq_ignore_ascii_case("https") => Scheme::Https,
            Some(s) => {
                return Err(format!(
                    "unsupported scheme `{s}` (use http:// or https://)"
                ))
            }
            None => {
                return Err(format!(
                    "`{}` has no scheme: write http://{0} or https://{0}",
                    redact(url)
                ))
            }
        };
        let Some(authority) = uri.authority() else {
            return Err(format!("`{}` has no host", redact(url)));
        };
        if authority.as_str().contains('@') {
            return Err(
                "the URL carries credentials (user:password@); the probe sends none, remove them"
                    .to_string(),
            );
        }
        if uri.query().is_some() || url.contains('#') {
            return Err("the base URL must not carry a query string or a fragment".to_string());
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if host.is_empty() {
            return Err(format!("`{}` has no host", redact(url)));
        }
        let port = authority.port_u16().unwrap_or(scheme.default_port());
        let base_path = uri.path().trim_end_matches('/').to_string();
        Ok(Target {
            scheme,
            host,
            port,
            base_path,
        })
    }

    /// `scheme://host[:port]` (the port only when it is not the default).
    pub fn origin(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == self.scheme.default_port() {
            format!("{}://{host}", self.scheme.as_str())
        } else {
            format!("{}://{host}:{}", self.scheme.as_str(), self.port)
        }
    }

    /// The base URL as probed.
    pub fn base_url(&self) -> String {
        format!("{}{}/", self.origin(), self.base_path)
    }

    /// The path of an endpoint under the base path (`/healthz` → `/app/healthz`).
    pub fn path_of(&self, route: &str) -> String {
        let route = if route.starts_with('/') {
            route.to_string()
        } else {
            format!("/{route}")
        };
        format!("{}{route}", self.base_path)
    }

    /// Full URL of a path returned by [`Target::path_of`].
    pub fn url_of(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    /// Where a `Location` header points, as an absolute URL, and whether that is
    /// this origin. `current` is the URL that answered with the redirect.
    pub fn resolve_location(&self, current: &str, location: &str) -> Option<(String, bool)> {
        let location = location.trim();
        if location.is_empty() || location.contains(['\r', '\n']) {
            return None;
        }
        let absolute = if location.starts_with("//") {
            format!("{}:{location}", self.scheme.as_str())
        } else if location.contains("://") {
            location.to_string()
        } else if location.starts_with('/') {
            format!("{}{location}", self.origin())
        } else {
            // Relative to the current path's directory.
            let path_start = current
                .find("://")
                .and_then(|i| current[i + 3..].find('/').map(|j| i + 3 + j))
                .unwrap_or(current.len());
            let path = &current[path_start..];
            let dir = match path.rfind('/') {
                Some(i) => &path[..=i],
                None => "/",
            };
            format!("{}{dir}{location}", self.origin())
        };
        let same = Target::parse_any(&absolute)
            .is_some_and(|t| t.scheme == self.scheme && t.host == self.host && t.port == self.port);
        Some((absolute, same))
    }

    /// Parses any absolute URL (query allowed) into its origin parts.
    fn parse_any(url: &str) -> Option<Target> {
        let uri: Uri = url.parse().ok()?;
        let scheme = match uri.scheme_str()? {
            s if s.eq_ignore_ascii_case("http") => Scheme::Http,
            s if s.eq_ignore_ascii_case("https") => Scheme::Https,
            _ => return None,
        };
        let authority = uri.authority()?;
        if authority.as_str().contains('@') {
            return None;
        }
        Some(Target {
            scheme,
            host: authority
                .host()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(scheme.default_port()),
            base_path: String::new(),
        })
    }

    /// The socket addresses the host resolves to.
    pub fn addresses(&self) -> Result<Vec<SocketAddr>, String> {
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve `{}`: {e}", self.host))?
            .collect();
        if addrs.is_empty() {
            return Err(format!("`{}` resolves to no address", self.host));
        }
        Ok(addrs)
    }

    /// Whether the host is this machine (loopback).
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// A URL fit for a message: anything before an `@` in the authority is dropped.
pub fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}***@{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        let t = Target::parse("HTTP://LocalHost:8000/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.origin(), "http://localhost:8000");
        assert_eq!(t.base_path, "");
        assert_eq!(
            t.url_of(&t.path_of("healthz")),
            "http://localhost:8000/healthz"
        );
        let t = Target::parse("https://[::1]/app/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((t.host.as_str(), t.port), ("::1", 443));
        assert_eq!(t.url_of(&t.path_of("/ready")), "https://[::1]/app/ready");
        assert!(t.is_loopback());
    }

    #[test]
    fn refuses_what_it_would_not_send() {
        let e = Target::parse("http://admin:s3cret@host/").unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(Target::parse("http://host/?token=x").is_err());
        assert!(Target::parse("localhost:8000").is_err());
        assert!(Target::parse("ftp://host/").is_err());
        assert_eq!(redact("http://u:p@h/x"), "http://***@h/x");
    }

    #[test]
    fn redirects_are_judged_by_origin() {
        let t = Target::parse("http://127.0.0.1:8080").unwrap_or_else(|e| panic!("{e}"));
        let cur = "http://127.0.0.1:8080/health";
        assert_eq!(
            t.resolve_location(cur, "/health/"),
            Some(("http://127.0.0.1:8080/health/".to_string(), true))
        );
        assert_eq!(
            t.resolve_location("http://127.0.0.1:8080/a/b", "c"),
            Some(("http://127.0.0.1:8080/a/c".to_string(), true))
        );
        assert_eq!(
            t.resolve_location(cur, "http://evil.example/x")
                .map(|r| r.1),
            Some(false)
        );
        assert_eq!(
            t.resolve_location(cur, "//evil.example/x").map(|r| r.1),
            Some(false)
        );
        assert_eq!(
            t.resolve_location(cur, "https://127.0.0.1:8080/h")
                .map(|r| r.1),
            Some(false)
        );
        assert_eq!(
            t.resolve_location(cur, "http://127.0.0.1:8081/h")
                .map(|r| r.1),
            Some(false)
        );
        assert_eq!(
            t.resolve_location(cur, "http://user@127.0.0.1:8080/")
                .map(|r| r.1),
            Some(false)
        );
    }
}
