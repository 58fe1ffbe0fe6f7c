//! `shell/curl-pipe-shell`: code downloaded and executed in one step.

use crate::finding::{Finding, Severity};
use crate::parse::shell::{ShellOrigin, ShellScript};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::shell::util::{descendants_of_kind, for_ci_context};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct CurlPipeShell;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/curl-pipe-shell",
    summary: "remote script piped into a shell (`curl … | sh`, `bash <(curl …)`)",
    severity: Severity::High,
    docs: r#"
## Why
`curl https://…/install.sh | sh` runs whatever the server (or anyone between you
and it, or whoever compromised it) returns at that moment, with the privileges of
the script, and leaves no copy to review. A partial download executes a truncated
script. Release pipelines and provisioning scripts that do this make every
deployment depend on a third party's web server staying honest.

Reported forms: a pipeline from `curl`/`wget` into `sh`, `bash`, `zsh`, `dash`,
`ksh`, `sudo [-E] bash`, `python`/`perl`/`ruby` reading stdin; `sh -c "$(curl …)"`;
`bash <(curl …)` and `source <(curl …)`. Pipes into `tar`, `jq`, `gpg` and other
non-interpreters are fine. Dockerfile `RUN` lines are checked by
`docker/pipe-to-shell`, so they are not reported twice. In a CI-only file (a
workflow `run:` step, `.github/scripts/`) the finding is medium, not high: the
code runs on a throwaway runner, though with the job's token and secrets. The
documented HTTPS installer of a well-known tool fetched from the vendor's own host
(Homebrew, rustup, uv, Poetry, pyenv, nvm, pnpm, Bun, Deno, SDKMAN!) is medium,
low in development tooling: it trusts the vendor's server as much as downloading
its binary would, which is no reason to block a release; pinning a checksum is
still better. A workflow step's medium is low in a job that holds nothing: no
secret named in it or passed to it, no OIDC token, no write scope (an explicit
read-only `permissions:`, or none in a workflow that runs only on `pull_request`),
and it publishes nothing: the download reaches a throwaway runner and a read-only
token (blind reviews judged such installs in test and image-build jobs low). A
script that only workflows run or source (`. ci/common` in a test workflow, nothing
else in the repository running it) is CI code too: medium, and low when every job
that runs it holds nothing.

## Example
```sh
curl -fsSL https://get.example.com/install.sh | sudo bash
sh -c "$(wget -qO- https://example.com/setup)"
```

## Fix
Download to a file, verify a pinned checksum or signature, then run it:
```sh
curl -fsSLo install.sh https://get.example.com/install.sh
echo "3f5a…  install.sh" | sha256sum -c -
sh install.sh
```
Better: install from a package manager or a pinned release artefact.
ShellCheck has no rule for this; Semgrep's `curl-pipe-bash` covers the pipe form only.
"#,
};

const FETCHERS: &[&str] = &["curl", "wget", "fetch", "http", "iwr"];

/// The install scripts tools document as *the* way to install them, fetched over
/// HTTPS from the vendor's own host: running one is trusting the vendor's server as
/// much as downloading its binary would. Still reported (a checksum is better), below high.
const OFFICIAL_INSTALLERS: &[(&str, &str)] = &[
    ("raw.githubusercontent.com/Homebrew/install/", "Homebrew"),
    ("https://sh.rustup.rs", "rustup"),
    ("https://astral.sh/uv/", "uv"),
    ("https://install.python-poetry.org", "Poetry"),
    ("https://pyenv.run", "pyenv"),
    ("raw.githubusercontent.com/nvm-sh/nvm/", "nvm"),
    ("https://get.pnpm.io/install.sh", "pnpm"),
    ("https://bun.sh/install", "Bun"),
    ("https://deno.land/install.sh", "Deno"),
    ("https://get.sdkman.io", "SDKMAN!"),
];

/// The vendor whose documented HTTPS installer `text` fetches, if it is one.
fn official_installer(text: &str) -> Option<&'static str> {
    OFFICIAL_INSTALLERS
        .iter()
        .find(|(url, _)| text.contains(url))
        .map(|(_, vendor)| *vendor)
}

fn vendor_note(vendor: Option<&str>) -> String {
    vendor
        .map(|v| format!(" ({v}'s documented installer, over HTTPS from its own host)"))
        .unwrap_or_default()
}

/// High in shipped scripts, medium in CI-only files; a vendor's documented installer is
/// medium (low in development tooling): it would not block a release.
fn graded(cx: &FileCx<'_>, severity: Severity, vendor: Option<&str>) -> Severity {
    let severity = for_ci_context(cx, severity);
    match vendor {
        Some(_) if cx.role == crate::roles::FileRole::Development => Severity::Low,
        Some(_) => severity.min(Severity::Medium),
        None => severity,
    }
}
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "python", "python2", "python3", "perl", "ruby",
    "node", "php",
];

/// An interpreter reads its program from stdin when it gets no script argument,
/// `-` as the script, or `-s` (sh); `-m`/`-c`/`-e` or a file argument mean it does not.
fn reads_stdin(args: &[Option<String>]) -> bool {
    let mut saw_s = false;
    for a in args {
        let Some(a) = a.as_deref() else { return false };
        match a {
            "-" => return true,
            "--" => return saw_s,
            "-s" => saw_s = true,
            "-m" | "-c" | "-e" | "-E" | "-p" => return false,
            _ if a.starts_with('-') => {}
            _ => return saw_s,
        }
    }
    true
}

fn is_interpreter(name: &str) -> bool {
    INTERPRETERS.contains(&name)
}

impl Rule for CurlPipeShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn settles(&self) -> bool {
        true
    }

    /// A workflow step's download piped to a shell runs with what its job holds: in a
    /// job that names no secret, is handed none, mints no OIDC token, has no write
    /// scope and publishes nothing, it reaches a throwaway runner and a read-only token:
    /// low. So does one in a script that only such jobs run or source (`. ci/common` in
    /// a test workflow), when nothing else in the repository runs it.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let mut jobs = JobLookup::new(repo);
        for f in own.iter_mut() {
            if f.severity <= Severity::Low {
                continue;
            }
            if f.path.starts_with(".github/workflows/") {
                if f.severity == Severity::Medium && jobs.holds_nothing_at(&f.path, f.span.start) {
                    f.severity = Severity::Low;
                    f.message
                        .push_str(" (low: the job holds no secret and no write token)");
                }
                continue;
            }
            // A script only workflows run is CI code: at most what the same line in a
            // workflow step would be (medium), low when those jobs hold nothing.
            let callers: Vec<(String, usize)> = repo
                .model
                .references_to(&f.path)
                .map(|r| (r.from.clone(), r.line))
                .collect();
            if callers.is_empty()
                || !callers
                    .iter()
                    .all(|(from, _)| from.starts_with(".github/workflows/"))
            {
                continue;
            }
            if callers
                .iter()
                .all(|(from, line)| jobs.holds_nothing_at_line(from, *line))
            {
                f.severity = Severity::Low;
                f.message.push_str(
                    " (low: only workflow jobs that hold no secret and no write token run it)",
                );
            } else if f.severity > Severity::Medium {
                f.severity = Severity::Medium;
                f.message
                    .push_str(" (medium: only CI workflows run this script)");
            }
        }
    }

    fn check_shell(&self, script: &ShellScript, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if script.origin == ShellOrigin::DockerRun {
            return;
        }
        let text = script.text();
        if !FETCHERS.iter().any(|f| text.contains(f)) {
            return;
        }
        let root = script.root();
        let all = script.commands();
        // Pipelines: a fetcher, then an interpreter reading stdin.
        for pipe in descendants_of_kind(root, "pipeline") {
            let range = pipe.byte_range();
            let names: Vec<(String, Vec<Option<String>>)> = all
                .iter()
                .filter(|c| range.start <= c.node.start_byte() && c.node.end_byte() <= range.end)
                .map(|c| (c.name.clone(), c.arg_values(script)))
                .collect();
            let Some(fetch_at) = names
                .iter()
                .position(|(n, _)| FETCHERS.contains(&n.as_str()))
            else {
                continue;
            };
            for (name, args) in names.iter().skip(fetch_at + 1) {
                let runs = if name == "sudo" || name == "env" || name == "doas" {
                    args.iter()
                        .flatten()
                        .find(|a| !a.starts_with('-') && !a.contains('='))
                        .is_some_and(|a| is_interpreter(a.rsplit('/').next().unwrap_or(a)))
                } else {
                    is_interpreter(name) && reads_stdin(args)
                };
                if runs {
                    let vendor = official_installer(script.node_text(pipe));
                    let f = out.report(
                        pipe.byte_range(),
                        format!("downloaded script piped into `{name}`: runs unreviewed remote code; download, verify a checksum, then run{}", vendor_note(vendor)),
                    );
                    f.severity = graded(cx, f.severity, vendor);
                    break;
                }
            }
        }
        // `sh -c "$(curl …)"` and `bash <(curl …)`.
        for cmd in all {
            let runs_code = is_interpreter(&cmd.name) || cmd.name == "source" || cmd.name == ".";
            if !runs_code {
                continue;
            }
            for arg in &cmd.args {
                let arg_text = script.node_text(*arg);
                let inner_fetch = FETCHERS.iter().any(|f| {
                    arg_text.contains(&format!("$({f} "))
                        || arg_text.contains(&format!("<({f} "))
                        || arg_text.contains(&format!("`{f} "))
                });
                if inner_fetch {
                    let vendor = official_installer(arg_text);
                    let f = out.report(
                        cmd.span(),
                        format!("`{}` runs code fetched by a command substitution: unreviewed remote code; download, verify, then run{}", cmd.name, vendor_note(vendor)),
                    );
                    f.severity = graded(cx, f.severity, vendor);
                    break;
                }
            }
        }
    }
}

/// Workflows read and parsed once, however many findings ask about their jobs.
struct JobLookup<'r, 'a> {
    repo: &'r RepoCx<'a>,
    parsed: std::collections::HashMap<String, Option<(String, YamlFile)>>,
}

impl<'r, 'a> JobLookup<'r, 'a> {
    fn new(repo: &'r RepoCx<'a>) -> Self {
        JobLookup {
            repo,
            parsed: Default::default(),
        }
    }

    /// Whether the job around 1-based `line` of `workflow` holds nothing.
    fn holds_nothing_at_line(&mut self, workflow: &str, line: usize) -> bool {
        let Some(at) = self.parsed(workflow).and_then(|(text, _)| {
            let offset: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum();
            (offset < text.len()).then_some(offset)
        }) else {
            return false;
        };
        self.holds_nothing_at(workflow, at)
    }

    /// Whether the job around byte `at` of `workflow` publishes nothing and holds
    /// nothing ([`holds_nothing`]).
    fn holds_nothing_at(&mut self, workflow: &str, at: usize) -> bool {
        let repo = self.repo;
        let Some((text, yaml)) = self.parsed(workflow) else {
            return false;
        };
        let Some(root) = yaml.documents.first().and_then(|d| d.root.as_ref()) else {
            return false;
        };
        let Some(job) = wf::jobs(root)
            .iter()
            .find(|j| j.value.span.start <= at && at < j.value.span.end)
        else {
            return false;
        };
        let publishes = repo
            .workflows
            .files()
            .filter(|w| *w.path == *workflow)
            .flat_map(|w| w.jobs.iter())
            .any(|j| j.id == job.key && (j.publishes || j.release));
        !publishes && holds_nothing(root, &job.value, text)
    }

    fn parsed(&mut self, workflow: &str) -> Option<&(String, YamlFile)> {
        let repo = self.repo;
        self.parsed
            .entry(workflow.to_string())
            .or_insert_with(|| {
                repo.read_text(workflow).map(|t| {
                    let y = crate::parse::yaml::parse(&t);
                    (t, y)
                })
            })
            .as_ref()
    }
}

/// Whether a job holds nothing a downloaded script could take: no secret named in it or
/// passed to it, no OIDC token, no `write-all` and no scope it may write. Without a
/// `permissions:` block the token is the repository default, which may write: only a
/// workflow that runs for `pull_request` alone qualifies then.
fn holds_nothing(root: &YamlNode, job: &YamlNode, text: &str) -> bool {
    let job_text = text.get(job.span.clone()).unwrap_or_default();
    job.get("secrets").is_none()
        && !wf::names_a_secret(job_text)
        && match wf::effective_perms(root, job) {
            Some(wf::Perms::WriteAll(_)) => false,
            Some(wf::Perms::Scopes(m)) => m.iter().all(|p| p.value.as_str() != Some("write")),
            Some(wf::Perms::ReadAll(_)) => true,
            None => {
                let triggers = wf::triggers(root);
                !triggers.is_empty() && triggers.iter().all(|t| t == "pull_request")
            }
        }
}
