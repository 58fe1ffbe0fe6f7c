//! Small helpers the shell rules share.

use std::ops::Range;

use crate::finding::Severity;
use crate::parse::shell::ShellScript;
use crate::rules::FileCx;

/// Byte ranges of comments in the script, sorted.
pub fn comment_ranges(script: &ShellScript) -> Vec<Range<usize>> {
    descendants_of_kind(script.root(), "comment")
        .into_iter()
        .map(|n| n.byte_range())
        .collect()
}

/// Byte ranges of here-documents the script only prints (`cat <<EOF` … `EOF` to the
/// terminal: a usage banner, a hint), sorted: their text is shown, never run or
/// written anywhere. A heredoc piped or redirected to a file (`cat <<EOF >
/// ~/.ssh/config`, `cat <<EOF | ssh host`) or fed to another command is not one.
pub fn printed_heredoc_ranges(script: &ShellScript) -> Vec<Range<usize>> {
    let text = script.text();
    let mut out: Vec<Range<usize>> = descendants_of_kind(script.root(), "heredoc_body")
        .into_iter()
        .filter(|body| {
            let mut up = body.parent();
            while let Some(n) = up {
                if n.kind() == "redirected_statement" {
                    break;
                }
                up = n.parent();
            }
            let Some(stmt) = up else { return false };
            // Only a statement of its own: not a stage of a pipeline, not `$(cat <<EOF)`.
            if stmt
                .parent()
                .is_some_and(|p| matches!(p.kind(), "pipeline" | "command_substitution"))
            {
                return false;
            }
            let name = stmt
                .child_by_field_name("body")
                .filter(|b| b.kind() == "command")
                .and_then(|b| b.child_by_field_name("name"))
                .map(|n| script.node_text(n).trim().to_string());
            let head = text.get(stmt.start_byte()..body.start_byte()).unwrap_or("");
            let to_file = head
                .match_indices('>')
                .any(|(i, _)| !head[i + 1..].starts_with('&'));
            name.as_deref() == Some("cat") && !to_file && !head.contains('|')
        })
        .map(|n| n.byte_range())
        .collect();
    out.sort_by_key(|r| r.start);
    out
}

/// Whether `offset` falls inside one of `comments` (sorted, non-overlapping: a
/// binary search, since rules ask once per command).
pub fn in_comment(comments: &[Range<usize>], offset: usize) -> bool {
    let i = comments.partition_point(|r| r.start <= offset);
    i > 0 && comments[i - 1].contains(&offset)
}

pub use crate::parse::shell::descendants_of_kind;

/// Short-option letters of a clustered flag word (`-sSLk` → "sSLk"), stopping at the first
/// letter that takes a value (listed in `takes_value`).
pub fn short_flags<'a>(word: &'a str, takes_value: &str) -> &'a str {
    let Some(rest) = word.strip_prefix('-') else {
        return "";
    };
    if rest.starts_with('-') {
        return "";
    }
    match rest.char_indices().find(|(_, c)| takes_value.contains(*c)) {
        Some((i, c)) => &rest[..i + c.len_utf8()],
        None => rest,
    }
}

/// Host of a URL-ish string (`https://x.y:8443/p` → `x.y`).
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('['))?
    } else {
        host.split(':').next()?
    };
    Some(host)
}

/// Loopback or local names: calls to them are health checks, not downloads.
pub fn is_local_host(host: &str) -> bool {
    host == "localhost"
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
        || host.ends_with(".localhost")
}

/// Severity of a shell weakness in a CI-only file (a workflow `run:`, `.github/scripts/`):
/// one step lower than in a shipped script, because it runs on a throwaway runner and
/// not on a server or a user's machine (docs/severity.md, "Context"). Elsewhere unchanged.
pub fn for_ci_context(cx: &FileCx<'_>, severity: Severity) -> Severity {
    if !crate::roles::is_ci_only(&cx.file.path) {
        return severity;
    }
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        other => other,
    }
}

/// The simple command a pipeline ends in (its redirections looked through), the one
/// whose status is the pipeline's without `pipefail`.
pub fn pipeline_consumer<'s>(
    script: &'s ShellScript,
    p: tree_sitter::Node<'_>,
) -> Option<&'s crate::parse::shell::SimpleCommand<'s>> {
    let mut c = p.walk();
    let last = p.named_children(&mut c).last()?;
    let last = if last.kind() == "redirected_statement" {
        last.child_by_field_name("body")?
    } else {
        last
    };
    script.commands().iter().find(|c| c.node.id() == last.id())
}

/// Whether the pipeline ends in a command that itself fails on an empty or truncated
/// stream (an archive extractor, a decompressor, a checksum check, `gpg`): when the
/// producer fails, the consumer fails too and the build stops, with or without
/// `pipefail`. Measured with GNU tar 1.34, gzip, xz, coreutils and GnuPG 2.2: each
/// exits non-zero on empty input. `jq` is not among them (jq 1.6 exits 0 on empty
/// input, even with `-e`), nor `tee`/`dd`/`cat`, which happily write an empty file.
pub fn consumer_fails_on_bad_input(script: &ShellScript, p: tree_sitter::Node<'_>) -> bool {
    let Some(cmd) = pipeline_consumer(script, p) else {
        return false;
    };
    let args: Vec<String> = cmd.arg_values(script).into_iter().flatten().collect();
    let has = |pred: &dyn Fn(&str) -> bool| args.iter().any(|a| pred(a));
    let short_flag =
        |a: &str, ch: char| a.starts_with('-') && !a.starts_with("--") && a[1..].contains(ch);
    match cmd.name.as_str() {
        // `tar xzf -`, `tar -xz`, `tar --extract`: reading an archive fails on an empty
        // or truncated one. (`tar -c` reads files, not the pipe.)
        "tar" => {
            has(&|a| a == "--extract" || a == "--list" || short_flag(a, 'x') || short_flag(a, 't'))
                || args
                    .first()
                    .is_some_and(|a| !a.starts_with('-') && (a.contains('x') || a.contains('t')))
        }
        "gunzip" | "zcat" | "unxz" | "xzcat" | "bunzip2" | "bzcat" | "unzstd" | "zstdcat" => true,
        "gzip" | "xz" | "bzip2" | "zstd" => has(&|a| a == "--decompress" || short_flag(a, 'd')),
        "sha256sum" | "sha512sum" | "sha1sum" | "md5sum" | "b2sum" => {
            has(&|a| a == "--check" || short_flag(a, 'c'))
        }
        "gpg" | "gpg2" => has(&|a| matches!(a, "--dearmor" | "--dearmour" | "--import")),
        // `kubectl apply -f -` on empty input: "error: no objects passed to apply"
        // (also with global flags first: `kubectl -n ns apply --server-side -f -`).
        "kubectl" => {
            args.iter()
                .any(|a| matches!(a.as_str(), "apply" | "create" | "replace" | "delete"))
                && args.windows(2).any(|w| w[0] == "-f" && w[1] == "-")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_hosts() {
        assert_eq!(short_flags("-sSLk", "oHdXuA"), "sSLk");
        assert_eq!(short_flags("-sko", "o"), "sko");
        assert_eq!(short_flags("-so", "o"), "so");
        assert_eq!(short_flags("--insecure", "o"), "");
        assert_eq!(
            url_host("https://user:pw@api.example.com:8443/x"),
            Some("api.example.com")
        );
        assert_eq!(url_host("http://[::1]:80/"), Some("::1"));
        assert!(is_local_host("127.0.0.1"));
    }

    #[test]
    fn only_heredocs_printed_to_the_terminal() {
        use crate::mapped::MappedText;
        use crate::parse::shell::ShellOrigin;
        let printed = |src: &str| {
            let s = ShellScript::parse(MappedText::verbatim(src, 0), ShellOrigin::Script)
                .expect("parses");
            printed_heredoc_ranges(&s).len()
        };
        assert_eq!(
            printed("cat <<EOF\nssh -o StrictHostKeyChecking=no x\nEOF\n"),
            1
        );
        assert_eq!(printed("cat <<EOF >&2\nusage: x\nEOF\n"), 1);
        assert_eq!(
            printed("cat <<EOF > ~/.ssh/config\nStrictHostKeyChecking no\nEOF\n"),
            0
        );
        assert_eq!(printed("cat <<EOF | ssh host sh\nrm -rf /tmp/x\nEOF\n"), 0);
        assert_eq!(
            printed("bash <<EOF\nssh -o StrictHostKeyChecking=no x\nEOF\n"),
            0
        );
    }
}
