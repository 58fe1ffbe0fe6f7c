//! `docker/add-instead-of-copy`: `ADD` where `COPY` fits, and remote `ADD` without a checksum.

use crate::finding::{Fix, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct AddInsteadOfCopy;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/add-instead-of-copy",
    summary: "`ADD` of local files where `COPY` fits, or of a URL without `--checksum`",
    severity: Severity::Low,
    docs: r#"
## Why
`ADD` does more than copy: it fetches URLs and unpacks local archives. For a
remote URL nothing checks what was downloaded — the same supply-chain hole as
`curl | sh`, baked into a layer — and the build is not reproducible (medium).
For plain local files and directories `ADD` behaves like `COPY`, but a reader
cannot tell whether the auto-extraction was intended, and a file that happens
to be an archive is silently unpacked (low).

Not reported: `ADD` of a local tar archive (`.tar`, `.tar.gz`, `.tgz`,
`.tar.xz`, …), where unpacking is the point; `ADD --checksum=sha256:… <url>`;
a git source pinned to a full commit id (`…git#<40-hex>`); sources that are
only known at build time (`ADD ${ARTIFACT} …`).

## Example
```dockerfile
ADD requirements.txt /app/
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
```

## Fix
```dockerfile
COPY requirements.txt /app/
ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
```
`harden fix` replaces `ADD` by `COPY` for local non-archive sources (safe).

hadolint reports the local case as DL3020 (it also accepts archives, but not an
`ADD ${ARTIFACT}` whose `ARG` default is an archive, which we resolve); it has no
check for a missing `--checksum` on remote `ADD` (its newer versions are silent on
`ADD https://…` too).
"#,
};

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://")
        || l.starts_with("https://")
        || l.starts_with("git@")
        || l.starts_with("git://")
}

fn is_archive(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        ".tar",
        ".tar.gz",
        ".tgz",
        ".tar.bz2",
        ".tbz2",
        ".tbz",
        ".tar.xz",
        ".txz",
        ".tar.zst",
        ".tzst",
        ".tar.lz",
        ".tar.lzma",
        ".tlz",
    ]
    .iter()
    .any(|e| l.ends_with(e))
}

fn pinned_git(s: &str) -> bool {
    s.rsplit_once('#').is_some_and(|(_, r)| {
        let r = r.split(':').next().unwrap_or(r);
        r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())
    })
}

impl Rule for AddInsteadOfCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        for ins in &df.instructions {
            if ins.keyword != "ADD" || !ins.heredocs.is_empty() {
                continue;
            }
            let env = util::env_of(
                df,
                df.instructions
                    .iter()
                    .filter(|i| i.stage == ins.stage && i.span.start < ins.span.start),
            );
            let sources = util::copy_sources(ins);
            if sources.is_empty() {
                continue;
            }
            let mut local_plain = true;
            for (src, span) in &sources {
                let Some(resolved) = util::resolve(src, &env) else {
                    local_plain = false;
                    continue;
                };
                if is_url(&resolved) {
                    local_plain = false;
                    let git = resolved.starts_with("git@")
                        || resolved.starts_with("git://")
                        || resolved.contains(".git#")
                        || resolved.ends_with(".git");
                    if git {
                        if !pinned_git(&resolved) {
                            let f = out.report(
                                span.clone(),
                                format!("`ADD {src}` fetches a git ref that can move; pin a full commit id (`#<sha>`)"),
                            );
                            f.severity = util::for_role(cx, Severity::Medium);
                        }
                    } else if ins.flag("checksum").is_none() {
                        let f = out.report(
                            span.clone(),
                            format!("`ADD {src}` downloads at build time without verifying the content; add `--checksum=sha256:…`"),
                        );
                        f.severity = util::for_role(cx, Severity::Medium);
                    }
                } else if is_archive(&resolved) || resolved.contains('$') {
                    local_plain = false;
                }
            }
            if !local_plain
                || ins
                    .flags
                    .iter()
                    .any(|(n, _)| matches!(n.as_str(), "checksum" | "keep-git-dir" | "unpack"))
            {
                continue;
            }
            let edit = out.edit(ins.keyword_span.clone(), "COPY");
            let f = out.report(
                ins.keyword_span.start..ins.args_span().end,
                "`ADD` of local files behaves like `COPY` but may silently unpack archives; use `COPY`",
            );
            if let Some(e) = edit {
                f.fix = Some(Fix::safe("Use COPY instead of ADD", vec![e]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::{apply_fixes, check};

    #[test]
    fn sources() {
        let f = |t: &str| check(&AddInsteadOfCopy, &format!("FROM alpine:3.20\n{t}\n"));
        assert_eq!(f("ADD app.py /app/")[0].severity, Severity::Low);
        assert_eq!(f("ADD https://x/y.bin /y")[0].severity, Severity::Medium);
        assert!(f("ADD --checksum=sha256:00 https://x/y.bin /y").is_empty());
        assert!(f("ADD rootfs.tar.xz /").is_empty());
        assert!(f("ADD <<EOF /x\nhello\nEOF").is_empty());
        assert_eq!(
            f("ADD https://github.com/o/r.git#main /src")[0].severity,
            Severity::Medium
        );
        assert!(f("ARG A=dist/x.tgz\nADD ${A} /opt/").is_empty());
    }

    #[test]
    fn fix_replaces_keyword() {
        let text = "FROM alpine:3.20\nadd --chown=1000 conf/ /etc/app/\n";
        let f = check(&AddInsteadOfCopy, text);
        assert_eq!(
            apply_fixes(text, &f),
            "FROM alpine:3.20\nCOPY --chown=1000 conf/ /etc/app/\n"
        );
    }
}
