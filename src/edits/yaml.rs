//! Inserting keys into a block YAML mapping, for fixes that add a skeleton
//! (`resources.limits`, `deploy.resources.limits`).

use super::newline_of;
use crate::finding::Edit;
use crate::parse::yaml::{YamlNode, YamlValue};

/// Column (in bytes, all ASCII before it) of the keys of a block mapping, or `None`
/// when the mapping is a flow mapping, is empty, has merged keys (their spans lie
/// elsewhere) or anything before a key on its line is not spaces or a `- ` item marker.
pub fn block_key_column(text: &str, map: &YamlNode) -> Option<usize> {
    let YamlValue::Map(pairs) = &map.value else {
        return None;
    };
    let first = pairs.first()?;
    if text.get(map.span.start..)?.starts_with('{') {
        return None;
    }
    if pairs.iter().any(|p| {
        p.key_span.start < map.span.start || p.key_span.end > map.span.end || p.key == "<<"
    }) {
        return None;
    }
    let col = column_of(text, first.key_span.start)?;
    for p in pairs {
        let line_start = text[..p.key_span.start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = &text[line_start..p.key_span.start];
        if !prefix.chars().all(|c| c == ' ' || c == '-') {
            return None;
        }
        if prefix.len() != col {
            return None;
        }
    }
    Some(col)
}

fn column_of(text: &str, pos: usize) -> Option<usize> {
    let before = text.get(..pos)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &before[line_start..];
    prefix
        .chars()
        .all(|c| c == ' ' || c == '-')
        .then_some(prefix.len())
}

/// An insertion of `lines` (each `(depth, text)`) as new keys of the block mapping
/// `map`, after its last entry, indented at the mapping's key column plus `step`
/// spaces per depth. `None` when the mapping is not a plain block mapping.
pub fn insert_keys(
    text: &str,
    map: &YamlNode,
    step: usize,
    lines: &[(usize, String)],
) -> Option<Edit> {
    let col = block_key_column(text, map)?;
    let YamlValue::Map(pairs) = &map.value else {
        return None;
    };
    let last = pairs.last()?;
    let end = last.value.span.end.max(last.key_span.end);
    let nl = newline_of(text);
    let mut body = String::new();
    for (depth, line) in lines {
        body.push_str(&" ".repeat(col + step * depth));
        body.push_str(line);
        body.push_str(nl);
    }
    if end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n') {
        return Some(Edit {
            range: end..end,
            replacement: body,
        });
    }
    match text.get(end..)?.find('\n') {
        Some(i) => Some(Edit {
            range: end + i + 1..end + i + 1,
            replacement: body,
        }),
        None => {
            // Last line of a file without a final newline: start a new line, end without one.
            let body = body.strip_suffix(nl).unwrap_or(&body).to_string();
            Some(Edit {
                range: text.len()..text.len(),
                replacement: format!("{nl}{body}"),
            })
        }
    }
}

/// The indentation step a file uses: the key column of `child` minus that of the
/// key `parent_key_start` on its line; 2 when it cannot tell.
pub fn step_between(text: &str, parent_key_start: usize, child: &YamlNode) -> usize {
    let parent = column_of(text, parent_key_start);
    let child = block_key_column(text, child);
    match (parent, child) {
        (Some(p), Some(c)) if c > p => c - p,
        _ => 2,
    }
}

/// A scalar safe to write unquoted in YAML (`512Mi`, `1g`, `500m`), else quoted.
pub fn yaml_scalar(value: &str) -> String {
    if !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && value.chars().next().is_some_and(|c| c.is_ascii_digit())
        && value.parse::<f64>().is_err()
    {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::parse;

    #[test]
    fn inserts_after_last_key_in_every_line_ending() {
        for (text, nl) in [
            ("a:\n  b: 1\n  c: [x]\nd: 2\n", "\n"),
            ("a:\r\n  b: 1\r\n  c: [x]\r\nd: 2\r\n", "\r\n"),
        ] {
            let f = parse(text);
            let root = f.documents[0].root.as_ref().unwrap();
            let a = root.get("a").unwrap();
            let e = insert_keys(text, a, 2, &[(0, "e:".into()), (1, "f: 3".into())]).unwrap();
            let mut out = text.to_string();
            out.replace_range(e.range.clone(), &e.replacement);
            assert_eq!(
                out,
                format!("a:{nl}  b: 1{nl}  c: [x]{nl}  e:{nl}    f: 3{nl}d: 2{nl}")
            );
        }
        let text = "a:\n  b: 1";
        let f = parse(text);
        let a = f.documents[0].root.as_ref().unwrap().get("a").unwrap();
        let e = insert_keys(text, a, 2, &[(0, "e: 2".into())]).unwrap();
        let mut out = text.to_string();
        out.replace_range(e.range.clone(), &e.replacement);
        assert_eq!(out, "a:\n  b: 1\n  e: 2");
        let flow = "a: {b: 1}\n";
        let f = parse(flow);
        let a = f.documents[0].root.as_ref().unwrap().get("a").unwrap();
        assert!(insert_keys(flow, a, 2, &[(0, "e: 2".into())]).is_none());
    }

    #[test]
    fn scalars() {
        assert_eq!(yaml_scalar("512Mi"), "512Mi");
        assert_eq!(yaml_scalar("1.0"), "\"1.0\"");
        assert_eq!(yaml_scalar("1 g"), "\"1 g\"");
    }
}
