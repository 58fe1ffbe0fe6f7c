//! `docs/missing-path`: repository paths named in inline code in docs that do not exist.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::finding::{Related, Severity};
use crate::roles::FileRole;
use crate::rules::docs::md::{self, dir_of, join_normalized};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// (path as written, normalised path, path relative to the doc, where, snippet).
/// A path named in a document, held until the inventory is known: the word as shown,
/// where (the place's message is never read: the report words its own), the snippet.
/// The path itself ([`path_candidate`] of the word) and the path beside the document
/// are read again from these when checked, not held for every candidate of a large tree.
type Candidate = (String, Related, String);

/// The path a held candidate names and the same path beside its document, when that
/// differs.
fn candidate_paths<'a>(shown: &'a str, doc: &str) -> Option<(&'a str, Option<String>)> {
    let p = path_candidate(shown)?;
    let beside = join_normalized(dir_of(doc), p).filter(|b| b != p);
    Some((p, beside))
}

/// See [`META`].
#[derive(Default)]
pub struct MissingPath {
    cands: Mutex<Vec<Candidate>>,
    /// Per document with candidates: the paths it names (code spans with a `/`), to find
    /// the directory it works from.
    named: Mutex<HashMap<String, Vec<String>>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docs/missing-path",
    summary: "Runbook or README names a repository file in inline code that does not exist",
    severity: Severity::Low,
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
placeholders (`<path>`, `{name}`, `$VAR`, an upper-case name standing for the reader's
own such as `server/providers/PROVIDER_NAME.js`), no globs — whose first directory
exists in the repository or is a conventional one such as `scripts/`,
`docs/`, `config/`, `deploy/`, when the file exists neither from the
repository root, nor next to the document, nor below a directory the document
works from (`infra/provider.py` in a guide that names `sdk/python/feast/…`).
Build outputs (`dist/`, `build/`, `target/`, `node_modules/`…), paths the
`.gitignore` covers, unchecked to-do items (`- [ ] add scripts/x.sh`), and lines
that talk about creating (in English, Spanish, French, German, Portuguese,
Italian, Dutch, Polish, Russian, Chinese, Japanese, Korean), copying, generating
or planning the file, about an example, or about the reader's own project ("in
your `src/main.rs`"), are skipped. Documents that record history or intent
(change logs, release notes, plans, specs, research notes, progress reports and summaries,
decision records, templates) and archived ones are not read: their paths were
true when written, or are still to come. A stale document is one task: low, one
finding per document, the other missing paths related (docs/severity.md). In fenced
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
/// Words saying the file is to be made, is an example, or is someone else's: the path is
/// not a claim that it exists here. English first, then "create" in other languages.
const CREATION_WORDS: &[&str] = &[
    "example",
    "deferred",
    "expected deliverable",
    "if exists",
    "if it exists",
    "planned",
    "to be added",
    "should be added",
    "will add",
    "todo",
    "crear",
    "créer",
    "créez",
    "erstell",
    "anlegen",
    "criar",
    "creare",
    "aanmaken",
    "utwórz",
    "созда",
    "创建",
    "新建",
    "作成",
    "생성",
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
    // The reader puts a file of their own there (`place the csv file as ./worker/events.csv`).
    "place the",
    "place it",
    "put the",
    "put it",
    "save the",
    "save it",
    "save as",
];

/// Words saying the path is absent on purpose (`There is no separate ssim_loss.py`,
/// `superseded by this doc`, `was removed`): the document is right that it is missing.
const ABSENCE_WORDS: &[&str] = &[
    "there is no ",
    "there are no ",
    "does not exist",
    "doesn't exist",
    "no longer",
    "was removed",
    "were removed",
    "has been removed",
    "was deleted",
    "has been deleted",
    "superseded",
    "deprecated",
];

/// `server/notification-providers/PROVIDER_NAME.js`, `plugins/PLUGIN_ID/config.yaml`: an
/// upper-case name with an underscore standing for the reader's own, as a directory or as
/// the stem of a source file. Conventional upper-case documents (`CODE_OF_CONDUCT.md`,
/// `.github/PULL_REQUEST_TEMPLATE.md`) are real names and keep being checked.
fn has_shouted_placeholder(path: &str) -> bool {
    let shouted = |w: &str| {
        w.contains('_')
            && w.bytes().any(|c| c.is_ascii_uppercase())
            && w.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
    };
    let mut segs: Vec<&str> = path.split('/').collect();
    let name = segs.pop().unwrap_or("");
    if segs.iter().any(|d| shouted(d)) {
        return true;
    }
    const SOURCE: &[&str] = &[
        "js", "mjs", "cjs", "ts", "tsx", "jsx", "vue", "py", "go", "rb", "java", "kt", "rs", "php",
        "cs", "sh",
    ];
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        shouted(stem) && SOURCE.contains(&ext.to_ascii_lowercase().as_str())
    })
}

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
    if has_shouted_placeholder(s) {
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
        if !matches!(cx.role, FileRole::Production | FileRole::Development)
            || super::is_tool_state(&cx.file.path)
            || super::is_history_or_plan(&cx.file.path)
        {
            return;
        }
        let facts = md::facts(&cx.file.text);
        let Ok(mut cands) = self.cands.lock() else {
            return;
        };
        let before = cands.len();
        for (code, span) in &facts.code {
            let span = span.clone();
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
                let at = cx.locate(span.clone(), String::new());
                let l = at.region.start.line;
                let line = format!(
                    "{} {}",
                    cx.file.line_text(l.saturating_sub(1)),
                    cx.file.line_text(l)
                )
                .to_ascii_lowercase();
                let own = cx.file.line_text(l).to_ascii_lowercase();
                if CREATION_WORDS.iter().any(|w| line.contains(w))
                    || ABSENCE_WORDS.iter().any(|w| own.contains(w))
                    || is_open_todo(cx.file.line_text(l))
                {
                    continue;
                }
                let snippet = crate::source::snippet_of(cx.file, at.region.start.line);
                cands.push((word.to_string(), at, snippet));
            }
        }
        if cands.len() > before {
            let named: Vec<String> = facts
                .code
                .iter()
                .map(|(c, _)| c.trim().trim_start_matches("./").to_string())
                .chain(facts.links.iter().map(|l| l.dest.clone()))
                .filter(|c| c.contains('/'))
                .collect();
            if let Ok(mut m) = self.named.lock() {
                m.insert(cx.file.path.to_string(), named);
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
                let at = cx.locate(start..start + cmd.len(), String::new());
                let snippet = crate::source::snippet_of(cx.file, at.region.start.line);
                cands.push((cmd.to_string(), at, snippet));
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
        // Taken, not borrowed: the candidates are released once read.
        let Ok(cands) = self.cands.lock().map(|mut c| std::mem::take(&mut *c)) else {
            return;
        };
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
        let named = self
            .named
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        // Only the names a candidate ends with are looked up: an index of every file
        // of a large tree was this rule's peak of memory.
        let wanted: HashSet<&str> = cands
            .iter()
            .filter_map(|c| path_candidate(&c.0))
            .map(file_name)
            .collect();
        let by_name = files_by_name(repo, &wanted);
        let mut missing: Vec<Missing> = Vec::new();
        for (shown, at, snippet) in cands.iter() {
            let Some((p, beside)) = candidate_paths(shown, &at.path) else {
                continue;
            };
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
            // A path under a directory the repository does not have, and that is not a
            // conventional one, describes some other project.
            if !(repo.exists(first) || CONVENTIONAL.contains(&first)) {
                continue;
            }
            if works_from(&by_name, p, &at.path, named.get(at.path.as_str())) {
                continue;
            }
            missing.push((
                at.clone(),
                snippet.clone(),
                format!("`{shown}` is named here but `{p}` does not exist in the repository"),
            ));
        }
        // One finding per document, at its first missing path, the others related: a
        // stale document is one task (docs/severity.md).
        // In order of first appearance, found through an index (a search of the list
        // for each path was quadratic in the documents of a large tree).
        let mut by_doc: Vec<(String, Vec<Missing>)> = Vec::new();
        let mut doc_index: HashMap<crate::finding::FilePath, usize> = HashMap::new();
        for m in missing {
            match doc_index.get(&m.0.path) {
                Some(&i) => by_doc[i].1.push(m),
                None => {
                    doc_index.insert(m.0.path.clone(), by_doc.len());
                    by_doc.push((m.0.path.to_string(), vec![m]));
                }
            }
        }
        for (_, mut items) in by_doc {
            items.sort_by_key(|m| m.0.span.start);
            let n = items.len();
            let mut iter = items.into_iter();
            let Some((at, snippet, msg)) = iter.next() else {
                continue;
            };
            let msg = if n == 1 {
                msg
            } else {
                format!("{n} paths named in this document do not exist; first: {msg}")
            };
            let f = out.report(at, snippet, msg);
            f.grouped = true;
            f.related = iter
                .map(|(at, _, m)| Related { message: m, ..at })
                .collect();
        }
    }
}

/// A path named in a document that does not exist: where, its snippet, the message.
type Missing = (Related, String, String);

/// An unchecked to-do item (`- [ ] add scripts/check.sh`): the file is still to come.
fn is_open_todo(line: &str) -> bool {
    let t = line.trim_start();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .or_else(|| t.strip_prefix("+ "))
        .unwrap_or(t);
    t.starts_with("[ ]")
}

/// The last component of a path: what [`files_by_name`] is keyed by.
fn file_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// The repository's files by their name, for [`works_from`], for the `wanted` names.
fn files_by_name<'a>(
    repo: &'a RepoCx<'_>,
    wanted: &HashSet<&str>,
) -> HashMap<&'a str, Vec<&'a str>> {
    let mut m: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in repo.inventory {
        let name = file_name(&e.path);
        if wanted.contains(name) {
            m.entry(name).or_default().push(&e.path);
        }
    }
    m
}

/// Whether `p` exists below a directory the document works from: a repository file ends
/// with `/p`, and the directory before it is named in the document (`sdk/python/feast/…`
/// elsewhere in it) or holds the document. "`infra/provider.py`" in a guide to the
/// `sdk/python/feast` package is that package's file.
fn works_from(
    by_name: &HashMap<&str, Vec<&str>>,
    p: &str,
    doc: &str,
    named: Option<&Vec<String>>,
) -> bool {
    let Some(files) = by_name.get(file_name(p)) else {
        return false;
    };
    let suffix = format!("/{p}");
    files.iter().any(|f| {
        let Some(base) = f.strip_suffix(&suffix) else {
            return false;
        };
        doc.starts_with(&format!("{base}/"))
            || named.is_some_and(|n| {
                n.iter()
                    .any(|x| x == base || x.starts_with(&format!("{base}/")))
            })
    })
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
        assert_eq!(
            path_candidate("server/notification-providers/PROVIDER_NAME.js"),
            None
        );
        assert_eq!(path_candidate("plugins/PLUGIN_ID/config.yaml"), None);
        assert_eq!(
            path_candidate(".github/PULL_REQUEST_TEMPLATE.md"),
            Some(".github/PULL_REQUEST_TEMPLATE.md")
        );
        assert_eq!(
            path_candidate("docs/CODE_OF_CONDUCT.md"),
            Some("docs/CODE_OF_CONDUCT.md")
        );
    }
}
