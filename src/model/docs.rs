//! Documentation served as a site: which generator, from which root, so a
//! link like `../api/` is read as the site URL it is rather than as a file.

use serde::Serialize;

use super::paths::{dir_of, file_name, join};
use super::ModelFile;

/// The site generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generator {
    /// MkDocs (`mkdocs.yml`, `docs_dir`).
    MkDocs,
    /// Docusaurus (`docusaurus.config.js`).
    Docusaurus,
    /// Sphinx (`conf.py` beside an `index.rst`/`index.md`).
    Sphinx,
    /// Jekyll / GitHub Pages (`_config.yml`).
    Jekyll,
}

/// A documentation site.
#[derive(Debug, Clone, Serialize)]
pub struct DocsSite {
    /// The generator.
    pub generator: Generator,
    /// Its configuration file.
    pub config: String,
    /// Directories whose pages the site serves (repository-relative, `""` = root).
    pub roots: Vec<String>,
}

impl DocsSite {
    /// Whether `path` is a page of this site.
    pub fn serves(&self, path: &str) -> bool {
        self.roots.iter().any(|r| {
            r.is_empty() || path.starts_with(r.as_str()) && path.as_bytes().get(r.len()) == Some(&b'/')
        })
    }
}

/// The sites the repository's configuration files declare. `file` gives a kept
/// file by path (for `mkdocs.yml`'s `docs_dir`), `exists` the inventory.
pub fn sites<'a>(
    paths: impl Iterator<Item = &'a str>,
    file: &dyn Fn(&str) -> Option<&'a ModelFile>,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<DocsSite> {
    let mut out = Vec::new();
    for path in paths {
        let dir = dir_of(path);
        let name = file_name(path);
        let site = match name {
            "mkdocs.yml" | "mkdocs.yaml" => {
                let docs_dir = file(path)
                    .and_then(|m| m.yaml())
                    .and_then(|y| y.documents.first())
                    .and_then(|d| d.root.as_ref())
                    .and_then(|r| r.get("docs_dir"))
                    .and_then(|d| d.as_str())
                    .unwrap_or("docs")
                    .to_string();
                join(dir, &docs_dir).map(|root| DocsSite {
                    generator: Generator::MkDocs,
                    config: path.to_string(),
                    roots: vec![root],
                })
            }
            "docusaurus.config.js" | "docusaurus.config.ts" | "docusaurus.config.mjs" => {
                let roots = ["docs", "blog", "src/pages", "versioned_docs"]
                    .iter()
                    .filter_map(|d| join(dir, d))
                    .filter(|d| exists(d))
                    .collect();
                Some(DocsSite {
                    generator: Generator::Docusaurus,
                    config: path.to_string(),
                    roots,
                })
            }
            "conf.py"
                if ["index.rst", "index.md", "contents.rst"]
                    .iter()
                    .any(|i| join(dir, i).is_some_and(|p| exists(&p))) =>
            {
                Some(DocsSite {
                    generator: Generator::Sphinx,
                    config: path.to_string(),
                    roots: vec![dir.to_string()],
                })
            }
            "_config.yml" if dir.is_empty() || dir == "docs" => Some(DocsSite {
                generator: Generator::Jekyll,
                config: path.to_string(),
                roots: vec![dir.to_string()],
            }),
            _ => None,
        };
        out.extend(site);
    }
    out
}
