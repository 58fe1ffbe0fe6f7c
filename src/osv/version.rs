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
        Ecosystem::Maven => Some(maven_cmp(a, b)),
        // Action tags (`v4.1.7`, `46.0.1`) are SemVer with an optional `v`.
        Ecosystem::GitHubActions => semver_cmp(a, b),
        Ecosystem::Container => None,
    }
}

/// One token of a Maven version: its separator (a letter/digit switch counts as
/// `-`) and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MavenTok {
    /// A number (digits, leading zeros dropped), after `.` (`true`) or `-`.
    Num(bool, String),
    /// A qualifier, lower case, aliases resolved (`""` for ga/final/release).
    Qual(String),
}

impl MavenTok {
    fn is_null(&self) -> bool {
        match self {
            MavenTok::Num(_, n) => n.is_empty(),
            MavenTok::Qual(q) => q.is_empty(),
        }
    }
}

/// Maven's version order (the POM reference's "Version Order Specification", as
/// `ComparableVersion` implements it): tokens split at `.`, `-` and letter/digit
/// switches; null tokens (`0`, `ga`, `final`, `release`) trimmed at the end and
/// before each `-`; qualifiers order `alpha < beta < milestone < rc = cr <
/// snapshot < "" < sp < other (lexical)`; a qualifier sorts below `-number`, which
/// sorts below `.number`.
pub fn maven_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (maven_tokens(a), maven_tokens(b));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => (x.clone(), y.clone()),
            (Some(x), None) => (x.clone(), maven_pad(x)),
            (None, Some(y)) => (maven_pad(y), y.clone()),
            (None, None) => break,
        };
        let ord = maven_tok_cmp(&x, &y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// The null value compared against `other` when one version runs out.
fn maven_pad(other: &MavenTok) -> MavenTok {
    match other {
        MavenTok::Num(dot, _) => MavenTok::Num(*dot, String::new()),
        MavenTok::Qual(_) => MavenTok::Qual(String::new()),
    }
}

fn maven_tok_cmp(x: &MavenTok, y: &MavenTok) -> Ordering {
    let rank = |t: &MavenTok| match t {
        MavenTok::Qual(_) => 0,
        MavenTok::Num(false, _) => 1,
        MavenTok::Num(true, _) => 2,
    };
    match (x, y) {
        (MavenTok::Num(_, a), MavenTok::Num(_, b)) if rank(x) == rank(y) => num_cmp(a, b),
        (MavenTok::Qual(a), MavenTok::Qual(b)) => {
            let order = |q: &str| match q {
                "alpha" => 1,
                "beta" => 2,
                "milestone" => 3,
                "rc" => 4,
                "snapshot" => 5,
                "" => 6,
                "sp" => 7,
                _ => 8,
            };
            order(a).cmp(&order(b)).then_with(|| a.cmp(b))
        }
        _ => rank(x).cmp(&rank(y)),
    }
}

fn maven_tokens(v: &str) -> Vec<MavenTok> {
    let v = v.trim().to_ascii_lowercase();
    let chars: Vec<char> = v.chars().collect();
    // (separator is '.', text) pieces; a switch between letters and digits is a '-'.
    let mut raw: Vec<(bool, String)> = Vec::new();
    let mut cur = String::new();
    let mut dot = true;
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' || c == '-' {
            raw.push((dot, std::mem::take(&mut cur)));
            dot = c == '.';
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|j| chars.get(j)) {
            if !cur.is_empty() && prev.is_ascii_digit() != c.is_ascii_digit() {
                raw.push((dot, std::mem::take(&mut cur)));
                dot = false;
            }
        }
        cur.push(c);
    }
    raw.push((dot, cur));
    let next_numeric: Vec<bool> = (0..raw.len())
        .map(|i| {
            raw.get(i + 1)
                .is_some_and(|(_, t)| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect();
    let mut toks: Vec<(bool, MavenTok)> = Vec::new();
    for (i, (dot, text)) in raw.into_iter().enumerate() {
        let tok = if text.is_empty() || text.bytes().all(|b| b.is_ascii_digit()) {
            MavenTok::Num(dot, text.trim_start_matches('0').to_string())
        } else {
            // `a1`, `b2`, `m3`: single-letter aliases only right before a number.
            let next_is_num = next_numeric.get(i).copied().unwrap_or(false);
            let q = match text.as_str() {
                "a" if next_is_num => "alpha",
                "b" if next_is_num => "beta",
                "m" if next_is_num => "milestone",
                "cr" => "rc",
                "ga" | "final" | "release" => "",
                other => other,
            };
            MavenTok::Qual(q.to_string())
        };
        toks.push((dot, tok));
    }
    // Trim nulls at the end and before every '-' separated token.
    let mut out: Vec<MavenTok> = Vec::new();
    for (dot, tok) in toks {
        if !dot {
            while out.last().is_some_and(MavenTok::is_null) {
                out.pop();
            }
        }
        out.push(tok);
    }
    while out.last().is_some_and(MavenTok::is_null) {
        out.pop();
    }
    out
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
    fn maven_order_from_the_pom_reference() {
        let e = Ecosystem::Maven;
        // The examples of Maven's "Version Order Specification".
        lt(e, "1", "1.1");
        lt(e, "1-snapshot", "1");
        lt(e, "1", "1-sp");
        lt(e, "1-foo2", "1-foo10");
        lt(e, "1.foo", "1-1");
        lt(e, "1-1", "1.1");
        lt(e, "1-sp-1", "1-ga-1");
        lt(e, "1-ga.1", "1-sp.1");
        for same in [
            "1.ga",
            "1-ga",
            "1-0",
            "1.0",
            "1.0.0",
            "1.final",
            "1-release",
        ] {
            assert_eq!(compare(e, same, "1"), Some(Equal), "{same} = 1");
        }
        assert_eq!(compare(e, "1.foo", "1-foo"), Some(Equal));
        assert_eq!(compare(e, "1-a1", "1-alpha-1"), Some(Equal));
        assert_eq!(compare(e, "1.0.0-SNAPSHOT", "1-snapshot"), Some(Equal));
        assert_eq!(compare(e, "1.0RC1", "1.0-cr-1"), Some(Equal));
        // Real release trains.
        lt(e, "2.17.0-rc1", "2.17.0");
        lt(e, "2.9.10.7", "2.9.10.8");
        lt(e, "2.12.7", "2.12.7.1");
        lt(e, "5.3.9", "5.3.10");
        lt(e, "1.0-alpha-1", "1.0-beta-1");
        lt(e, "1.0-M1", "1.0-RC1");
        lt(e, "9.4.43.v20210629", "9.4.44.v20210927");
        lt(e, "31.1-android", "31.1-jre");
        lt(e, "4.1.94.Final", "4.1.100.Final");
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
