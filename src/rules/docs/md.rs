//! Markdown reading for the `docs/` rules: links, headings (GitHub anchors) and
//! inline code spans, with byte offsets, via pulldown-cmark.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

/// A link or image destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The destination as written (`../ops/runbook.md#restart`).
    pub dest: String,
    /// Byte range of the whole link in the file.
    pub span: Range<usize>,
    /// An image (`![alt](src)`).
    pub image: bool,
}

/// What the docs rules need from one Markdown file.
#[derive(Debug, Default)]
pub struct MdFacts {
    /// Links and images, in order.
    pub links: Vec<Link>,
    /// GitHub anchors of the headings (and explicit `id`/`name` anchors).
    pub anchors: Vec<String>,
    /// Inline code spans: text and byte range.
    pub code: Vec<(String, Range<usize>)>,
    /// Fenced code blocks: info string (`bash`), content, byte range of the block.
    pub blocks: Vec<(String, String, Range<usize>)>,
}

/// Parses a Markdown document.
pub fn facts(text: &str) -> MdFacts {
    let mut out = MdFacts::default();
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut heading: Option<String> = None;
    let mut block: Option<(String, String, Range<usize>)> = None;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (ev, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match ev {
            // `<user@example.com>` is an e-mail address, not a path.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => {}
            Event::Start(Tag::Link { dest_url, .. }) => out.links.push(Link {
                dest: dest_url.to_string(),
                span: range,
                image: false,
            }),
            Event::Start(Tag::Image { dest_url, .. }) => out.links.push(Link {
                dest: dest_url.to_string(),
                span: range,
                image: true,
            }),
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let (text, ids) = strip_attribute_lists(&h);
                    out.anchors.extend(ids);
                    let base = slug(&text);
                    let n = seen.entry(base.clone()).or_insert(0);
                    let anchor = if *n == 0 {
                        base.clone()
                    } else {
                        format!("{base}-{n}")
                    };
                    *n += 1;
                    out.anchors.push(anchor);
                    // MkDocs / Python-Markdown slugs (ASCII, runs of `-` collapsed).
                    let toc = toc_slug(&text);
                    if !out.anchors.contains(&toc) {
                        out.anchors.push(toc);
                    }
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(i) => {
                        i.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((info, String::new(), range));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(b) = block.take() {
                    out.blocks.push(b);
                }
            }
            Event::Text(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some(b) = block.as_mut() {
                    b.1.push_str(&t);
                }
            }
            Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                out.code.push((t.to_string(), range));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                html_anchors(&t, &mut out.anchors);
            }
            _ => {}
        }
    }
    // `{: #id }` attribute lists on paragraphs, list items, images (Python-Markdown's
    // attr_list): anchors too.
    out.anchors.extend(attribute_list_ids(text));
    out
}

/// Removes trailing attribute lists (`{#id}`, `{ #id .class }`, `{: #id}`) from a
/// heading's text and returns the text and the ids they declare (MkDocs, Pandoc, kramdown).
pub fn strip_attribute_lists(heading: &str) -> (String, Vec<String>) {
    let mut text = heading.trim_end().to_string();
    let mut ids = Vec::new();
    while text.ends_with('}') {
        let Some(open) = text.rfind('{') else { break };
        let inner = text[open + 1..text.len() - 1].trim();
        let inner = inner.strip_prefix(':').unwrap_or(inner).trim();
        let is_attr = !inner.is_empty()
            && inner
                .split_whitespace()
                .all(|t| t.starts_with(['#', '.']) || t.contains('='));
        if !is_attr {
            break;
        }
        ids.extend(
            inner
                .split_whitespace()
                .filter_map(|t| t.strip_prefix('#'))
                .filter(|id| !id.is_empty())
                .map(str::to_string),
        );
        text.truncate(open);
        text = text.trim_end().to_string();
    }
    (text, ids)
}

/// Ids declared by `{: #id }` / `{ #id }` attribute lists anywhere in a document.
fn attribute_list_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find('{').map(|i| i + from) {
        let Some(len) = text[i..].find('}') else {
            break;
        };
        let inner = text[i + 1..i + len].trim();
        let inner = inner.strip_prefix(':').unwrap_or(inner).trim();
        let toks: Vec<&str> = inner.split_whitespace().collect();
        if !toks.is_empty()
            && toks.len() <= 6
            && toks
                .iter()
                .all(|t| t.starts_with(['#', '.']) || t.contains('='))
        {
            out.extend(
                toks.iter()
                    .filter_map(|t| t.strip_prefix('#'))
                    .filter(|id| {
                        !id.is_empty()
                            && id
                                .chars()
                                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                    })
                    .map(str::to_string),
            );
        }
        from = i + len.max(1);
    }
    out
}

/// MyST (Sphinx's Markdown) targets: a line `(develop-documentation)=` declares a label
/// for the heading or block after it, which `[text](develop-documentation)` and
/// `[text](#develop-documentation)` reach from any page of the project. Fenced code is
/// skipped.
pub fn myst_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        let Some(label) = t.strip_prefix('(').and_then(|r| r.strip_suffix(")=")) else {
            continue;
        };
        if !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        {
            out.push(label.to_string());
        }
    }
    out
}

/// `<a name="x">`, `<a id="x">`, `<div id="x">`: explicit anchors.
fn html_anchors(html: &str, out: &mut Vec<String>) {
    for key in ["id=\"", "name=\"", "id='", "name='"] {
        let quote = key.chars().last().unwrap_or('"');
        let mut from = 0;
        while let Some(i) = html[from..].find(key).map(|i| i + from) {
            let start = i + key.len();
            let Some(len) = html[start..].find(quote) else {
                break;
            };
            let before = html[..i].chars().last();
            if before.is_none_or(|c| c.is_whitespace()) {
                out.push(html[start..start + len].to_string());
            }
            from = start + len;
        }
    }
}

/// GitHub's heading anchor (github-slugger): lower case, characters other than letters,
/// marks, numbers, `-`, `_` and spaces dropped (Unicode letters kept: `## Überblick` is
/// `#überblick`), each space to `-`.
pub fn slug(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    for c in heading.trim().chars() {
        if c == ' ' {
            out.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' || is_combining_mark(c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Combining marks (accents written as separate characters, Indic vowel signs not in
/// Alphabetic): github-slugger keeps them.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Python-Markdown's default `toc` slug, which MkDocs uses: accents removed (NFKD, then
/// ASCII only), characters other than word characters, spaces and `-` dropped, lower
/// case, runs of spaces and `-` collapsed to one `-`.
pub fn toc_slug(heading: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let ascii: String = heading.nfkd().filter(char::is_ascii).collect();
    let kept: String = ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | '\t'))
        .collect::<String>()
        .trim()
        .to_ascii_lowercase();
    let mut out = String::with_capacity(kept.len());
    let mut dash = false;
    for c in kept.chars() {
        if c == '-' || c.is_whitespace() {
            if !dash {
                out.push('-');
            }
            dash = true;
        } else {
            out.push(c);
            dash = false;
        }
    }
    out
}

/// Percent-decodes `%20` and friends (invalid sequences are kept as written).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Joins a relative path to a directory and normalises `.`/`..`;
/// `None` when it climbs out of the repository.
pub fn join_normalized(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Directory part of a repository-relative path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_headings_and_code() {
        let t = "# Deploy Guide\n\nSee [runbook](ops/runbook.md#restart-the-api) and ![arch](img/a.png).\n\n## Restart the API (v2)\n\nRun `scripts/restart.sh`.\n\n```sh\n[not](a-link.md) `not/code.sh`\n```\n\n## Restart the API (v2)\n<a name=\"legacy\"></a>\n";
        let f = facts(t);
        assert_eq!(f.links.len(), 2);
        assert_eq!(f.links[0].dest, "ops/runbook.md#restart-the-api");
        assert_eq!(
            &t[f.links[0].span.clone()],
            "[runbook](ops/runbook.md#restart-the-api)"
        );
        assert!(f.links[1].image);
        assert_eq!(
            f.anchors,
            vec![
                "deploy-guide",
                "restart-the-api-v2",
                "restart-the-api-v2-1",
                "legacy"
            ]
        );
        assert_eq!(f.code.len(), 1);
        assert_eq!(f.code[0].0, "scripts/restart.sh");
    }

    #[test]
    fn paths() {
        assert_eq!(
            join_normalized("docs", "../ops/x.md"),
            Some("ops/x.md".into())
        );
        assert_eq!(
            join_normalized("docs", "/README.md"),
            Some("README.md".into())
        );
        assert_eq!(join_normalized("", "../x.md"), None);
        assert_eq!(percent_decode("My%20Doc.md"), "My Doc.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(slug("Step 3: Roll back `api`!"), "step-3-roll-back-api");
        assert_eq!(slug("Überblick: Dienste"), "überblick-dienste");
        assert_eq!(slug("A -- B"), "a----b");
        assert_eq!(toc_slug("A -- B"), "a-b");
        assert_eq!(toc_slug("Café & Crème"), "cafe-creme");
    }

    #[test]
    fn myst_target_labels() {
        let t = "# Contributing\n\n- [Docs](develop-documentation)\n\n(develop-documentation)=\n\n## Develop documentation\n\n```md\n(not-a-label)=\n```\n(bad label)=\n";
        assert_eq!(myst_targets(t), vec!["develop-documentation".to_string()]);
    }

    #[test]
    fn attribute_list_anchors() {
        let t = "## Configuration { #unpinned-uses-configuration }\n\n### `rules.<id>.ignore` {#rules-id-ignore}\n\n## IDEs *x*{.chip .chip-experimental} { #ides }\n\n## Setup {: #setup .wide }\n\nA paragraph.\n{: #para-anchor }\n\n## Plain {not an attr}\n";
        let f = facts(t);
        for a in [
            "unpinned-uses-configuration",
            "rules-id-ignore",
            "ides",
            "setup",
            "para-anchor",
            "configuration",
            "plain-not-an-attr",
        ] {
            assert!(f.anchors.iter().any(|x| x == a), "{a} in {:?}", f.anchors);
        }
    }

    #[test]
    fn email_autolinks_are_not_links() {
        let f = facts("* Jane <jane@example.org> @jane\n* [docs](docs/a.md)\n");
        assert_eq!(f.links.len(), 1);
        assert_eq!(f.links[0].dest, "docs/a.md");
    }
}
