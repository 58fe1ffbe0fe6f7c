//! Compose services and backup commands as the readiness controls of `status`
//! see them, found during the walk: each compose service's build, ports, health
//! check, limits and user; and in any file that may run operations (scripts,
//! compose, manifests, CI), the first line that backs data up or restores it.
//! Nothing here decides a control; `status` does, from these facts.

use crate::classify::FileKind;
use crate::parse::yaml::YamlFile;
use crate::source::SourceFile;

/// A compose file as the readiness controls see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeFile {
    /// Repository-relative path.
    pub path: String,
    /// Its services.
    pub services: Vec<ComposeService>,
    /// Where it backs data up or restores it.
    pub backups: BackupLines,
}

/// A compose file's facts from its parse (whatever the parse recovered: a
/// template or a file with a syntax error still counts for what it shows).
pub fn compose_file(file: &SourceFile, yaml: &YamlFile) -> ComposeFile {
    ComposeFile {
        path: file.path.to_string(),
        services: compose_services(file, yaml),
        backups: backup_lines(&file.text),
    }
}

/// A compose service, with the lines that prove each fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeService {
    /// The compose file.
    pub file: String,
    /// Service name.
    pub name: String,
    /// Line of the service key.
    pub line: usize,
    /// Has a `build:` (the repository builds its image).
    pub built: bool,
    /// `image:` as written (empty when none).
    pub image: String,
    /// Publishes `ports:`.
    pub ports: bool,
    /// (line, effective) of `healthcheck:`; not effective when disabled or trivial.
    pub healthcheck: Option<(usize, bool)>,
    /// The healthcheck command, lower-cased.
    pub hc_text: String,
    /// Line of `deploy.resources.limits`, `mem_limit` or `cpus`.
    pub limits: Option<usize>,
    /// (line, user) of `user:`.
    pub user: Option<(usize, String)>,
}

/// Whether a health check command proves nothing (`true`, `exit 0`, `echo`).
pub fn trivial_healthcheck(args: &str) -> bool {
    let a = args.to_ascii_lowercase();
    let cmd = a
        .trim_start_matches("cmd")
        .trim()
        .trim_start_matches('[')
        .replace(['"', ',', '[', ']'], " ");
    let words: Vec<&str> = cmd.split_whitespace().collect();
    matches!(
        words.as_slice(),
        ["executable"]
            | ["cmd-shell", "executable"]
            | ["true"]
            | ["exit", "0"]
            | ["/bin/true"]
            | ["echo", ..]
            | ["cmd-shell", "true"]
            | ["cmd-shell", "exit", "0"]
            | ["cmd-shell", "echo", ..]
    )
}

/// The services of a compose file as the readiness controls see them.
pub fn compose_services(file: &SourceFile, yaml: &YamlFile) -> Vec<ComposeService> {
    let line = |off: usize| file.lines.line_of(off) + 1;
    let mut out = Vec::new();
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        let Some(svcs) = root.get("services").and_then(|s| s.as_map()) else {
            continue;
        };
        for s in svcs {
            let v = &s.value;
            let hc = v.get("healthcheck").map(|h| {
                let disabled = h.get("disable").and_then(|d| d.as_bool()) == Some(true)
                    || h.get("test")
                        .map(|t| {
                            let joined = t.strings().join(" ").to_ascii_lowercase();
                            joined == "none" || trivial_healthcheck(&joined)
                        })
                        .unwrap_or(false);
                (line(h.span.start), !disabled)
            });
            let hc_text = v
                .at(&["healthcheck", "test"])
                .map(|t| t.strings().join(" ").to_ascii_lowercase())
                .unwrap_or_default();
            let limits = v
                .at(&["deploy", "resources", "limits"])
                .or_else(|| v.get("mem_limit"))
                .or_else(|| v.get("cpus"))
                .map(|n| line(n.span.start));
            out.push(ComposeService {
                file: file.path.to_string(),
                name: s.key.clone(),
                line: line(s.key_span.start),
                built: v.get("build").is_some(),
                image: v
                    .get("image")
                    .and_then(|i| i.as_str())
                    .unwrap_or("")
                    .to_string(),
                ports: v.get("ports").is_some(),
                healthcheck: hc,
                hc_text,
                limits,
                user: v
                    .get("user")
                    .and_then(|u| u.as_str().map(|s| (line(u.span.start), s.to_string()))),
            });
        }
    }
    // Held until the walk ends: sized to the services, not to the room pushes left.
    out.shrink_to_fit();
    out
}

/// A command that backs data up (`pg_dump`, `restic backup`, `velero backup`…).
pub static BACKUP_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(pg_dump|pg_dumpall|pg_basebackup|mysqldump|mariadb-dump|mongodump|restic\s+(?:-\S+\s+)*backup|borg\s+create|velero\s+backup|wal-g\s+backup-push|barman\s+backup|redis-cli\s+.*\bbgsave|sqlite3\s+\S+\s+['\x22]?\.backup|\.backup\()").unwrap_or_else(|_| unreachable!())
});

/// A command that restores or verifies a backup (`pg_restore`, `restic check`…).
pub static RESTORE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(pg_restore|mongorestore|restic\s+(?:-\S+\s+)*(?:check|restore)|borg\s+(?:check|extract)|velero\s+restore|wal-g\s+backup-fetch|pg_verifybackup|sha256sum\s+(?:-c|--check)|md5sum\s+-c|gzip\s+-t|gunzip\s+-t|psql\b[^|]*<|mysql\b[^|]*<|verify_backup|restore_backup|test_restore)").unwrap_or_else(|_| unreachable!())
});

/// A command that moves or copies data somewhere (a dump, a copy, an archive, an
/// upload, a snapshot): what a script named "backup" must run to be one.
static MOVES_DATA_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)(\b(cp|rsync|scp|rclone|tar|zip|gzip|xz|zstd|s3cmd|gsutil|azcopy|restic|borg|dd)\b|dump|snapshot|\bcopy(file|2|tree)?\b|copy\(|\bupload(_file|_fileobj)?\b|upload\(|\bsync\b|aws\s+s3|az\s+storage|mc\s+(cp|mirror)|\.backup\b|backup\()").unwrap_or_else(|_| unreachable!())
});

/// Lines that only talk or wait (`echo`, `printf`, `sleep`, a log call): never the
/// work itself, even when they name it ("Starting backup…").
fn only_talks(t: &str) -> bool {
    let first = t
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        first.as_str(),
        "echo" | "printf" | "sleep" | "print" | "log" | "logger" | "say" | "exit" | "return"
    ) || first.starts_with("log.")
        || first.starts_with("logger.")
        || first.starts_with("logging.")
        || first.starts_with("console.")
}

/// Lines that do no work of their own: shell control words, `set`, a variable
/// assignment, a shebang, or a probe of a health or readiness route.
fn no_work(t: &str) -> bool {
    let first = t.split_whitespace().next().unwrap_or("");
    let lower = t.to_ascii_lowercase();
    only_talks(t)
        || t.starts_with("#!")
        || matches!(
            first,
            "set"
                | "while"
                | "for"
                | "until"
                | "case"
                | "if"
                | "then"
                | "else"
                | "elif"
                | "fi"
                | "do"
                | "done"
                | "esac"
                | ";;"
                | "}"
                | "{"
                | "true"
                | ":"
                | "shift"
                | "local"
                | "readonly"
                | "export"
        )
        || (first.contains('=') && !first.starts_with('=') && !t.contains("$("))
        // A YAML key or list item (a CronJob's manifest): configuration, not a command.
        || first.ends_with(':')
        || first == "-"
        || lower.ends_with(";;")
        || ["/readyz", "/healthz", "/health", "/ready", "/livez"]
            .iter()
            .any(|r| lower.contains(r))
}

/// Whether a file may run operations (a backup, a restore, a rollback): a shell
/// script, a Makefile, justfile or Taskfile, or a production file named after
/// one (`backup`, `restore`, `dump`, `snapshot`, `rollback`, `cron`) that can run.
/// `lower_name` is the file name lower-cased, `kind` its kind.
pub fn is_script_candidate(path: &str, lower_name: &str, kind: Option<FileKind>) -> bool {
    if !matches!(
        crate::roles::role_of(path),
        crate::roles::FileRole::Production
    ) {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let named = ["backup", "restore", "dump", "snapshot", "rollback", "cron"]
        .iter()
        .any(|k| lower.contains(k));
    let scripty = matches!(kind, Some(FileKind::Shell))
        || lower_name.ends_with(".py")
        || lower_name.ends_with(".yml")
        || lower_name.ends_with(".yaml")
        || lower_name.ends_with(".sql")
        || !lower_name.contains('.');
    (named && scripty && !lower_name.ends_with(".md"))
        || matches!(kind, Some(FileKind::Shell))
        || matches!(lower_name, "makefile" | "justfile" | "taskfile.yml")
}

/// A script ([`is_script_candidate`]) as the operations controls see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFile {
    /// Repository-relative path.
    pub path: String,
    /// Where it backs data up or restores it (and whether it is blank).
    pub backups: BackupLines,
}

/// Where a file backs data up or restores it, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupLines {
    /// Blank or whitespace only: proves nothing.
    pub blank: bool,
    /// First line matching [`BACKUP_RE`], comments included: (line, trimmed text).
    pub any_backup: Option<(usize, String)>,
    /// First uncommented line matching [`BACKUP_RE`]: (line, trimmed text).
    pub backup: Option<(usize, String)>,
    /// First uncommented line matching [`RESTORE_RE`]: (line, trimmed text).
    pub restore: Option<(usize, String)>,
    /// First uncommented line that moves data (a dump, copy, archive, upload or
    /// snapshot command; not an `echo` about one), else the first that does any
    /// work (runs a command, a function, another script): `None` for a script that
    /// only prints, probes and sleeps, such as a simulated backup.
    pub moves_data: Option<(usize, String)>,
}

/// The backup and restore lines of one file's text.
pub fn backup_lines(text: &str) -> BackupLines {
    let numbered = || {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
    };
    let mut out = BackupLines {
        blank: text.trim().is_empty(),
        any_backup: numbered()
            .find(|(_, l)| BACKUP_RE.is_match(l))
            .map(|(n, l)| (n, l.trim().to_string())),
        ..BackupLines::default()
    };
    let mut work = None;
    for (n, l) in numbered() {
        let t = l.trim();
        if t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        if out.backup.is_none() && BACKUP_RE.is_match(t) {
            out.backup = Some((n, t.to_string()));
        }
        if out.restore.is_none() && RESTORE_RE.is_match(t) {
            out.restore = Some((n, t.to_string()));
        }
        if out.moves_data.is_none() && !only_talks(t) && MOVES_DATA_RE.is_match(t) {
            out.moves_data = Some((n, t.to_string()));
        }
        if work.is_none() && !t.is_empty() && !no_work(t) {
            work = Some((n, t.to_string()));
        }
    }
    if out.moves_data.is_none() {
        out.moves_data = work;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trivial_healthchecks() {
        assert!(trivial_healthcheck("CMD true"));
        assert!(
            trivial_healthcheck("--interval=30s CMD [ \"executable\" ]")
                || trivial_healthcheck("CMD [ \"executable\" ]")
        );
        assert!(trivial_healthcheck("CMD exit 0"));
        assert!(trivial_healthcheck("[\"CMD-SHELL\", \"echo ok\"]"));
        assert!(!trivial_healthcheck(
            "CMD curl -fsS http://localhost:8000/health || exit 1"
        ));
        assert!(!trivial_healthcheck("cmd-shell pg_isready -u app"));
    }

    #[test]
    fn compose_services_and_backup_lines() {
        let text = "services:\n  db:\n    image: postgres\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n  dump:\n    # command: mongodump\n    command: pg_dump -h db app\n";
        let file = SourceFile::new("compose.yml".to_string(), text.to_string());
        let c = compose_file(&file, &crate::parse::yaml::parse(text));
        assert_eq!(c.services.len(), 2);
        // The line of the health check's value; `true` proves nothing.
        assert_eq!(c.services[0].healthcheck, Some((5, false)));
        assert_eq!(c.backups.any_backup.as_ref().map(|b| b.0), Some(7));
        assert_eq!(c.backups.backup.as_ref().map(|b| b.0), Some(8));
        assert!(c.backups.restore.is_none() && !c.backups.blank);
    }

    /// A simulated backup (podinfo's `backup.sh`: echo, a readiness check, sleep)
    /// moves no data; a real one copies, dumps, archives or uploads.
    #[test]
    fn a_backup_that_only_echoes_and_sleeps_moves_no_data() {
        let fake = "#!/bin/sh\nset -e\n# This is a simulation of a backup process.\necho \"Starting backup (estimated run time: 60s)\"\npodcli check http database-replica:3306/readyz\nsleep 60\necho \"Backup finished\"\nexit $EXIT_CODE\n";
        assert_eq!(backup_lines(fake).moves_data, None);
        let cronjob = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup-daily\nspec:\n  schedule: \"0 0 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: backup\n            command:\n            - /bin/sh\n            - /scripts/backup.sh\n";
        assert_eq!(backup_lines(cronjob).moves_data, None);
        let wrapper = backup_lines(
            "#!/usr/bin/env bash\nwhile (($#)); do\n  case \"$1\" in\n  --fast) FAST=1 ;;\n  esac\n  shift\ndone\ncmd=\"backup $1\"\nsource scripts/_lib.sh\n$cmd\n",
        );
        assert_eq!(wrapper.moves_data.map(|m| m.0), Some(9));
        for real in [
            "#!/bin/sh\ntar czf /backups/data-$(date +%F).tgz /data\n",
            "#!/bin/sh\naws s3 cp /data/db.sqlite s3://bucket/\n",
            "#!/bin/sh\nrsync -a /data/ backup:/srv/data/\n",
            "import shutil\nshutil.copy2(DB, dest)\n",
            "sqlite3 /data/app.db \".backup /backups/app.db\"\n",
            // sentry-self-hosted's scripts/backup.sh: a wrapper calling the function that backs up.
            "#!/usr/bin/env bash\nMINIMIZE_DOWNTIME=\"${MINIMIZE_DOWNTIME:-}\"\nwhile (($#)); do\n  case \"$1\" in\n  --minimize-downtime) MINIMIZE_DOWNTIME=1 ;;\n  esac\n  shift\ndone\ncmd=\"backup $1\"\nsource scripts/_lib.sh\n$cmd\n",
        ] {
            assert!(backup_lines(real).moves_data.is_some(), "{real}");
        }
    }
}
