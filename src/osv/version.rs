//! Version ordering per ecosystem, as OSV `ECOSYSTEM` and `SEMVER` ranges need it.
//! `None` means "not comparable" (an unparsable version): callers then do not match.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::sbom::model::Ecosystem;

/// Compares two versions of `eco`.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    match eco {
        Ecosystem::PyPI => {
            let a = pep440_rs::Version::from_str(a.trim()).ok()?;
            let b = pep440_rs::Version::from_str(b.trim()).ok()?;
            Some(a.cmp(&b))
        }
        Ecosystem::Npm | Ecosystem::Cargo | Ecosystem::Go => semver_cmp(a, b),
        Ecosystem::RubyGems => Some(gem_cmp(a, b)),
        Ecosystem::Packagist => Some(php_cmp(a, b)),
    }
}

/// SemVer 2.0 precedence (build metadata ignored); a leading `v` or `=` and
/// missing minor/patch parts are tolerated (`v1.2` = `1.2.0`).
pub fn semver_cmp(a: &str, b: &str) -> Option<Ordering> {
    Some(parse_semver(a)?.cmp_precedence(&parse_semver(b)?))
}

fn parse_semver(v: &str) -> Option<semver::Version> {
    let v = v.trim().trim_start_matches('=').trim_start_matches('v');
    if let Ok(p) = semver::Version::parse(v) {
        return Some(p);
    }
    // Pad `1` / `1.2` (with an optional pre-release or build suffix).
    let cut = v.find(['-', '+']).unwrap_or(v.len());
    let (core, rest) = v.split_at(cut);
    let dots = core.matches('.').count();
    if dots >= 2 || core.is_empty() {
        return None;
    }
    let padded = format!("{core}{}{rest}", ".0".repeat(2 - dots));
    semver::Version::parse(&padded).ok()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Num(String), // digits, no leading zeros
    Str(String),
}

fn num_cmp(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// RubyGems' `Gem::Version#<=>`: segments split at dots and digit/letter
/// boundaries, a letter segment marks a pre-release (sorts before numbers),
/// trailing zeros before each letter group and at the end do not count.
pub fn gem_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (gem_canonical(a), gem_canonical(b));
    let zero = Seg::Num(String::new());
    for i in 0..a.len().max(b.len()) {
        let l = a.get(i).unwrap_or(&zero);
        let r = b.get(i).unwrap_or(&zero);
        let ord = match (l, r) {
            (Seg::Num(x), Seg::Num(y)) => num_cmp(x, y),
            (Seg::Str(x), Seg::Str(y)) => x.cmp(y),
            (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
            (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn gem_canonical(v: &str) -> Vec<Seg> {
    // `1.0.0-rc1` is read as `1.0.0.pre.rc1`.
    let v = v.trim().replace('-', ".pre.");
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut digit = false;
    let flush = |cur: &mut String, digit: bool, segs: &mut Vec<Seg>| {
        if cur.is_empty() {
            return;
        }
        if digit {
            let t = cur.trim_start_matches('0').to_string();
            segs.push(Seg::Num(t));
        } else {
            segs.push(Seg::Str(cur.clone()));
        }
        cur.clear();
    };
    for c in v.chars() {
        if c.is_ascii_digit() {
            if !digit {
                flush(&mut cur, digit, &mut segs);
            }
            digit = true;
            cur.push(c);
        } else if c.is_ascii_alphabetic() {
            if digit {
                flush(&mut cur, digit, &mut segs);
            }
            digit = false;
            cur.push(c);
        } else {
            flush(&mut cur, digit, &mut segs);
        }
    }
    flush(&mut cur, digit, &mut segs);
    // Drop trailing zeros of each group that ends before a letter segment, and at the end.
    let mut out: Vec<Seg> = Vec::new();
    let mut group: Vec<Seg> = Vec::new();
    let trim = |g: &mut Vec<Seg>| {
        while matches!(g.last(), Some(Seg::Num(n)) if n.is_empty()) {
            g.pop();
        }
    };
    for s in segs {
        if matches!(s, Seg::Str(_)) {
            trim(&mut group);
            out.append(&mut group);
        }
        group.push(s);
    }
    trim(&mut group);
    out.append(&mut group);
    out
}

/// Composer/PHP `version_compare` after Composer's normalisation (a leading `v` dropped):
/// special forms order as `dev < alpha = a < beta = b < RC = rc < (number) < pl = p`.
pub fn php_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (php_parts(a), php_parts(b));
    let n = a.len().max(b.len());
    for i in 0..n {
        let ord = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => php_part_cmp(x, y),
            // One side ran out: a number means newer, a special form compares against "#".
            (Some(x), None) => php_part_cmp(x, "#"),
            (None, Some(y)) => php_part_cmp("#", y),
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn php_parts(v: &str) -> Vec<String> {
    let v = v.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut kind = 0u8; // 1 digit, 2 other
    for c in v.chars() {
        let k = if c.is_ascii_digit() {
            1
        } else if matches!(c, '.' | '-' | '_' | '+') {
            0
        } else {
            2
        };
        if (k == 0 || k != kind) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if k != 0 {
            cur.push(c);
        }
        kind = k;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn php_special(p: &str) -> i32 {
    if p == "#" || p.bytes().all(|b| b.is_ascii_digit()) {
        return 5;
    }
    let forms: [(&str, i32); 9] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("pl", 6),
        ("p", 6),
    ];
    for (f, o) in forms {
        if p.starts_with(f) {
            return o;
        }
    }
    -1
}

fn php_part_cmp(a: &str, b: &str) -> Ordering {
    let an = a.bytes().all(|c| c.is_ascii_digit()) && !a.is_empty();
    let bn = b.bytes().all(|c| c.is_ascii_digit()) && !b.is_empty();
    if an && bn {
        return num_cmp(a.trim_start_matches('0'), b.trim_start_matches('0'));
    }
    php_special(a).cmp(&php_special(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn lt(eco: Ecosystem, a: &str, b: &str) {
        assert_eq!(compare(eco, a, b), Some(Less), "{eco:?}: {a} < {b}");
        assert_eq!(compare(eco, b, a), Some(Greater), "{eco:?}: {b} > {a}");
    }

    #[test]
    fn pep440() {
        let e = Ecosystem::PyPI;
        lt(e, "1.0.dev0", "1.0a1");
        lt(e, "1.0a1", "1.0b2");
        lt(e, "1.0b2", "1.0rc1");
        lt(e, "1.0rc1", "1.0");
        lt(e, "1.0", "1.0.post1");
        lt(e, "1.0.post1", "1.1");
        lt(e, "1.0", "1.0+local.1");
        lt(e, "2.0", "1!0.1");
        lt(e, "1.9", "1.10");
        assert_eq!(compare(e, "1.0", "1.0.0"), Some(Equal));
        assert_eq!(compare(e, "1.0RC1", "1.0rc1"), Some(Equal));
        assert_eq!(compare(e, "not a version", "1.0"), None);
    }

    #[test]
    fn semver_npm_cargo_go() {
        for e in [Ecosystem::Npm, Ecosystem::Cargo] {
            lt(e, "1.0.0-alpha", "1.0.0-alpha.1");
            lt(e, "1.0.0-alpha.1", "1.0.0-beta");
            lt(e, "1.0.0-rc.1", "1.0.0");
            lt(e, "1.2.9", "1.10.0");
            assert_eq!(compare(e, "1.0.0+build.1", "1.0.0"), Some(Equal));
        }
        let g = Ecosystem::Go;
        lt(
            g,
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-aaaaaaaaaaaa",
        );
        lt(g, "v0.0.0-20191109021931-daa7c04131f5", "v0.1.0");
        lt(g, "v1.2.3", "1.2.4");
        assert_eq!(compare(g, "v24.0.7+incompatible", "24.0.7"), Some(Equal));
        assert_eq!(compare(g, "v1.2", "1.2.0"), Some(Equal));
        assert_eq!(compare(Ecosystem::Npm, "latest", "1.0.0"), None);
    }

    #[test]
    fn rubygems() {
        let e = Ecosystem::RubyGems;
        lt(e, "1.0.0.pre1", "1.0.0");
        lt(e, "1.0.0.a", "1.0.0.b");
        lt(e, "1.0.0-rc1", "1.0.0");
        lt(e, "1.9", "1.10");
        lt(e, "2.2.8", "2.2.8.1");
        lt(e, "1.0.a10", "1.0.b1");
        assert_eq!(compare(e, "1.0", "1"), Some(Equal));
        assert_eq!(compare(e, "1.0.0", "1"), Some(Equal));
        assert_eq!(compare(e, "1.0.a", "1.a"), Some(Equal));
    }

    #[test]
    fn packagist() {
        let e = Ecosystem::Packagist;
        lt(e, "1.0.0-dev", "1.0.0-alpha1");
        lt(e, "1.0.0-alpha1", "1.0.0-beta2");
        lt(e, "1.0.0-beta2", "1.0.0-RC1");
        lt(e, "1.0.0-RC1", "1.0.0");
        lt(e, "1.0.0", "1.0.0-pl1");
        lt(e, "v5.4.9", "5.4.10");
        assert_eq!(compare(e, "v2.0", "2.0"), Some(Equal));
    }
}
