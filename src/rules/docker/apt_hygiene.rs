//! `docker/apt-hygiene`: `apt-get install` without `--no-install-recommends`, apt lists left in the layer.

use crate::finding::{Finding, Fix, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::shell::{ShellScript, SimpleCommand};
use crate::rules::docker::util;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct AptHygiene;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/apt-hygiene",
    summary: "`apt-get install` without `--no-install-recommends`, or apt lists left in the image",
    severity: Severity::Low,
    docs: r#"
## Why
`apt-get install` pulls "recommended" packages by default: on Debian and Ubuntu
images that is often tens or hundreds of megabytes of things nobody asked for
(documentation tools, X libraries, compilers), more CVEs for the scanner to
report and more attack surface. The package lists fetched by `apt-get update`
(`/var/lib/apt/lists`, 20–50 MB) stay in the layer unless they are removed in
the same `RUN`; removing them in a later `RUN` does not shrink the image.

The rule reports, in the stages that end up in the final image:

- `apt-get install`/`apt install` without `--no-install-recommends` (or
  `-o APT::Install-Recommends=false`, or an `apt.conf.d` file written earlier
  that turns recommends off) — low;
- a `RUN` with `apt-get update` that does not `rm -rf /var/lib/apt/lists/*`
  nor end with `apt-get dist-clean` (apt >= 2.7: it removes the lists too; `apt-get
  clean` does not), and is not under a BuildKit cache mount on `/var/lib/apt` — low.
  A script of the repository that the same `RUN` runs counts too: `RUN apt-get update
  && … && /scripts/cleanup.sh`, where a `COPY` put `cleanup.sh` there from the build
  context and it removes the lists (read through the repository model).

`apt-get upgrade`/`dist-upgrade` is not reported. It makes a build less reproducible,
but reviewers judged every such finding deliberate patching of the base image's
packages (a `--pull --no-cache` release build, "update pre-installed packages") and
never something to change, and hadolint removed its DL3005 for the same reason.

Builder stages whose files are only copied out with `COPY --from` are skipped:
their size and packages do not ship.

## Example
```dockerfile
RUN apt-get update && apt-get install -y curl ca-certificates
```

## Fix
```dockerfile
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
```
`harden fix` inserts `--no-install-recommends` after `install` and appends
` && rm -rf /var/lib/apt/lists/*` to the `RUN`. If the build relied on a
recommended package, add it by name.

hadolint reports the same things as DL3015 (recommends, in every stage, where we
skip builder stages) and DL3009 (lists, final stage only, as here). A `# hadolint
ignore=DL3015` / `DL3009` comment above the `RUN` is the maintainers' recorded
decision: that check is not reported there. hadolint does not see an `apt.conf.d` file that
turns recommends off, and its DL3008 (pin every apt package version) is not
reproduced: Debian and Ubuntu drop old versions from their archives, so such
pins break rebuilds more often than they protect them.
"#,
};

fn is_apt(cmd: &SimpleCommand<'_>) -> bool {
    matches!(cmd.name.as_str(), "apt-get" | "apt")
}

/// The apt subcommand (first positional, skipping `-o X` values) and its argument index.
pub(crate) fn apt_subcommand(vals: &[Option<String>]) -> Option<(usize, String)> {
    let mut i = 0;
    while i < vals.len() {
        match vals[i].as_deref() {
            Some("-o" | "-c" | "-t" | "--option" | "--config-file" | "--target-release") => i += 2,
            Some(v) if v.starts_with('-') => i += 1,
            Some(v) => return Some((i, v.to_string())),
            None => return None,
        }
    }
    None
}

fn no_recommends(vals: &[Option<String>]) -> bool {
    vals.iter().flatten().any(|v| {
        v.starts_with("--no-install-recommends")
            || (v.contains("Install-Recommends")
                && (v.ends_with("=false") || v.ends_with("=0") || v.ends_with("=no")))
    })
}

/// Whether the script removes the package lists: `rm` of `/var/lib/apt/lists`
/// (or of all of `/var/lib/apt`), or `apt-get dist-clean` (apt >= 2.7, Debian
/// trixie and Ubuntu 24.04), which deletes the lists as well as the package
/// cache. `apt-get clean` is not enough: it empties only `/var/cache/apt/archives`.
fn removes_lists(script: &ShellScript) -> bool {
    script.commands().iter().any(|c| {
        (c.name == "rm"
            && c.args.iter().any(|a| {
                let w = script.word(*a).approximate();
                let w = w.trim_end_matches(['*', '/']);
                w.starts_with("/var/lib/apt/lists") || w == "/var/lib/apt"
            }))
            || (is_apt(c)
                && apt_subcommand(&c.arg_values(script)).is_some_and(|(_, s)| s == "dist-clean"))
    })
}

/// Whether a repository script a `RUN` runs removes the apt lists ([`removes_lists`]),
/// read as a shell script.
fn script_removes_lists(text: &str) -> bool {
    ShellScript::parse(
        crate::mapped::MappedText::verbatim(text, 0),
        crate::parse::shell::ShellOrigin::Script,
    )
    .is_some_and(|script| removes_lists(&script))
}

/// The message of the lists finding, which [`Rule::settle`] revises.
const LISTS_MESSAGE: &str = "`apt-get update` leaves `/var/lib/apt/lists` in this layer; end the same `RUN` with `rm -rf /var/lib/apt/lists/*`";

impl Rule for AptHygiene {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A lists finding goes when the same `RUN` runs a script of the repository
    /// (copied into the image before it) that removes the lists.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        own.retain(|f| {
            if &*f.message != LISTS_MESSAGE {
                return true;
            }
            let Some(image) = repo.model.image(&f.path) else {
                return true;
            };
            let line = f.region.start.line;
            !image
                .stages
                .iter()
                .flat_map(|s| s.run_scripts.iter())
                .filter(|(first, last, _)| (*first..=*last).contains(&line))
                .any(|(_, _, path)| {
                    repo.read_text(path)
                        .is_some_and(|t| script_removes_lists(&t))
                })
        });
    }

    fn settles(&self) -> bool {
        true
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        // A config file that turns recommends off for every later install.
        let global_off = df.instructions.iter().any(|i| {
            let t = i.args_text();
            t.contains("Install-Recommends")
                && (t.contains("\"false\"") || t.contains("\"0\"") || t.contains("false;"))
        });
        for r in util::runs(df) {
            if !r.ins.stage.is_none_or(|s| util::ships(df, s)) {
                continue;
            }
            let ignored = util::hadolint_ignored(&cx.file.text, r.ins);
            let ignores = |code: &str| ignored.iter().any(|c| c == code);
            let mut update: Option<std::ops::Range<usize>> = None;
            let mut lists_removed = false;
            for script in r.scripts {
                if removes_lists(script) {
                    lists_removed = true;
                }
                for cmd in script.commands() {
                    if !is_apt(cmd) {
                        continue;
                    }
                    let vals = cmd.arg_values(script);
                    let Some((i, sub)) = apt_subcommand(&vals) else {
                        continue;
                    };
                    let Some(sub_node) = cmd.args.get(i) else {
                        continue;
                    };
                    match sub.as_str() {
                        "update" if update.is_none() => {
                            update = Some(script.host_range(&cmd.span()));
                        }
                        "install" if !global_off && !no_recommends(&vals) && !ignores("DL3015") => {
                            let end = sub_node.end_byte();
                            let edit = if script.code.is_verbatim(&(sub_node.start_byte()..end)) {
                                out.edit(
                                    script.code.to_host(end)..script.code.to_host(end),
                                    " --no-install-recommends",
                                )
                            } else {
                                None
                            };
                            let f = out.report(
                                script.host_range(&sub_node.byte_range()),
                                format!(
                                    "`{} install` without `--no-install-recommends` pulls in recommended packages the image does not need",
                                    cmd.name
                                ),
                            );
                            if let Some(e) = edit {
                                f.fix = Some(Fix::safe("Add --no-install-recommends", vec![e]));
                            }
                        }
                        _ => {}
                    }
                }
            }
            let Some(update) = update else {
                continue;
            };
            if lists_removed
                || util::has_cache_mount(r.ins, Some("/var/lib/apt"))
                || ignores("DL3009")
            {
                continue;
            }
            let args = r.ins.args_text();
            let trimmed = args.trim_end();
            let edit = if r.inline
                && r.ins.heredocs.is_empty()
                && !trimmed.ends_with([';', '&', '|', '\\'])
                && !trimmed.contains(" #")
                && !trimmed.contains("\t#")
            {
                let at = r.ins.args.to_host(trimmed.len());
                out.edit(at..at, " && rm -rf /var/lib/apt/lists/*")
            } else {
                None
            };
            let f = out.report(update, LISTS_MESSAGE);
            if let Some(e) = edit {
                f.fix = Some(Fix::safe("Remove the apt lists in the same RUN", vec![e]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::{apply_fixes, check};

    #[test]
    fn fixes_apply_and_converge() {
        let text = "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl \\\n      ca-certificates\nUSER 1000\n";
        let f = check(&AptHygiene, text);
        assert_eq!(f.len(), 2);
        let fixed = apply_fixes(text, &f);
        assert_eq!(
            fixed,
            "FROM debian:12\nRUN apt-get update \\\n && apt-get install --no-install-recommends -y curl \\\n      ca-certificates && rm -rf /var/lib/apt/lists/*\nUSER 1000\n"
        );
        assert!(check(&AptHygiene, &fixed).is_empty());
    }

    #[test]
    fn crlf_fix_keeps_line_endings() {
        let text = "FROM debian:12\r\nRUN apt-get update && apt-get install -y curl\r\n";
        let f = check(&AptHygiene, text);
        let fixed = apply_fixes(text, &f);
        assert_eq!(
            fixed,
            "FROM debian:12\r\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\r\n"
        );
    }

    #[test]
    fn heredoc_run_is_checked_without_fix_for_lists() {
        let text = "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n";
        let f = check(&AptHygiene, text);
        assert_eq!(f.len(), 2);
        let lists = f.iter().find(|x| x.message.contains("lists")).unwrap();
        assert!(lists.fix.is_none());
    }

    #[test]
    fn no_lists_fix_after_a_trailing_comment() {
        let text = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl # tools\n";
        let f = check(&AptHygiene, text);
        assert_eq!(f.len(), 1);
        assert!(f[0].fix.is_none());
    }

    #[test]
    fn builder_stage_is_skipped() {
        let text = "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /x /x\n";
        assert!(check(&AptHygiene, text).is_empty());
    }
}
