//! `shell/backup-umask`: database dumps and archives written world-readable.

use crate::finding::{Fix, Severity};
use crate::parse::shell::{ShellOrigin, ShellScript, SimpleCommand};
use crate::rules::shell::util::{descendants_of_kind, for_ci_context};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct BackupUmask;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/backup-umask",
    summary:
        "database dump or backup archive written with the default umask (readable by other users)",
    severity: Severity::Medium,
    docs: r#"
## Why
With the usual umask of `022`, `pg_dump db > /var/backups/db.sql` creates a file
every local user and every service on the host can read: the whole database,
password hashes and personal data included. Backups are also what gets copied to
shared storage, where permissions matter even more.

Reported: `pg_dump`, `pg_dumpall`, `mysqldump`, `mariadb-dump`, `mongodump`,
`redis-cli --rdb`, `sqlite3 … .backup`/`.dump`, `etcdctl snapshot save`, and
`tar`/`zip` archives whose name says backup or dump, when their output goes to a
file (`>`, `-f`, `--file=`, `--result-file=`, `--archive=`, `-o`) and the script
has no `umask 077` (any umask that removes all permissions for others) before
the command, no `chmod` to an owner-only mode on the output after it, and the file
is not created with `install -m 600`. In a CI-only file (a workflow `run:` step,
`.github/scripts/`) it is low: the dump lives on a single-tenant, throwaway runner.

## Example
```sh
pg_dump -h "$DB_HOST" metrics | gzip > "/var/backups/metrics-$(date +%F).sql.gz"
```

## Fix
Set a restrictive umask before writing: `umask 077` at the top of the backup
script (or just before the dump). `harden fix` inserts it before the command
(safe: it only narrows the permissions of files the script creates afterwards).
`chmod 600` afterwards leaves a window where the file is readable.
"#,
};

const DUMPERS: &[&str] = &[
    "pg_dump",
    "pg_dumpall",
    "mysqldump",
    "mariadb-dump",
    "mongodump",
    "mongoexport",
    "etcdctl",
    "redis-cli",
    "sqlite3",
    "influxd",
    "pg_basebackup",
];

fn restrictive_umask(value: &str) -> bool {
    let v = value.trim();
    if v.chars().all(|c| c.is_ascii_digit()) && !v.is_empty() {
        return v.ends_with('7');
    }
    // Symbolic: u=rwx,g=,o= or o=
    v.contains("o=") && !v.contains("o=r") && !v.contains("o=w") && !v.contains("o=x")
}

/// Output file of a dump command from its own options.
fn option_output(cmd: &SimpleCommand<'_>, values: &[Option<String>]) -> Option<usize> {
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v.as_deref() else { continue };
        if matches!(
            v,
            "-f" | "--file" | "-r" | "--result-file" | "-o" | "--out" | "--output" | "--rdb"
        ) {
            return cmd.args.get(i + 1).map(|_| i + 1);
        }
        if v.starts_with("--file=")
            || v.starts_with("--result-file=")
            || v.starts_with("--archive=")
            || v.starts_with("--out=")
            || v.starts_with("--output=")
        {
            return Some(i);
        }
    }
    None
}

impl Rule for BackupUmask {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_shell(&self, script: &ShellScript, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = script.text();
        if !DUMPERS.iter().any(|d| text.contains(d))
            && !text.contains("tar")
            && !text.contains("zip")
        {
            return;
        }
        let commands = script.commands();
        let umask_at: Option<usize> = commands
            .iter()
            .filter(|c| c.name == "umask")
            .filter(|c| {
                c.arg_values(script)
                    .iter()
                    .flatten()
                    .any(|v| restrictive_umask(v))
            })
            .map(|c| c.node.start_byte())
            .min();
        let chmods: Vec<(usize, String)> = commands
            .iter()
            .filter(|c| c.name == "chmod" || c.name == "install")
            .filter(|c| {
                c.arg_values(script).iter().flatten().any(|v| {
                    let mode = v.trim_start_matches("-m").trim_start_matches("--mode=");
                    (mode.len() >= 3
                        && mode.chars().all(|ch| ch.is_ascii_digit())
                        && mode.ends_with('0'))
                        || mode.contains("go-")
                        || mode.contains("o-r")
                        || mode.contains("go=")
                })
            })
            .map(|c| (c.node.start_byte(), script.node_text(c.node).to_string()))
            .collect();
        for cmd in commands {
            let values: Vec<Option<String>> = cmd
                .args
                .iter()
                .map(|a| Some(script.word(*a).approximate()))
                .collect();
            let is_dumper = DUMPERS.contains(&cmd.name.as_str());
            let is_archive = matches!(cmd.name.as_str(), "tar" | "zip" | "7z");
            if !is_dumper && !is_archive {
                continue;
            }
            if cmd.name == "redis-cli" && !values.iter().flatten().any(|v| v == "--rdb") {
                continue;
            }
            if cmd.name == "sqlite3"
                && !values
                    .iter()
                    .flatten()
                    .any(|v| v.contains(".backup") || v.contains(".dump"))
            {
                continue;
            }
            if cmd.name == "etcdctl" && !values.iter().flatten().any(|v| v == "snapshot") {
                continue;
            }
            // Where does the output go?
            let mut target: Option<String> = option_output(cmd, &values).and_then(|i| {
                let v = values.get(i).cloned().flatten()?;
                Some(match v.split_once('=') {
                    Some((k, rest)) if k.starts_with("--") => rest.to_string(),
                    _ => v,
                })
            });
            if is_archive {
                target = archive_target(cmd, &values, script);
                let named_backup = target.as_deref().is_some_and(|t| {
                    let l = t.to_ascii_lowercase();
                    l.contains("backup") || l.contains("dump") || l.contains("snapshot")
                });
                if !named_backup {
                    continue;
                }
            }
            if target.is_none() {
                let stmt = cmd.statement;
                for r in descendants_of_kind(stmt, "file_redirect") {
                    let rt = script.node_text(r);
                    let is_out = rt
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .starts_with('>')
                        && !rt.starts_with("2>");
                    let dest = r
                        .child_by_field_name("destination")
                        .map(|d| script.word(d).approximate())
                        .unwrap_or_default();
                    if is_out
                        && !dest.is_empty()
                        && !dest.starts_with("/dev/")
                        && !dest.starts_with('&')
                    {
                        target = Some(dest);
                        break;
                    }
                }
            }
            let Some(target) = target else { continue };
            if target == "-" || target.starts_with("/dev/") {
                continue;
            }
            let start = cmd.node.start_byte();
            if umask_at.is_some_and(|u| u < start) {
                continue;
            }
            let stem = target
                .rsplit('/')
                .next()
                .unwrap_or(&target)
                .split('$')
                .next()
                .unwrap_or("")
                .to_string();
            let dir = target
                .rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default();
            let protected = chmods.iter().any(|(at, t)| {
                *at > start
                    && ((!stem.is_empty() && t.contains(&stem))
                        || (!dir.is_empty() && t.contains(&dir))
                        || t.contains(&target))
            });
            if protected {
                continue;
            }
            let stmt = cmd.statement;
            let message = format!(
                "`{}` writes `{target}` with the default umask, so other users can read the dump; run `umask 077` first",
                cmd.name
            );
            // Fix: `umask 077` on its own line before the statement, same indentation.
            let fix = if script.origin == ShellOrigin::Script {
                let line_start = text[..stmt.start_byte()].rfind('\n').map_or(0, |i| i + 1);
                let indent = &text[line_start..stmt.start_byte()];
                if indent.chars().all(|c| c == ' ' || c == '\t') {
                    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
                    out.edit(line_start..line_start, format!("{indent}umask 077{nl}"))
                } else {
                    None
                }
            } else {
                None
            };
            let f = out.report(stmt.byte_range(), message);
            f.severity = for_ci_context(cx, f.severity);
            if let Some(edit) = fix {
                f.fix = Some(Fix::safe("Insert `umask 077` before the dump", vec![edit]));
            }
        }
    }
}

/// `tar -czf FILE`, `tar --file=FILE`, `zip FILE …`.
fn archive_target(
    cmd: &SimpleCommand<'_>,
    values: &[Option<String>],
    script: &ShellScript,
) -> Option<String> {
    if cmd.name == "zip" || cmd.name == "7z" {
        let first = values
            .iter()
            .enumerate()
            .find(|(_, v)| v.as_deref().is_none_or(|x| !x.starts_with('-') && x != "a"))?;
        return cmd.args.get(first.0).map(|n| script.word(*n).approximate());
    }
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v.as_deref() else { continue };
        if let Some(f) = v.strip_prefix("--file=") {
            return Some(f.to_string());
        }
        let cluster = v.trim_start_matches('-');
        let is_flag_cluster = (v.starts_with('-') && !v.starts_with("--"))
            || (i == 0 && cluster.chars().all(|c| c.is_ascii_alphabetic()));
        if is_flag_cluster && cluster.contains('c') && cluster.ends_with('f') {
            return cmd.args.get(i + 1).map(|n| script.word(*n).approximate());
        }
    }
    None
}
