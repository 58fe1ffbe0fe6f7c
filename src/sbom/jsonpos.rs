//! Positions of object keys in JSON text, by path, so JSON lockfiles parsed with
//! serde can report the line of each entry. One linear pass; never panics.

use std::collections::HashMap;
use std::ops::Range;

/// Separator between path segments in [`KeyPositions`] lookups.
pub const SEP: char = '\u{1f}';

/// Byte ranges of every object key, keyed by its path (segments joined with
/// [`SEP`]; array elements are their index).
#[derive(Debug, Default)]
pub struct KeyPositions {
    map: HashMap<String, Range<usize>>,
}

impl KeyPositions {
    /// Scans `text`.
    pub fn new(text: &str) -> KeyPositions {
        enum Frame {
            Obj {
                key: Option<String>,
                expect_key: bool,
            },
            Arr {
                idx: usize,
            },
        }
        let b = text.as_bytes();
        let mut map = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'{' => stack.push(Frame::Obj {
                    key: None,
                    expect_key: true,
                }),
                b'[' => stack.push(Frame::Arr { idx: 0 }),
                b'}' | b']' => {
                    stack.pop();
                }
                b',' => match stack.last_mut() {
                    Some(Frame::Obj { expect_key, .. }) => *expect_key = true,
                    Some(Frame::Arr { idx }) => *idx += 1,
                    None => {}
                },
                b'"' => {
                    let start = i;
                    let mut s = String::new();
                    i += 1;
                    let mut seg = i;
                    while i < b.len() && b[i] != b'"' {
                        if b[i] == b'\\' {
                            s.push_str(text.get(seg..i).unwrap_or(""));
                            let esc = b.get(i + 1).copied().unwrap_or(b'"');
                            match esc {
                                b'n' => s.push('\n'),
                                b't' => s.push('\t'),
                                b'u' => {
                                    let hex = text.get(i + 2..i + 6).unwrap_or("");
                                    if let Some(c) =
                                        u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                                    {
                                        s.push(c);
                                    }
                                    i += 4;
                                }
                                other => s.push(other as char),
                            }
                            i += 2;
                            seg = i;
                            continue;
                        }
                        i += 1;
                    }
                    s.push_str(text.get(seg..i.min(b.len())).unwrap_or(""));
                    let end = (i + 1).min(b.len());
                    if matches!(
                        stack.last(),
                        Some(Frame::Obj {
                            expect_key: true,
                            ..
                        })
                    ) {
                        if let Some(Frame::Obj { key, expect_key }) = stack.last_mut() {
                            *key = Some(s);
                            *expect_key = false;
                        }
                        let mut parts: Vec<String> = Vec::with_capacity(stack.len());
                        for f in &stack {
                            match f {
                                Frame::Obj { key: Some(k), .. } => parts.push(k.clone()),
                                Frame::Obj { key: None, .. } => parts.push(String::new()),
                                Frame::Arr { idx } => parts.push(idx.to_string()),
                            }
                        }
                        map.entry(parts.join(&SEP.to_string()))
                            .or_insert(start..end);
                    }
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        KeyPositions { map }
    }

    /// The range of the key at `path` (segments as given).
    pub fn get(&self, path: &[&str]) -> Option<Range<usize>> {
        let key: String = path.join(&SEP.to_string());
        self.map.get(&key).cloned()
    }

    /// Like [`KeyPositions::get`], or `fallback` when the key is not found.
    pub fn get_or(&self, path: &[&str], fallback: Range<usize>) -> Range<usize> {
        self.get(path).unwrap_or(fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_array_items() {
        let text = "{\n \"a\": {\"b\": 1, \"c\\\"d\": [ {\"name\": \"x\"}, {\"name\": \"y\"} ]},\n \"e\": 2}";
        let k = KeyPositions::new(text);
        assert_eq!(&text[k.get(&["a"]).unwrap()], "\"a\"");
        assert_eq!(&text[k.get(&["a", "b"]).unwrap()], "\"b\"");
        let r = k.get(&["a", "c\"d", "1", "name"]).unwrap();
        assert!(text[r.end..].starts_with(": \"y\""));
        assert!(k.get(&["e"]).is_some());
        assert!(k.get(&["zz"]).is_none());
    }

    #[test]
    fn survives_garbage() {
        for t in ["", "{", "\"", "{\"a\\", "]]]}}", "{\"\\u12"] {
            let _ = KeyPositions::new(t);
        }
    }
}
