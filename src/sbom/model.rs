//! What every lockfile parser produces: packages with their position, hashes,
//! licence and dependency edges, plus the project the lockfile belongs to.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

/// A package ecosystem (OSV names and purl types differ; both are here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// npm, yarn, pnpm.
    Npm,
    /// Cargo.
    Cargo,
    /// pip, uv, poetry, pipenv.
    PyPI,
    /// Go modules.
    Go,
    /// Bundler.
    RubyGems,
    /// Composer.
    Packagist,
    /// Maven Central coordinates (`pom.xml`, Gradle lockfiles); names are `group:artifact`.
    Maven,
    /// Actions and reusable workflows a workflow `uses:`; names are `owner/repo[/path]`.
    GitHubActions,
    /// Container images (Dockerfile `FROM`, compose and Kubernetes `image:`). OSV has
    /// no advisories for images as such, only for the distribution packages inside.
    Container,
}

impl Ecosystem {
    /// The ecosystem name OSV records use.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "crates.io",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Maven => "Maven",
            Ecosystem::GitHubActions => "GitHub Actions",
            Ecosystem::Container => "container",
        }
    }

    /// The ecosystem of an OSV `affected[].package.ecosystem` value, if one we read.
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        // "Debian:11"-style suffixes name a release; ours never carry one but be lenient.
        let base = name.split(':').next().unwrap_or(name);
        Some(match base {
            "npm" => Ecosystem::Npm,
            "crates.io" => Ecosystem::Cargo,
            "PyPI" => Ecosystem::PyPI,
            "Go" => Ecosystem::Go,
            "RubyGems" => Ecosystem::RubyGems,
            "Packagist" => Ecosystem::Packagist,
            "Maven" => Ecosystem::Maven,
            "GitHub Actions" => Ecosystem::GitHubActions,
            _ => return None,
        })
    }

    /// Package name as the ecosystem compares it (PEP 503 for PyPI, case-folded for
    /// Packagist; an action is its repository, `owner/repo` case-folded, whatever
    /// the path inside it; others are case-sensitive).
    pub fn normalize_name(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => pep503(name),
            Ecosystem::Packagist => name.to_ascii_lowercase(),
            Ecosystem::GitHubActions => name
                .split('/')
                .take(2)
                .collect::<Vec<_>>()
                .join("/")
                .to_ascii_lowercase(),
            _ => name.to_string(),
        }
    }

    /// A short name for messages and counts (`npm`, `PyPI`, `GitHub Actions`…).
    pub fn label(self) -> &'static str {
        self.osv_name()
    }
}

/// PEP 503 normalisation (one implementation for the whole crate).
pub use crate::parse::requirements::normalize_name as pep503;

/// A hash algorithm a lockfile records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlg {
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Parses `sha256`, `sha-512`, `SHA1`…
    pub fn parse(s: &str) -> Option<HashAlg> {
        match s.to_ascii_lowercase().replace('-', "").as_str() {
            "sha1" => Some(HashAlg::Sha1),
            "sha256" => Some(HashAlg::Sha256),
            "sha384" => Some(HashAlg::Sha384),
            "sha512" => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    /// Hex digits a digest of this algorithm has.
    pub fn hex_len(self) -> usize {
        match self {
            HashAlg::Sha1 => 40,
            HashAlg::Sha256 => 64,
            HashAlg::Sha384 => 96,
            HashAlg::Sha512 => 128,
        }
    }
}

/// A digest of a package artifact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest {
    /// Algorithm.
    pub alg: HashAlg,
    /// Lower-case hex.
    pub hex: String,
}

impl Digest {
    /// A hex digest, checked for length and digits.
    pub fn hex(alg: HashAlg, hex: &str) -> Option<Digest> {
        let hex = hex.trim().to_ascii_lowercase();
        (hex.len() == alg.hex_len() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(Digest { alg, hex })
    }

    /// `sha256:abcd…` / `sha256=abcd…`.
    pub fn prefixed(s: &str) -> Option<Digest> {
        let (alg, hex) = s.trim().split_once([':', '='])?;
        Digest::hex(HashAlg::parse(alg)?, hex)
    }

    /// A Subresource Integrity string (`sha512-<base64>`), as npm, yarn and pnpm write it.
    pub fn sri(s: &str) -> Option<Digest> {
        use base64::Engine as _;
        // Several space-separated hashes may be given; take the strongest we read.
        let mut best: Option<Digest> = None;
        for part in s.split_whitespace() {
            let Some((alg, b64)) = part.split_once('-') else {
                continue;
            };
            let Some(alg) = HashAlg::parse(alg) else {
                continue;
            };
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
                continue;
            };
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            if let Some(d) = Digest::hex(alg, &hex) {
                if best.as_ref().is_none_or(|b| d.alg > b.alg) {
                    best = Some(d);
                }
            }
        }
        best
    }
}

/// One locked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Name as the ecosystem writes it (`@scope/name`, `github.com/x/y`, `vendor/name`).
    pub name: String,
    /// Version as locked.
    pub version: String,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Byte range of the entry's header in the lockfile.
    pub span: Range<usize>,
    /// 1-based line of the entry.
    pub line: usize,
    /// Artifact digests the lockfile records.
    pub hashes: Vec<Digest>,
    /// Licence (SPDX expression or free text) the lockfile states.
    pub license: Option<String>,
    /// Only needed for development.
    pub dev: bool,
    /// Indices of the packages this one depends on.
    pub deps: Vec<usize>,
    /// The package URL when name and version alone do not make it (an action's
    /// path inside its repository, an image's registry, tag and digest).
    pub purl: Option<String>,
    /// Facts the SBOM carries as `harden:` properties (the tag a pinned action's
    /// comment names, an image's digest).
    pub properties: Vec<(&'static str, String)>,
}

impl Package {
    /// A package with no hashes, licence or dependencies yet.
    pub fn new(ecosystem: Ecosystem, name: &str, version: &str, span: Range<usize>) -> Package {
        Package {
            name: name.to_string(),
            version: version.to_string(),
            ecosystem,
            span,
            line: 0,
            hashes: Vec::new(),
            license: None,
            dev: false,
            deps: Vec::new(),
            purl: None,
            properties: Vec::new(),
        }
    }
}

/// The project a lockfile belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootProject {
    /// Its name, when the lockfile or manifest states it.
    pub name: Option<String>,
    /// Its version, when stated.
    pub version: Option<String>,
    /// Its licence, when stated.
    pub license: Option<String>,
}

/// A parsed lockfile.
#[derive(Debug, Clone)]
pub struct Lockfile {
    /// Path relative to the scanned root.
    pub path: String,
    /// Format name (`package-lock.json`, `yarn.lock`…).
    pub format: &'static str,
    /// Ecosystem of its packages.
    pub ecosystem: Ecosystem,
    /// The project itself.
    pub root: RootProject,
    /// Locked packages, in file order.
    pub packages: Vec<Package>,
    /// Indices of the packages the project depends on directly; `None` when the
    /// lockfile does not say (then packages nothing depends on are taken as direct).
    pub direct: Option<Vec<usize>>,
}

impl Lockfile {
    /// An empty lockfile of `format`.
    pub fn new(path: &str, format: &'static str, ecosystem: Ecosystem) -> Lockfile {
        Lockfile {
            path: path.to_string(),
            format,
            ecosystem,
            root: RootProject::default(),
            packages: Vec::new(),
            direct: None,
        }
    }

    /// Fills `line` of every package from its span, and dedups edges.
    pub fn finalize(&mut self, text: &str) {
        let idx = crate::source::LineIndex::new(text);
        for p in &mut self.packages {
            p.line = idx.line_of(p.span.start) + 1;
            p.deps.sort_unstable();
            p.deps.dedup();
        }
        if let Some(d) = &mut self.direct {
            d.sort_unstable();
            d.dedup();
        }
    }

    /// The direct dependencies: as recorded, or the packages no other package needs.
    pub fn direct_deps(&self) -> Vec<usize> {
        if let Some(d) = &self.direct {
            return d.clone();
        }
        let mut needed = vec![false; self.packages.len()];
        for p in &self.packages {
            for &d in &p.deps {
                if let Some(n) = needed.get_mut(d) {
                    *n = true;
                }
            }
        }
        (0..self.packages.len()).filter(|&i| !needed[i]).collect()
    }

    /// Shortest chain of packages from a direct dependency down to `target`
    /// (inclusive both ends), or `None` if the graph does not reach it.
    pub fn path_to(&self, target: usize) -> Option<Vec<usize>> {
        let mut prev: HashMap<usize, Option<usize>> = HashMap::new();
        let mut queue = VecDeque::new();
        for d in self.direct_deps() {
            if d < self.packages.len() && !prev.contains_key(&d) {
                prev.insert(d, None);
                queue.push_back(d);
            }
        }
        while let Some(i) = queue.pop_front() {
            if i == target {
                let mut path = vec![i];
                let mut cur = i;
                while let Some(Some(p)) = prev.get(&cur) {
                    path.push(*p);
                    cur = *p;
                }
                path.reverse();
                return Some(path);
            }
            for &d in &self.packages[i].deps {
                if d < self.packages.len() && !prev.contains_key(&d) {
                    prev.insert(d, Some(i));
                    queue.push_back(d);
                }
            }
        }
        None
    }
}

/// Looks packages up by name (and version) to resolve dependency edges that
/// lockfiles record by name.
#[derive(Default)]
pub struct NameIndex {
    by_name: HashMap<String, Vec<usize>>,
}

impl NameIndex {
    /// Indexes `packages` by `key(name)`.
    pub fn new(packages: &[Package], key: impl Fn(&str) -> String) -> NameIndex {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            by_name.entry(key(&p.name)).or_default().push(i);
        }
        NameIndex { by_name }
    }

    /// The package of that name; with several, the one with `version` if given,
    /// else the first.
    pub fn find(&self, packages: &[Package], name: &str, version: Option<&str>) -> Option<usize> {
        let cands = self.by_name.get(name)?;
        if let Some(v) = version {
            if let Some(&i) = cands.iter().find(|&&i| packages[i].version == v) {
                return Some(i);
            }
        }
        cands.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalises() {
        assert_eq!(pep503("Flask_Cors"), "flask-cors");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("a__-.b"), "a-b");
    }

    #[test]
    fn sri_to_hex() {
        let d = Digest::sri("sha1-2jmJbaYYVPOHXfbHx2iLbjMDTVo=").unwrap();
        assert_eq!(d.alg, HashAlg::Sha1);
        assert_eq!(d.hex, "da39896da61854f3875df6c7c7688b6e33034d5a");
        assert!(Digest::sri("md5-xyz").is_none());
        assert!(Digest::prefixed("sha256:zz").is_none());
    }

    #[test]
    fn paths_follow_edges() {
        let mut lf = Lockfile::new("x", "t", Ecosystem::Npm);
        for n in ["a", "b", "c"] {
            lf.packages
                .push(Package::new(Ecosystem::Npm, n, "1.0.0", 0..0));
        }
        lf.packages[0].deps = vec![1];
        lf.packages[1].deps = vec![2];
        assert_eq!(lf.direct_deps(), vec![0]);
        assert_eq!(lf.path_to(2), Some(vec![0, 1, 2]));
    }
}
