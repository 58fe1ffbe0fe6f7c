//! `docs/missing-path`: repository paths named in inline code in docs that do not exist.

use std::sync::Mutex;

use crate::finding::{Related, Severity};
use crate::roles::FileRole;
use crate::rules::docs::md::{self, dir_of, join_normalized};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// (path as written, normalised path, path relative to the doc, where, snippet).
type Candidate = (String, String, Option<String>, Related, String);

/// See [`META`].
#[derive(Default)]
pub struct MissingPath {
    cands: Mutex<Vec<Candidate>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docs/missing-path",
    summary: "Runbook or README names a repository file in inline code that does not exist",
    severity: Severity::Medium,
    docs: r#"
## Why
"Run `scripts/reset_gpu.sh`", "settings are in `config/prod.yaml`", "see
`docs/deploy.md`": when the file was renamed or never written, the on-call
engineer following the runbook at 3 a.m. hits "No such file or directory" and
has to improvise. Paths in runbooks rot silently because nothing executes
them.

The rule reads inline code spans (not code blocks) in Markdown files and
reports those that are repository-relative paths — a `/` inside, no spaces,
not a URL, not absolute (`/etc/…`), not home-relative (`~/.ssh/…`), no
placeholders (`<path>`, `{name}`, `$VAR`), no globs — whose first directory
exists in the repository (medium; `.github/` counts as conventional, since nearly
every repository has one) or is a conventional one such as `scripts/`,
`docs/`, `config/`, `deploy/` (low), when the file exists neither from the
repository root nor next to the document. Build outputs (`dist/`, `build/`,
`target/`, `node_modules/`…), paths the `.gitignore` covers, and lines that
talk about creating, copying or generating the file, or about the reader's own
project ("in your `src/main.rs`"), are skipped. In fenced
shell blocks (`bash`, `sh`, `console`…) the scripts a command line runs by
path (`./scripts/reset_gpu.sh`, `sudo bash ops/drain.sh`, `python
tools/migrate.py`) are checked the same way, up to the first `cd`.

## Example
```markdown
## Restart the inference server
1. Run `scripts/reset_gpu.sh` on the node.      <!-- the script is scripts/gpu_reset.sh -->
2. Check the limits in `config/prod.yaml`.
```

## Fix
Correct the path (or restore the file); keep runbook commands next to the
scripts they call, and have CI run harden so renames break the build instead
of the runbook.
"#,
};

const EXTS: &[&str] = &[
    "sh",
    "bash",
    "py",
    "md",
    "yml",
    "yaml",
    "json",
    "toml",
    "txt",
    "cfg",
    "ini",
    "conf",
    "sql",
    "js",
    "ts",
    "go",
    "rs",
    "tf",
    "env",
    "j2",
    "service",
    "xml",
    "properties",
    "rb",
    "php",
    "java",
    "kt",
    "cs",
    "ps1",
    "mk",
    "lock",
    "csv",
];
const CONVENTIONAL: &[&str] = &[
    "scripts",
    "script",
    "docs",
    "doc",
    "config",
    "configs",
    "deploy",
    "deployment",
    "src",
    "app",
    "bin",
    "tools",
    "ops",
    "infra",
    "k8s",
    "helm",
    "charts",
    ".github",
    "migrations",
    "runbooks",
];
const BUILD_DIRS: &[&str] = &[
    "dist",
    "build",
    "target",
    "node_modules",
    ".venv",
    "venv",
    "out",
    "coverage",
    "__pycache__",
    "site",
    ".cache",
    "logs",
    "log",
    "tmp",
    "var",
    ".terraform",
    ".next",
];
const CREATION_WORDS: &[&str] = &[
    "create",
    "copy",
    "cp ",
    "generat",
    "output",
    "written",
    "writes",
    "will be",
    "rename",
    "mv ",
    "produce",
    "e.g.",
    "for example",
    "such as",
    "download",
    "your ",
    "you'll",
    "new file",
];

/// The path a code span names, if it looks like a repository-relative file path.
pub fn path_candidate(code: &str) -> Option<&str> {
    let mut s = code.trim();
    s = s.strip_prefix("./").unwrap_or(s);
    // `app/main.py:42` → `app/main.py`
    if let Some((p, line)) = s.rsplit_once(':') {
        if !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) {
            s = p;
        }
    }
    s = s.trim_end_matches(['.', ',', ';', ')']);
    if s.is_empty()
        || !s.contains('/')
        || s.contains(char::is_whitespace)
        || s.contains("://")
        || s.starts_with(['/', '~', '$', '-', '@', '.']) && !s.starts_with(".github/")
        || s.contains([
            '<', '>', '{', '}', '*', '?', '[', ']', '=', '$', '%', '|', '\\', '"', '\'', '`', '(',
            ')',
        ])
        || s.contains("..")
        || s.contains("//")
    {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    if [
        "path/to", "your", "example", "foo", "bar", "my-", "my_", "xxx",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return None;
    }
    let name = s.rsplit('/').next().unwrap_or(s);
    let ext_ok = name.rsplit_once('.').is_some_and(|(stem, e)| {
        !stem.is_empty() && EXTS.contains(&e.to_ascii_lowercase().as_str())
    }) || crate::classify::is_dockerfile_name(name)
        || name == "Makefile";
    ext_ok.then_some(s)
}

impl Rule for MissingPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_markdown(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if !matches!(cx.role, FileRole::Production) {
            return;
        }
        let lower_path = cx.file.path.to_ascii_lowercase();
        if lower_path.ends_with("changelog.md") || lower_path.ends_with("history.md") {
            return;
        }
        let facts = md::facts(&cx.file.text);
        let Ok(mut cands) = self.cands.lock() else {
            return;
        };
        for (code, span) in facts.code {
            // A command (`bash scripts/reset_gpu.sh --force`): each word may be a path.
            let words: Vec<&str> = code.split_whitespace().collect();
            if words.len() > 8 {
                continue;
            }
            for word in words {
                let Some(p) = path_candidate(word) else {
                    continue;
                };
                let first = p.split('/').next().unwrap_or("");
                if BUILD_DIRS.contains(&first) {
                    continue;
                }
                let at = cx.locate(span.clone(), "named here");
                let l = at.region.start.line;
                let line = format!(
                    "{} {}",
                    cx.file.line_text(l.saturating_sub(1)),
                    cx.file.line_text(l)
                )
                .to_ascii_lowercase();
                if CREATION_WORDS.iter().any(|w| line.contains(w)) {
                    continue;
                }
                let snippet = crate::engine::snippet_of(cx.file, at.region.start.line);
                let beside = join_normalized(dir_of(&cx.file.path), p).filter(|b| b != p);
                cands.push((word.to_string(), p.to_string(), beside, at.clone(), snippet));
            }
        }
        for (info, content, range) in facts.blocks {
            if !SHELL_INFOS.contains(&info.to_ascii_lowercase().as_str()) {
                continue;
            }
            let block_text = cx.file.text.get(range.clone()).unwrap_or("");
            for cmd in block_commands(&content) {
                let Some(p) = path_candidate(cmd) else {
                    continue;
                };
                let first = p.split('/').next().unwrap_or("");
                if BUILD_DIRS.contains(&first) {
                    continue;
                }
                let Some(off) = block_text.find(cmd) else {
                    continue;
                };
                let start = range.start + off;
                let at = cx.locate(start..start + cmd.len(), "run here");
                let snippet = crate::engine::snippet_of(cx.file, at.region.start.line);
                let beside = join_normalized(dir_of(&cx.file.path), p).filter(|b| b != p);
                cands.push((cmd.to_string(), p.to_string(), beside, at, snippet));
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.report(repo, out);
    }
}

const SHELL_INFOS: &[&str] = &[
    "sh",
    "bash",
    "shell",
    "console",
    "shell-session",
    "zsh",
    "terminal",
];
const LAUNCHERS: &[&str] = &[
    "sudo", "bash", "sh", "zsh", "python", "python3", "source", ".", "exec", "time", "nohup", "uv",
    "run", "poetry", "pipenv", "$", "#",
];
const SCRIPT_EXTS: &[&str] = &["sh", "bash", "py"];

/// Scripts a shell block runs by path (`./scripts/reset_gpu.sh`, `sudo bash ops/x.sh`,
/// `python tools/migrate.py`), before any `cd` changes the directory.
pub fn block_commands(content: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in content.lines() {
        let t = line.trim();
        let t = t.strip_prefix("$ ").unwrap_or(t);
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.iter().any(|w| {
            matches!(
                *w,
                "cd" | "pushd"
                    | "git"
                    | "mkdir"
                    | "touch"
                    | "cp"
                    | "mv"
                    | "curl"
                    | "wget"
                    | "tee"
                    | "cat"
            )
        }) {
            // The working directory or the file set may change from here on.
            if words
                .first()
                .is_some_and(|w| matches!(*w, "cd" | "pushd" | "git"))
            {
                break;
            }
            continue;
        }
        let Some(cmd) = words
            .iter()
            .find(|w| !LAUNCHERS.contains(w) && !w.contains('=') && !w.starts_with('-'))
        else {
            continue;
        };
        let Some(p) = path_candidate(cmd) else {
            continue;
        };
        let ext = p.rsplit_once('.').map_or("", |(_, e)| e);
        if SCRIPT_EXTS.contains(&ext) {
            out.push(*cmd);
        }
    }
    out
}

impl MissingPath {
    fn report(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(cands) = self.cands.lock() else { return };
        if cands.is_empty() {
            return;
        }
        let gitignore = {
            let mut b = ignore::gitignore::GitignoreBuilder::new(repo.root);
            for line in repo.read_text(".gitignore").unwrap_or_default().lines() {
                let _ = b.add_line(None, line);
            }
            b.build().ok()
        };
        for (shown, p, beside, at, snippet) in cands.iter() {
            if repo.exists(p) || beside.as_deref().is_some_and(|b| repo.exists(b)) {
                continue;
            }
            if gitignore
                .as_ref()
                .is_some_and(|g| g.matched_path_or_any_parents(p, false).is_ignore())
            {
                continue;
            }
            let first = p.split('/').next().unwrap_or("");
            // `.github/` exists in nearly every repository, so it proves little about a
            // path named in prose (docs often describe files other projects have).
            let severity = if repo.exists(first) && first != ".github" {
                Severity::Medium
            } else if CONVENTIONAL.contains(&first) {
                Severity::Low
            } else {
                continue;
            };
            let f = out.report(
                at.clone(),
                snippet.clone(),
                format!("`{shown}` is named here but `{p}` does not exist in the repository"),
            );
            f.severity = severity;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_blocks() {
        let block = "$ sudo ./scripts/reset_gpu.sh --force\nFOO=1 python tools/migrate.py\necho done\n# scripts/commented.sh\ncd deploy\n./run.sh\n";
        assert_eq!(
            block_commands(block),
            vec!["./scripts/reset_gpu.sh", "tools/migrate.py"]
        );
    }

    #[test]
    fn candidates() {
        assert_eq!(
            path_candidate("scripts/reset_gpu.sh"),
            Some("scripts/reset_gpu.sh")
        );
        assert_eq!(
            path_candidate("./config/prod.yaml"),
            Some("config/prod.yaml")
        );
        assert_eq!(path_candidate("app/main.py:42"), Some("app/main.py"));
        assert_eq!(
            path_candidate("docker/Dockerfile.gpu"),
            Some("docker/Dockerfile.gpu")
        );
        assert_eq!(
            path_candidate(".github/workflows/ci.yml"),
            Some(".github/workflows/ci.yml")
        );
        assert_eq!(path_candidate("/etc/nginx/nginx.conf"), None);
        assert_eq!(path_candidate("~/.ssh/config"), None);
        assert_eq!(path_candidate("https://x.io/a.md"), None);
        assert_eq!(path_candidate("<path>/x.sh"), None);
        assert_eq!(path_candidate("src/**/*.py"), None);
        assert_eq!(path_candidate("kubectl apply -f k8s/api.yaml"), None);
        assert_eq!(path_candidate("config.yaml"), None);
        assert_eq!(path_candidate("path/to/file.py"), None);
        assert_eq!(path_candidate("owner/repo"), None);
        assert_eq!(path_candidate("application/json"), None);
    }
}
