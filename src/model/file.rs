//! One file as the walk left it: its text, what kind it is, what it is for,
//! and its parse, kept so that rules, the model's extractors and `status` all
//! read the same parse and nobody reads the disk again.

use crate::classify::FileKind;
use crate::embed::Embedded;
use crate::parse::dockerfile::Dockerfile;
use crate::parse::shell::ShellScript;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::roles::FileRole;
use crate::source::SourceFile;

use super::template::TemplateMark;

/// What parsing a file produced.
pub enum Parsed {
    /// A Dockerfile (its `RUN` shells are parsed once, on demand, and cached in it).
    Dockerfile(Dockerfile),
    /// Any YAML kind (compose, workflow, action, dependabot, Kubernetes, other).
    Yaml(YamlFile),
    /// A shell script (`None` when tree-sitter could not parse it at all).
    Shell(Option<ShellScript>),
    /// A pip requirements-style file (`requirements*.txt`, `requirements/*.txt`,
    /// `constraints.txt`, `*.in`).
    Requirements(crate::parse::requirements::RequirementsFile),
    /// Kept as text: Markdown, other manifests and lockfiles, Python and plain text
    /// (Python is parsed by the rule pass, which drops the tree).
    Text,
}

/// A file the walk read and parsed, with the facts the parse gave.
pub struct ModelFile {
    /// Path, text and line index.
    pub file: SourceFile,
    /// Kind by name (or shebang).
    pub kind: FileKind,
    /// The kind the content shows: a `*.yaml` shaped like a compose file is
    /// [`FileKind::Compose`] here while [`ModelFile::kind`] stays `Yaml`.
    pub content_kind: FileKind,
    /// What the file is for, by path.
    pub role: FileRole,
    /// The parse.
    pub parsed: Parsed,
    /// When the file is a template (Helm, Jinja) rather than the kind it is named
    /// as, the first place that says so; rules that read structure skip it.
    pub template: Option<TemplateMark>,
    /// Shell embedded in it (workflow `run:`, compose and Kubernetes commands),
    /// parsed; Dockerfile `RUN`s live in the parsed Dockerfile instead.
    pub shells: Vec<ShellScript>,
    /// Problems met while parsing: (byte offset, message).
    pub parse_notes: Vec<(Option<usize>, String)>,
    /// Whether the parse failed somewhere (the file is checked where it could be parsed).
    pub parse_error: bool,
}

impl ModelFile {
    /// Repository-relative path.
    pub fn path(&self) -> &str {
        &self.file.path
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.file.text
    }

    /// The YAML parse, for YAML kinds.
    pub fn yaml(&self) -> Option<&YamlFile> {
        match &self.parsed {
            Parsed::Yaml(y) => Some(y),
            _ => None,
        }
    }

    /// The YAML parse when the file parsed cleanly and is not a template: what
    /// structural rules and extractors read.
    pub fn clean_yaml(&self) -> Option<&YamlFile> {
        self.yaml()
            .filter(|y| y.error.is_none() && self.template.is_none())
    }

    /// The Dockerfile parse.
    pub fn dockerfile(&self) -> Option<&Dockerfile> {
        match &self.parsed {
            Parsed::Dockerfile(d) => Some(d),
            _ => None,
        }
    }

    /// The shell parse of a shell script.
    pub fn shell(&self) -> Option<&ShellScript> {
        match &self.parsed {
            Parsed::Shell(s) => s.as_ref(),
            _ => None,
        }
    }

    /// Root nodes of the YAML documents that are Kubernetes objects (or a
    /// kustomization, which may omit `apiVersion`/`kind`).
    pub fn k8s_documents(&self) -> impl Iterator<Item = &YamlNode> {
        let kustomization = is_kustomization_name(self.path());
        let docs = match (self.content_kind, self.clean_yaml()) {
            (FileKind::Yaml, Some(y)) => y.documents.as_slice(),
            _ => &[],
        };
        docs.iter()
            .filter_map(|d| d.root.as_ref())
            .filter(move |root| kustomization || is_k8s_object(root))
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.file.lines.line_of(offset) + 1
    }
}

/// Parses a file of `kind` (text already read): the one place each file kind is parsed.
pub fn parse_file(file: SourceFile, kind: FileKind, role: FileRole) -> ModelFile {
    let mut m = ModelFile {
        file,
        kind,
        content_kind: kind,
        role,
        parsed: Parsed::Text,
        template: None,
        shells: Vec::new(),
        parse_notes: Vec::new(),
        parse_error: false,
    };
    match kind {
        FileKind::Shell => {
            let code = crate::mapped::MappedText::verbatim(&m.file.text, 0);
            let script = ShellScript::parse(code, crate::parse::shell::ShellOrigin::Script);
            if let Some(s) = &script {
                if s.has_error() {
                    m.parse_error = true;
                    m.parse_notes.push((
                        Some(first_error_offset(s)),
                        "shell syntax error (the file is checked where it could be parsed)"
                            .to_string(),
                    ));
                }
            }
            m.parsed = Parsed::Shell(script);
        }
        FileKind::Dockerfile => {
            let df = crate::parse::dockerfile::parse(&m.file.text);
            for (span, msg) in &df.errors {
                m.parse_notes.push((
                    Some(span.start),
                    format!("Dockerfile: {msg} (the rest of the file is checked)"),
                ));
            }
            m.parse_error = !df.errors.is_empty();
            m.parsed = Parsed::Dockerfile(df);
        }
        FileKind::Compose
        | FileKind::Workflow
        | FileKind::Action
        | FileKind::Dependabot
        | FileKind::Yaml => {
            let y = crate::parse::yaml::parse(&m.file.text);
            m.template = super::template::yaml_template(&m.file.text, kind);
            if m.template.is_some() {
                m.parse_notes.push((
                    None,
                    "not parsed: a template (Helm/Jinja `{{ }}` outside quotes), not plain YAML"
                        .to_string(),
                ));
            } else if let Some(err) = &y.error {
                m.parse_error = true;
                m.parse_notes.push((
                    Some(err.start),
                    "YAML syntax error; rules were not run on this file".to_string(),
                ));
            } else {
                if kind == FileKind::Yaml && is_compose_content(&y) {
                    m.content_kind = FileKind::Compose;
                }
                let embedded: Vec<Embedded> = match m.content_kind {
                    FileKind::Compose => crate::embed::compose_commands(&y),
                    FileKind::Workflow => crate::embed::workflow_runs(&y),
                    FileKind::Action => crate::embed::action_runs(&y),
                    FileKind::Yaml => {
                        let kustomization = is_kustomization_name(&m.file.path);
                        y.documents
                            .iter()
                            .filter_map(|d| d.root.as_ref())
                            .filter(|r| kustomization || is_k8s_object(r))
                            .flat_map(crate::embed::k8s_commands)
                            .collect()
                    }
                    _ => Vec::new(),
                };
                m.shells = embedded
                    .into_iter()
                    .filter_map(|e| ShellScript::parse(e.code, e.origin))
                    .collect();
            }
            m.parsed = Parsed::Yaml(y);
        }
        FileKind::Python | FileKind::Markdown | FileKind::Manifest | FileKind::Text => {
            if super::deps::req_kind(&m.file.path).is_some() {
                m.parsed = Parsed::Requirements(crate::parse::requirements::parse_requirements(
                    &m.file.text,
                ));
            }
        }
    }
    m
}

fn first_error_offset(script: &ShellScript) -> usize {
    let mut stack = vec![script.tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            return n.start_byte();
        }
        let mut c = n.walk();
        let kids: Vec<_> = n.children(&mut c).filter(|k| k.has_error()).collect();
        stack.extend(kids.into_iter().rev());
    }
    0
}

/// A YAML file not named like compose but shaped like it (`services:` of images/builds).
fn is_compose_content(y: &YamlFile) -> bool {
    y.documents.iter().any(|d| {
        d.root
            .as_ref()
            .and_then(|r| r.get("services"))
            .and_then(|s| s.as_map())
            .is_some_and(|svcs| {
                !svcs.is_empty()
                    && svcs
                        .iter()
                        .all(|s| s.value.get("image").is_some() || s.value.get("build").is_some())
            })
    })
}

/// `kustomization.yaml` (which may omit `apiVersion`/`kind`): handed to `check_k8s` too, so
/// rules can learn which files are patches and which images it rewrites.
pub fn is_kustomization_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// A YAML document that is a Kubernetes object.
pub fn is_k8s_object(root: &YamlNode) -> bool {
    root.get("apiVersion").and_then(|v| v.as_str()).is_some()
        && root.get("kind").and_then(|v| v.as_str()).is_some()
}
