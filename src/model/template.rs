//! Whether a file is a template (Helm, Jinja) rather than the kind it is named
//! as: such a file is not YAML until rendered, so structural rules skip it.

use crate::classify::FileKind;

/// Where a file shows it is a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateMark {
    /// Byte offset of the line that says so.
    pub offset: usize,
}

/// Whether YAML text of `kind` is a template, and where it says so.
pub fn yaml_template(text: &str, _kind: FileKind) -> Option<TemplateMark> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("{{") || t.starts_with("{%") || (t.contains("{{-") || t.contains("-}}")) {
            return Some(TemplateMark { offset });
        }
        offset += line.len();
    }
    None
}
