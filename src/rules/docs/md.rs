//! Markdown reading for the `docs/` rules: links, headings (GitHub anchors) and
//! inline code spans, with byte offsets, via pulldown-cmark.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

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
                    let base = slug(&h);
                    let n = seen.entry(base.clone()).or_insert(0);
                    let anchor = if *n == 0 {
                        base.clone()
                    } else {
                        format!("{base}-{n}")
                    };
                    *n += 1;
                    out.anchors.push(anchor);
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

/// GitHub's heading anchor: lower-case, punctuation dropped (except `-` and `_`),
/// spaces to `-`.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else {
                None
            }
        })
        .collect()
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
    }
}
