//! Which scripts other shell code sources (`source lib.sh`, `. "$DIR/env.sh"`) and
//! which scripts turn strict mode on: a sourced file runs inside its caller's
//! shell, with the caller's options, so its strict mode is the caller's business.
//! Recorded from every piece of shell the engine parses (scripts, Dockerfile `RUN`,
//! workflow `run:`, compose and Kubernetes commands), read by
//! `shell/missing-strict-mode` in its cross-file pass.

use crate::classify::shebang_interpreter;
use crate::parse::shell::{ShellOrigin, ShellScript, StrictMode, WordPart};

/// What shell code says about sourcing and strict mode, merged over the files read.
#[derive(Debug, Clone, Default)]
pub struct Sourcing {
    /// Repository paths a `source` names exactly (relative to the root, where a
    /// script run from the root looks, and to the sourcing file's directory).
    exact: Vec<String>,
    /// `source` targets known only by their tail (`"$DIR/lib.sh"` → `lib.sh`, an
    /// installed `/usr/local/bin/helpers/x.sh` → `helpers/x.sh`), as (file name, tail):
    /// matched by path suffix.
    tails: Vec<(String, String)>,
    /// Script files that set `-e`, `-u` and (for bash) `pipefail`.
    strict: Vec<String>,
}

impl Sourcing {
    /// Adds another file's facts.
    pub fn extend(&mut self, other: Sourcing) {
        self.exact.extend(other.exact);
        self.tails.extend(other.tails);
        self.strict.extend(other.strict);
    }

    /// Sorted and deduplicated, for lookup.
    pub fn sort(&mut self) {
        for v in [&mut self.exact, &mut self.strict] {
            v.sort();
            v.dedup();
        }
        self.tails.sort();
        self.tails.dedup();
    }

    /// Whether some shell code sources the file at `path`.
    pub fn is_sourced(&self, path: &str) -> bool {
        if self
            .exact
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
        {
            return true;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let from = self.tails.partition_point(|(n, _)| n.as_str() < name);
        self.tails[from..]
            .iter()
            .take_while(|(n, _)| n == name)
            .any(|(_, t)| {
                path == t
                    || (path.len() > t.len()
                        && path.ends_with(t.as_str())
                        && path.as_bytes()[path.len() - t.len() - 1] == b'/')
            })
    }

    /// Whether the script at `path` sets `-e`, `-u` and (for bash) `pipefail`.
    pub fn is_strict(&self, path: &str) -> bool {
        self.strict
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
    }
}

/// What one piece of shell code of the file at `path` says: the files it sources
/// (none from a test: a test sources a script to call its functions, and the script
/// may still be run on its own, so only other code makes it a fragment), and
/// whether the script file turns strict mode on.
pub fn sourcing(path: &str, from_test: bool, script: &ShellScript) -> Sourcing {
    let mut out = Sourcing::default();
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    for c in script.commands() {
        if from_test || (c.name != "source" && c.name != ".") {
            continue;
        }
        let Some(arg) = c.args.first() else { continue };
        let word = script.word(*arg);
        // The literal text after the last expansion: `"$DIR/lib/x.sh"` → `/lib/x.sh`.
        let mut tail = String::new();
        let mut dynamic = false;
        for part in &word.parts {
            match part {
                WordPart::Literal(l) => tail.push_str(l),
                _ => {
                    tail.clear();
                    dynamic = true;
                }
            }
        }
        // An absolute path is where an image installs the file (`source
        // /usr/local/bin/helpers/index.sh`, copied from `scripts/helpers/`): known by
        // its last two components.
        let installed = !dynamic && tail.starts_with('/');
        let tail = tail.trim_start_matches('/');
        let tail = tail.strip_prefix("./").unwrap_or(tail);
        if tail.is_empty() || tail.ends_with('/') {
            continue;
        }
        for c in [normalize(tail), normalize(&format!("{dir}/{tail}"))] {
            if !c.is_empty() {
                out.exact.push(c);
            }
        }
        let suffix = if installed {
            let parts: Vec<&str> = tail.rsplitn(3, '/').collect();
            (parts.len() >= 2).then(|| format!("{}/{}", parts[1], parts[0]))
        } else {
            dynamic.then(|| tail.to_string())
        };
        if let Some(t) = suffix {
            let name = t.rsplit('/').next().unwrap_or(&t).to_string();
            out.tails.push((name, t));
        }
    }
    // A header that tells the reader to source the file (`# usage: source ./x.sh`).
    if script.origin == ShellOrigin::Script {
        let name = path.rsplit('/').next().unwrap_or(path);
        let declared = script.text().lines().take(20).any(|l| {
            let l = l.trim_start();
            l.starts_with('#')
                && (l.contains("source ") || l.contains(". ./"))
                && l.split_whitespace().any(|w| {
                    w.trim_end_matches(['`', '\'', '"'])
                        .ends_with(&format!("/{name}"))
                        || w == name
                })
        });
        if declared {
            out.exact.push(path.to_string());
        }
    }
    let strict = script.origin == ShellOrigin::Script && {
        let mode = StrictMode::of(script);
        let first = script.text().lines().next().unwrap_or("");
        let posix = matches!(shebang_interpreter(first), Some("sh" | "dash" | "ash"));
        mode.errexit.is_some() && mode.nounset.is_some() && (posix || mode.pipefail.is_some())
    };
    if strict {
        out.strict.push(path.to_string());
    }
    out
}

/// `a/./b/../c` → `a/c`; empty when the path climbs above the root.
pub fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    return String::new();
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}
