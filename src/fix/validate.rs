//! A fix must not turn a file that parsed into one that does not.

use crate::classify::{classify_name, is_python_shebang, is_shell_shebang, FileKind, NameClass};
use crate::mapped::MappedText;
use crate::parse::{
    dockerfile,
    python::PythonTree,
    shell::{ShellOrigin, ShellScript},
    yaml,
};

/// Number of syntax problems the parser for this path sees in `text` (lower is better).
pub fn syntax_errors(rel: &str, text: &str) -> usize {
    let kind = match classify_name(rel) {
        NameClass::Known(k) => Some(k),
        NameClass::NeedsShebang => {
            let first = text.lines().next().unwrap_or("");
            if is_shell_shebang(first) {
                Some(FileKind::Shell)
            } else if is_python_shebang(first) {
                Some(FileKind::Python)
            } else {
                None
            }
        }
        _ => None,
    };
    match kind {
        Some(FileKind::Shell) => {
            ShellScript::parse(MappedText::verbatim(text, 0), ShellOrigin::Script)
                .map_or(1, |s| usize::from(s.has_error()))
        }
        Some(FileKind::Python) => {
            PythonTree::parse(text).map_or(1, |p| usize::from(p.root().has_error()))
        }
        Some(FileKind::Dockerfile) => dockerfile::parse(text).errors.len(),
        Some(
            FileKind::Compose
            | FileKind::Workflow
            | FileKind::Action
            | FileKind::Dependabot
            | FileKind::Yaml,
        ) => usize::from(yaml::parse(text).error.is_some()),
        _ => 0,
    }
}
