//! `docker/missing-entrypoint`: a Dockerfile's `CMD`/`ENTRYPOINT` starts a script or
//! module that the image's `COPY` should bring from the repository, and the
//! repository does not have it: the container cannot start.

use crate::finding::{Related, Severity};
use crate::model::paths::{dir_of, file_name, join};
use crate::rules::{RepoCx, RepoSink, Rule, RuleMeta};
use crate::source::SourceFile;

/// See [`META`]. The scripts systemd units and Procfiles start are a model fact
/// (`model::host_starts`), checked in [`Rule::finish`].
#[derive(Default)]
pub struct MissingEntrypoint;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/missing-entrypoint",
    summary: "`CMD`/`ENTRYPOINT` starts a script or module the repository does not have",
    severity: Severity::High,
    docs: r#"
## Why
```dockerfile
WORKDIR /app
COPY . .
CMD ["python", "collect_data_v2.py"]     # the repository has collect_data.py
```
The image builds, the push succeeds, and the container exits at once with
`can't open file '/app/collect_data_v2.py'`. A renamed script, a file that was never
committed, a module moved to another package: the deployment is broken until
someone reads the crash loop.

The rule replays the Dockerfile's `WORKDIR`s and `COPY`s from the build context
(the repository model's image recipe) to find where the started file comes from:
`python x.py`, `python -m pkg.mod`, `node server.js`, `bash run.sh`, `./start.sh`,
`/app/entrypoint.sh`. Reported when a `COPY` of the build context covers that path
and the repository has no such file (for a module: no `pkg/mod.py` and no
`pkg/mod/` package, while `pkg/` itself is there).

- **high** when no file of that name exists anywhere in the repository: it is
  provably missing;
- **medium** when a file of that name exists elsewhere (the build context may be
  another directory than the one read): the hint names it.

The same for a systemd unit's `ExecStart=` (a script under its `WorkingDirectory`,
or whose directory name the repository has: `/home/ubuntu/app/scripts/export.sh`)
and a `Procfile` line (relative to the Procfile): high when the script is under the
unit's `WorkingDirectory` (or in a Procfile) and no file of that name exists anywhere
in the repository, medium when only the directory name ties it to the repository.

Not reported: files a `COPY` from the context does not cover (they come from the base
image or a package install: `gunicorn`, `/docker-entrypoint.sh`), files a `RUN` or a
`COPY --from` of the image may create (a build step writes it, another stage copies
it), modules whose top-level package is not in the repository (installed with
pip), arguments that are variables, and shell strings (`sh -c "…"`). When compose
builds the Dockerfile with another context, the file is looked up there too.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "-m", "collectors.daily_v2"]    # collectors/daily.py exists
```

## Fix
Point the `CMD`/`ENTRYPOINT` at the file that exists (the message names the nearest
one), or commit the missing file. Then build and run the image once in CI (`docker
run --rm IMAGE --help`, or a smoke test) so a start command that fails is caught
before a release.
"#,
};

/// Levenshtein distance (short names only; bounded work).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The existing file with the nearest name: in the same directory first, else
/// anywhere with the same extension.
fn nearest<'a>(repo: &'a RepoCx<'_>, missing: &str) -> Option<&'a str> {
    let name = file_name(missing);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let dir = dir_of(missing);
    let same_ext = |p: &str| file_name(p).rsplit_once('.').map(|(_, e)| e).unwrap_or("") == ext;
    // Closer in the same directory (a renamed script), stricter elsewhere.
    let pick = |in_dir: bool| {
        let limit = name.chars().count().max(4) / if in_dir { 2 } else { 3 };
        repo.inventory
            .iter()
            .map(|e| e.path.as_str())
            .filter(|p| same_ext(p) && (!in_dir || dir_of(p) == dir))
            .map(|p| (distance(file_name(p), name), p))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, p)| p)
    };
    pick(true).or_else(|| pick(false))
}

impl Rule for MissingEntrypoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        // systemd units and Procfiles are plain text to the engine, read (and their
        // starts recorded in the model) only when a rule asks for all text.
        true
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.finish_host_starts(repo, out);
        let model = repo.model;
        for img in model.images() {
            let Some(last) = img.final_stage() else {
                continue;
            };
            let config = img.config(last);
            let effective: Vec<usize> = [&config.cmd, &config.entrypoint]
                .into_iter()
                .flatten()
                .map(|s| s.line)
                .collect();
            let launches = img
                .chain(last)
                .into_iter()
                .filter_map(|i| img.stages.get(i))
                .flat_map(|s| s.launches.iter())
                .filter(|l| effective.contains(&l.line) && !l.found && !l.maybe_built);
            for l in launches {
                // The directory must be in the repository: otherwise the copy is not
                // from where the model thinks.
                let dir = dir_of(&l.repo);
                if !repo.exists(dir) {
                    continue;
                }
                if l.module {
                    let top = l.written.split('.').next().unwrap_or("");
                    let base = dir_of(&l.repo);
                    let depth = l.written.matches('.').count();
                    let mut root = base.to_string();
                    for _ in 0..depth {
                        root = dir_of(&root).to_string();
                    }
                    match join(&root, top) {
                        Some(p) if repo.exists(&p) || repo.exists(&format!("{p}.py")) => {}
                        _ => continue,
                    }
                }
                // Another context that builds this Dockerfile (compose `context:`).
                let df_dir = dir_of(&img.dockerfile);
                let rel = l
                    .repo
                    .strip_prefix(df_dir)
                    .map(|r| r.trim_start_matches('/'))
                    .unwrap_or(&l.repo);
                let elsewhere = model
                    .services()
                    .iter()
                    .filter_map(|s| s.build.as_ref())
                    .filter(|b| b.dockerfile == img.dockerfile)
                    .filter_map(|b| join(&b.context, rel))
                    .any(|p| {
                        repo.exists(&p) || repo.exists(&format!("{}.py", p.trim_end_matches(".py")))
                    });
                if elsewhere {
                    continue;
                }
                let name = file_name(&l.repo);
                let same_name = repo
                    .inventory
                    .iter()
                    .find(|e| file_name(&e.path) == name)
                    .map(|e| e.path.clone());
                let hint = match (&same_name, nearest(repo, &l.repo)) {
                    (Some(p), _) => format!(
                        " (a `{name}` exists at `{p}`: is the build context another directory?)"
                    ),
                    (None, Some(p)) => format!("; nearest existing file: `{p}`"),
                    (None, None) => String::new(),
                };
                let what = if l.module { "module" } else { "script" };
                let message = format!(
                    "the container starts {what} `{}`, which the image copies from `{}`, and the repository has no such file: the service cannot start{hint}",
                    l.written, l.repo
                );
                let text = repo.read_text(&img.dockerfile).unwrap_or_default();
                let file = SourceFile::new(&img.dockerfile, text);
                let span = file.lines.line_range(&file.text, l.line.saturating_sub(1));
                let snippet = file
                    .lines
                    .line_text(&file.text, l.line.saturating_sub(1))
                    .to_string();
                let at = Related {
                    path: img.dockerfile.as_str().into(),
                    region: file.region(&span),
                    span,
                    message: "starts a missing file".to_string(),
                };
                let f = out.report(at, snippet, message);
                if same_name.is_some() {
                    f.severity = Severity::Medium;
                }
            }
        }
    }
}

impl MissingEntrypoint {
    /// systemd units and Procfiles: a script that is in none of the places the path
    /// can mean.
    fn finish_host_starts(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        for s in repo.model.host_starts() {
            if s.candidates.iter().any(|c| repo.exists(c)) {
                continue;
            }
            let name = file_name(&s.written).to_string();
            if repo.inventory.iter().any(|e| file_name(&e.path) == name) {
                // The script is in the repository, somewhere the path does not say:
                // a deployment layout, not a missing file.
                continue;
            }
            // Tied to this repository: its directory exists (Procfile, WorkingDirectory),
            // or a directory of that name does.
            let tied = s.candidates.iter().any(|c| {
                let d = dir_of(c);
                if d.is_empty() {
                    return s.anchored;
                }
                // Unanchored paths need two directory names to match (`app/scripts`),
                // a lone `scripts/` is in every repository.
                if !s.anchored && !d.contains('/') {
                    return false;
                }
                repo.exists(d)
                    || repo.inventory.iter().any(|e| {
                        let ed = dir_of(&e.path);
                        ed == d || ed.ends_with(&format!("/{d}"))
                    })
            });
            if !tied {
                continue;
            }
            let hint = s
                .candidates
                .first()
                .and_then(|c| nearest(repo, c))
                .map(|p| format!("; nearest existing file: `{p}`"))
                .unwrap_or_default();
            let message = format!(
                "this {} starts `{}`, and no file of that name is in the repository: the service cannot start{hint}",
                s.kind, s.written
            );
            let at = Related {
                path: s.path.as_str().into(),
                span: s.span.clone(),
                region: s.region,
                message: "starts a missing file".to_string(),
            };
            let f = out.report(at, s.snippet.clone(), message);
            if !s.anchored {
                f.severity = Severity::Medium;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::distance;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("collect_data_v2.py", "collect_data.py"), 3);
        assert_eq!(distance("a", "a"), 0);
        assert_eq!(distance("", "abc"), 3);
    }
}
