//! Documentation served as a site: which generator, from which root, so a link
//! like `../api/` is read as the site URL it is and a page is known to be a page.

use std::collections::BTreeMap;

use super::paths::{dir_of, file_name, join};

/// The site generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Generator {
    /// MkDocs (`mkdocs.yml`, its `docs_dir`, `docs` by default).
    MkDocs,
    /// Docusaurus (`docusaurus.config.*` and its `docs`, `blog`, `src/pages`).
    Docusaurus,
    /// Sphinx (`conf.py` beside an `index.rst`/`index.md`).
    Sphinx,
}

/// A documentation site.
#[derive(Debug, Clone)]
pub struct DocsSite {
    /// The generator.
    pub generator: Generator,
    /// Its configuration file.
    pub config: String,
    /// Directories whose pages the site serves (repository-relative, `""` = root).
    pub roots: Vec<String>,
}

impl DocsSite {
    /// The length of the deepest root holding `path`, if one does.
    pub fn root_len(&self, path: &str) -> Option<usize> {
        self.roots
            .iter()
            .filter(|r| {
                r.is_empty()
                    || (path.starts_with(r.as_str()) && path.as_bytes().get(r.len()) == Some(&b'/'))
            })
            .map(String::len)
            .max()
    }

    /// Whether `path` is under one of the site's roots.
    pub fn serves(&self, path: &str) -> bool {
        self.root_len(path).is_some()
    }
}

/// The sites the repository's configuration files declare. `paths` is the
/// inventory (sorted), `docs_dirs` the `docs_dir` each parsed `mkdocs.yml` sets,
/// `exists` whether a path is a file or a directory of the repository.
pub fn sites<'a>(
    paths: impl Iterator<Item = &'a str>,
    docs_dirs: &BTreeMap<String, String>,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<DocsSite> {
    let mut out = Vec::new();
    for path in paths {
        let dir = dir_of(path);
        let site = match file_name(path) {
            "mkdocs.yml" | "mkdocs.yaml" => {
                let docs_dir = docs_dirs.get(path).map_or("docs", String::as_str);
                join(dir, docs_dir).map(|root| DocsSite {
                    generator: Generator::MkDocs,
                    config: path.to_string(),
                    roots: vec![root],
                })
            }
            "docusaurus.config.js" | "docusaurus.config.ts" | "docusaurus.config.mjs" => {
                Some(DocsSite {
                    generator: Generator::Docusaurus,
                    config: path.to_string(),
                    roots: ["docs", "blog", "src/pages", "versioned_docs"]
                        .iter()
                        .filter_map(|d| join(dir, d))
                        .filter(|d| exists(d))
                        .collect(),
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
            _ => None,
        };
        out.extend(site);
    }
    out
}
