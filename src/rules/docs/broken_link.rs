//! `docs/broken-link`: Markdown links and images to local files or anchors that do not exist.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::finding::{Related, Severity};
use crate::model::Generator;
use crate::roles::FileRole;
use crate::rules::docs::md::{self, dir_of, join_normalized, percent_decode};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct BrokenLink {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Anchors of every Markdown file read.
    anchors: HashMap<String, HashSet<String>>,
    /// MyST target labels (`(label)=`) of every Markdown file: a Sphinx project's links
    /// reach them by name from any page.
    labels: HashSet<String>,
    /// Links to check: (where, snippet, shown destination, image). The place's message
    /// is never read (the report words its own); the target path and anchor are read
    /// again from the destination ([`link_target`]) when checked, not held for every
    /// link of a large tree.
    links: Vec<(Related, String, String, bool)>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docs/broken-link",
    summary: "Markdown link or image to a local file or heading anchor that does not exist",
    severity: Severity::Low,
    docs: r#"
## Why
Runbooks and READMEs are read when something is on fire. A link to
`ops/restore-backup.md` that was renamed last quarter, or to
`#rolling-back` after the heading became "Rollback", costs minutes at the worst
moment and tells the reader the document is not maintained. Broken images
hide architecture diagrams.

The rule checks relative links and images (`[x](docs/deploy.md)`,
`[x](../README.md#configuration)`, `[x](#troubleshooting)`, `/docs/x.md` from
the repository root) against the files of the repository and the headings of
the Markdown files (GitHub's anchor rules: lower case, punctuation dropped,
spaces to `-`, `-1`, `-2` for repeats; explicit `<a name>`/`id` anchors too).
Anchors also come from attribute lists (`## Setup {#setup}`, `{: #id .class}`,
MkDocs/Python-Markdown) and match either GitHub's slugs (Unicode letters kept) or
Python-Markdown's (accents folded, dashes collapsed). MyST target labels
(`(develop-documentation)=`) are anchors too, and Sphinx links reach them by name
from any page (`[x](develop-documentation)`). Links written as site URLs
(`../advanced/transports/`, `./usage#flags`: MkDocs and Docusaurus serve `name.md`
at `name/`) resolve to the page they reach; a root-absolute link in a document inside a
web application's `public/` directory reaches the file that directory serves at `/`
(`/public/shot.png` from `frontend/public/public/intro.md` is
`frontend/public/public/shot.png`); in a page a site serves, a root-absolute
link (`/advanced/ollama`, `/img/chat.png`) is a URL of the site: it reaches a page
under the site's roots (`.md` or `.mdx`) or, for Docusaurus, a file of its static
directories (`static/`, or those `staticDirectories` lists). Astro sites
(`astro.config.*`) serve `src/pages/` and Starlight's `src/content/docs/` at `/`,
`public/` as static files, and a dynamic route (`src/pages/blog/[slug].astro`) serves
a content entry of that name wherever the project keeps it; a VitePress site
(`.vitepress/config.*`) serves the directory holding `.vitepress/` and its `public/`.
A literal `base: "/docs/"` in an Astro or VitePress config is taken off the link
first. In a Hugo site whose
link render hook resolves destinations with `.Page.GetPage`, a relative `.md` link is
looked up as Hugo does: from the page's place in its section (a leaf bundle
`clients/wekan/index.md` is the page `wekan` in `clients/`), then from `content/`. E-mail autolinks (`<jane@example.org>`),
generator templates with an empty name (`[object](.md)`), placeholders the site
or the application replaces (`IMG_URL/events.png`), Markdown under `templates/`
(rendered by the application: its links are routes), GitHub pull request and issue
templates (forms whose links are placeholders, rendered on the pull request page),
Markdown kept by tools in
hidden directories (`.swarm_contexts/`), and archived documents are skipped.
External URLs are never fetched (harden makes no network calls); links inside
code blocks are not links.

Broken links are hygiene: low, and one finding per document at its first broken
link, with the others as related locations, so a stale docs site reads as a
handful of findings rather than hundreds (docs/severity.md). Anchors into non-Markdown files (`#L10`) are not
checked. Rustdoc intra-doc links (`crate::x`, `KnownLayout`) and links into a
generated HTML site the repository does not contain are not files and are skipped;
so are changelogs (old entries point at files as they were then).

## Example
```markdown
See the [restore procedure](ops/restore-backup.md) and [rollback](#rolling-back).
```
with `ops/restore-backup.md` renamed to `ops/restore.md` and the heading now
`## Rollback`.

## Fix
Point the link at the current file or heading (`ops/restore.md`,
`#rollback`), or remove it. lychee (`lychee --offline`) checks the same local
links; harden also checks anchors in other Markdown files.
"#,
};

/// `IMG_URL/events.png`, `STATIC_ROOT/logo.svg`: a first segment written as a
/// constant (capitals with an underscore) is a placeholder the site generator or the
/// application replaces, not a directory (`LICENSES/`, `ADR/` have no underscore).
fn starts_with_placeholder(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or("");
    first.len() >= 3
        && first.contains('_')
        && first.bytes().any(|b| b.is_ascii_uppercase())
        && first
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && path.contains('/')
}

fn is_external(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("//") || lower.contains("://") {
        return true;
    }
    // A scheme: letters followed by `:` before any `/`.
    if let Some(i) = lower.find(':') {
        let scheme = &lower[..i];
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return true;
        }
    }
    false
}

/// Rustdoc intra-doc links (`crate::x`, `super#warning`, `KnownLayout`) in Markdown
/// that a crate includes as documentation: not files.
fn is_rustdoc_link(path: &str) -> bool {
    if path.contains("::") || matches!(path, "crate" | "super" | "self") {
        return true;
    }
    // A bare CamelCase identifier (a type name), not a file like LICENSE or CONTRIBUTING.
    !path.is_empty()
        && !path.contains(['.', '/'])
        && path.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && path.chars().any(|c| c.is_ascii_lowercase())
        && path.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A link written as a site URL (`../advanced/transports/`, `./usage#flags`) in docs that
/// a static site generator serves (MkDocs, Docusaurus: pages are `name.md`, their URLs
/// `name/`): the page it reaches, relative to the file's directory or to the page's own
/// URL directory (MkDocs serves `docs/async.md` at `async/`).
fn site_page(repo: &RepoCx<'_>, doc: &str, dest: &str, target: &str) -> Option<String> {
    let path_part = dest.split(['#', '?']).next().unwrap_or("");
    let name = path_part
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    if name.contains('.') && !name.ends_with(".md") {
        return None;
    }
    let doc_dir = dir_of(doc);
    let stem = doc
        .rsplit('/')
        .next()
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or("");
    let page_dir = if matches!(stem, "index" | "README" | "readme" | "") {
        doc_dir.to_string()
    } else if doc_dir.is_empty() {
        stem.to_string()
    } else {
        format!("{doc_dir}/{stem}")
    };
    let rel = percent_decode(path_part.trim_end_matches('/'));
    let mut bases = vec![target.trim_end_matches('/').to_string()];
    if let Some(t) = join_normalized(&page_dir, &rel) {
        bases.push(t);
    }
    for base in bases {
        let base = base.strip_suffix(".md").unwrap_or(&base).to_string();
        for candidate in [
            format!("{base}.md"),
            format!("{base}/index.md"),
            format!("{base}/README.md"),
            base.clone(),
        ] {
            if !candidate.is_empty() && repo.exists(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

/// A root-absolute link (`/advanced/ollama`, `/img/chat.png`, `/install/docker/`) in a page
/// a documentation site serves is a URL of that site, not a path from the repository's
/// root: it reaches a page under one of the site's roots (MkDocs' `docs_dir`, Docusaurus'
/// `docs/` served at `/` or at `/docs/`, Astro's `src/pages/` and Starlight's
/// `src/content/docs/`, a VitePress source directory), or a file of the site's static
/// directories (Docusaurus' `static/` or its config's `staticDirectories`, Astro's and
/// VitePress' `public/`). The site's `base` (`base: "/docs/"`), when its config sets
/// one, is taken off the link first. The page or file it reaches, if one exists.
fn site_url_target(
    repo: &RepoCx<'_>,
    doc: &str,
    dest: &str,
    settings: &mut HashMap<String, SiteSettings>,
) -> Option<String> {
    let site = repo.model.docs_site_for(doc)?;
    let config_dir = dir_of(&site.config);
    let known = settings.entry(site.config.clone()).or_insert_with(|| {
        let text = repo.read_text(&site.config).unwrap_or_default();
        SiteSettings::read(site.generator, &text)
    });
    let rel = root_absolute_path(dest)?;
    let rel = known
        .base
        .as_deref()
        .and_then(|b| rel.strip_prefix(b))
        .and_then(|r| r.strip_prefix('/'))
        .filter(|r| !r.is_empty())
        .map_or(rel.clone(), str::to_string);
    let mut bases: Vec<String> = match site.generator {
        // The whole project is the root (content may live anywhere a loader reads);
        // its URLs come from these directories.
        Generator::Astro => ["src/content/docs", "src/pages", "public"]
            .iter()
            .filter_map(|d| join_normalized(config_dir, d))
            .collect(),
        Generator::VitePress => site
            .roots
            .iter()
            .flat_map(|r| [r.clone(), join_normalized(r, "public").unwrap_or_default()])
            .filter(|b| !b.is_empty())
            .collect(),
        _ => site.roots.clone(),
    };
    if site.generator == Generator::Docusaurus {
        bases.push(config_dir.to_string());
        bases.extend(
            known
                .static_dirs
                .iter()
                .filter_map(|d| join_normalized(config_dir, d)),
        );
    }
    let stem = rel
        .strip_suffix(".mdx")
        .or_else(|| rel.strip_suffix(".md"))
        .or_else(|| rel.strip_suffix(".html"))
        .unwrap_or(&rel);
    for base in &bases {
        let Some(at) = join_normalized(base, stem) else {
            continue;
        };
        let exact = join_normalized(base, &rel);
        for candidate in exact.into_iter().chain([
            format!("{at}.md"),
            format!("{at}.mdx"),
            format!("{at}.astro"),
            format!("{at}/index.md"),
            format!("{at}/index.mdx"),
            format!("{at}/index.astro"),
            format!("{at}/README.md"),
        ]) {
            if !candidate.is_empty() && repo.exists(&candidate) {
                return Some(candidate);
            }
        }
    }
    if site.generator == Generator::Astro {
        return astro_dynamic_route(repo, config_dir, stem);
    }
    None
}

/// What a site's configuration says about its URLs, read once per site.
#[derive(Debug, Default)]
struct SiteSettings {
    /// Docusaurus' static directories (served at the site's root).
    static_dirs: Vec<String>,
    /// The path the site is served under (`docs` for `base: "/docs/"`), when it is not `/`.
    base: Option<String>,
}

impl SiteSettings {
    fn read(generator: Generator, config: &str) -> SiteSettings {
        match generator {
            Generator::Docusaurus => SiteSettings {
                static_dirs: docusaurus_static_dirs(config),
                base: None,
            },
            Generator::Astro | Generator::VitePress => SiteSettings {
                static_dirs: Vec::new(),
                base: config_base(config),
            },
            _ => SiteSettings::default(),
        }
    }
}

/// The literal `base: "/docs/"` of an Astro or VitePress config, without its slashes;
/// `None` when it is `/`, computed, or absent.
fn config_base(config: &str) -> Option<String> {
    config.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("base")?;
        let value = rest.trim_start().strip_prefix(':')?.trim();
        let quote = value
            .chars()
            .next()
            .filter(|c| matches!(c, '\'' | '"' | '`'))?;
        let inner = value[1..].split(quote).next()?;
        let base = inner.trim_matches('/');
        (!base.is_empty() && !base.contains(['$', '{'])).then(|| base.to_string())
    })
}

/// A URL an Astro dynamic route serves: `/blog/feast-agents` when
/// `src/pages/blog/[slug].astro` (or `[...slug]`) exists and the project holds a
/// content entry `feast-agents.md`/`.mdx` (the route's loader reads its collection;
/// where the collection lives is code, so any entry of that name in the project counts).
fn astro_dynamic_route(repo: &RepoCx<'_>, config_dir: &str, stem: &str) -> Option<String> {
    let (route_dir, name) = stem.rsplit_once('/').unwrap_or(("", stem));
    if name.is_empty() {
        return None;
    }
    let pages = join_normalized(config_dir, "src/pages")?;
    let route_dir = if route_dir.is_empty() {
        pages
    } else {
        join_normalized(&pages, route_dir)?
    };
    let prefix = format!("{route_dir}/[");
    let has_route = repo.inventory.iter().any(|e| {
        e.path
            .strip_prefix(prefix.as_str())
            .is_some_and(|rest| !rest.contains('/') && rest.contains(']'))
    });
    if !has_route {
        return None;
    }
    let project = if config_dir.is_empty() {
        String::new()
    } else {
        format!("{config_dir}/")
    };
    repo.inventory
        .iter()
        .map(|e| e.path.as_str())
        .filter(|p| p.starts_with(project.as_str()))
        .find(|p| {
            let file = p.rsplit('/').next().unwrap_or(p);
            [".md", ".mdx"]
                .iter()
                .any(|ext| file.strip_suffix(ext) == Some(name))
        })
        .map(str::to_string)
}

/// The path of a root-absolute link (`/img/a%20b.png#x` → `img/a b.png`), without its
/// fragment, query and outer slashes; `None` for other links and for `/` itself.
fn root_absolute_path(dest: &str) -> Option<String> {
    if !dest.starts_with('/') || dest.starts_with("//") {
        return None;
    }
    let rel = percent_decode(
        dest.split(['#', '?'])
            .next()
            .unwrap_or("")
            .trim_matches('/'),
    );
    (!rel.is_empty()).then_some(rel)
}

/// A root-absolute link (`/public/screenshot.png`) in a document that sits inside a web
/// application's public directory (`frontend/public/`, served at `/` by Next.js, Vite,
/// Create React App, Rails): the application renders the document and serves the file
/// from that directory. The file it reaches, if one exists.
fn web_public_target(repo: &RepoCx<'_>, doc: &str, dest: &str) -> Option<String> {
    let rel = root_absolute_path(dest)?;
    let segments: Vec<&str> = doc.split('/').collect();
    (1..segments.len())
        .rev()
        .filter(|&n| segments[n - 1] == "public")
        .filter_map(|n| join_normalized(&segments[..n].join("/"), &rel))
        .find(|candidate| repo.exists(candidate))
}

/// The static directories a Docusaurus config declares (`staticDirectories: ['assets',
/// 'static']`), `static` when it declares none: files there are served at the site's root.
fn docusaurus_static_dirs(config: &str) -> Vec<String> {
    let Some(at) = config.find("staticDirectories") else {
        return vec!["static".to_string()];
    };
    let rest = &config[at..];
    let Some(list) = rest.find('[').and_then(|open| {
        rest.find(']')
            .filter(|close| *close > open)
            .map(|close| &rest[open + 1..close])
    }) else {
        return vec!["static".to_string()];
    };
    list.split(',')
        .map(|d| d.trim().trim_matches(['\'', '"', '`']).to_string())
        .filter(|d| !d.is_empty() && !d.contains(['$', '{', '(']))
        .collect()
}

/// A relative `.md` link in a page of a Hugo site whose link render hook resolves
/// destinations with `.Page.GetPage` (`layouts/_markup/render-link.html` or
/// `layouts/_default/_markup/render-link.html`): Hugo looks the path up from the page's
/// place in its section (a leaf bundle `clients/wekan/index.md` is the page `wekan` in
/// `clients/`), then from the content root. The page it reaches, if one exists.
fn hugo_page(
    repo: &RepoCx<'_>,
    doc: &str,
    dest: &str,
    hooks: &mut HashMap<String, bool>,
) -> Option<String> {
    let site = repo.model.docs_site_for(doc)?;
    if site.generator != Generator::Hugo || dest.starts_with('/') {
        return None;
    }
    let content = site.roots.first()?;
    let site_dir = dir_of(content);
    let resolves = *hooks.entry(site.config.clone()).or_insert_with(|| {
        [
            "layouts/_markup/render-link.html",
            "layouts/_default/_markup/render-link.html",
        ]
        .iter()
        .filter_map(|h| join_normalized(site_dir, h))
        .filter_map(|h| repo.read_text(&h))
        .any(|t| t.contains("GetPage"))
    });
    if !resolves {
        return None;
    }
    let rel = percent_decode(dest.split(['#', '?']).next().unwrap_or(""));
    let doc_dir = dir_of(doc);
    let bundle = doc.ends_with("/index.md");
    let page_dir = if bundle { dir_of(doc_dir) } else { doc_dir };
    [page_dir, content.as_str()]
        .iter()
        .filter_map(|base| join_normalized(base, &rel))
        .find(|candidate| !candidate.is_empty() && repo.exists(candidate))
}

/// The file and anchor a link of document `doc` to `dest` (trimmed) points at, or `None`
/// when the link is not one to check: external, templated, a rustdoc or generator
/// placeholder, or leaving the repository.
fn link_target(doc: &str, dest: &str) -> Option<(String, Option<String>)> {
    if dest.is_empty()
        || is_external(dest)
        || dest.contains(['{', '}', '<', '>', '$'])
        || dest.contains("%7B")
    {
        return None;
    }
    let (path_part, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(percent_decode(a))),
        None => (dest, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    // `[**str**](.md)`: a generator's template with an empty name, not a file.
    let stem_empty = path_part
        .rsplit('/')
        .next()
        .is_some_and(|n| n.starts_with('.') && n.len() > 1 && !n[1..].contains('.'));
    if is_rustdoc_link(path_part) || stem_empty || starts_with_placeholder(path_part) {
        return None;
    }
    let target = if path_part.is_empty() {
        doc.to_string()
    } else {
        join_normalized(dir_of(doc), &percent_decode(path_part))?
    };
    Some((target, anchor))
}

/// A broken link or image: where it is, its snippet, what is wrong with it.
type Broken<'a> = (&'a Related, &'a String, String);

/// One finding per document at its first broken link, the others as related locations.
fn report_per_document(broken: Vec<Broken<'_>>, out: &mut RepoSink<'_>) {
    let mut by_doc: Vec<(String, Vec<Broken<'_>>)> = Vec::new();
    for b in broken {
        match by_doc.iter_mut().find(|(d, _)| *d == b.0.path) {
            Some((_, v)) => v.push(b),
            None => by_doc.push((b.0.path.to_string(), vec![b])),
        }
    }
    for (_, mut items) in by_doc {
        items.sort_by_key(|(at, _, _)| at.span.start);
        let n = items.len();
        let mut iter = items.into_iter();
        let Some((at, snippet, msg)) = iter.next() else {
            continue;
        };
        let msg = if n == 1 {
            msg
        } else {
            format!("{n} broken links or images in this document; first: {msg}")
        };
        let f = out.report(at.clone(), snippet.clone(), msg);
        f.grouped = true;
        f.related = iter
            .map(|(at, _, m)| Related {
                message: m,
                ..at.clone()
            })
            .collect();
    }
}

impl Rule for BrokenLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_markdown(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let facts = md::facts(&cx.file.text);
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let labels = md::myst_targets(&cx.file.text);
        st.anchors.insert(
            cx.file.path.to_string(),
            facts.anchors.iter().chain(labels.iter()).cloned().collect(),
        );
        st.labels.extend(labels);
        if matches!(
            cx.role,
            FileRole::Test | FileRole::Vendored | FileRole::Generated | FileRole::Archived
        ) || super::is_tool_state(&cx.file.path)
        {
            return;
        }
        // Markdown under `templates/` is rendered by the application (a Django or
        // Jinja template): its links are routes of the running site, not files.
        if cx.file.path.split('/').any(|d| d == "templates") || is_github_form(&cx.file.path) {
            return;
        }
        // Old release notes point at files as they were then.
        let name = cx
            .file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if ["changelog", "history", "news", "changes", "release-notes"]
            .iter()
            .any(|n| name.starts_with(n))
        {
            return;
        }
        for link in facts.links {
            let dest = link.dest.trim();
            if link_target(&cx.file.path, dest).is_none() {
                continue;
            }
            let at = cx.locate(link.span.clone(), String::new());
            let snippet = crate::source::snippet_of(cx.file, at.region.start.line);
            st.links.push((at, snippet, dest.to_string(), link.image));
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        // Taken, not borrowed: the links are released once read.
        let Ok(st) = self.state.lock().map(|mut st| std::mem::take(&mut *st)) else {
            return;
        };
        let has_html = repo.inventory.iter().any(|e| e.path.ends_with(".html"));
        let mut site_settings = HashMap::new();
        let mut hugo_hooks = HashMap::new();
        // Broken links per document, in document order: one finding each (docs/severity.md).
        let mut broken: Vec<(&Related, &String, String)> = Vec::new();
        for (at, snippet, dest, image) in &st.links {
            let Some((target, anchor)) = link_target(&at.path, dest) else {
                continue;
            };
            let target = &target;
            let what = if *image { "image" } else { "link" };
            // Links into a generated HTML site (rustdoc, Sphinx) the repository does not hold.
            if target.ends_with(".html") && !has_html {
                continue;
            }
            let target = if target.is_empty() || repo.exists(target) {
                target.clone()
            } else if let Some(page) = site_url_target(repo, &at.path, dest, &mut site_settings)
                .or_else(|| site_page(repo, &at.path, dest, target))
                .or_else(|| web_public_target(repo, &at.path, dest))
                .or_else(|| hugo_page(repo, &at.path, dest, &mut hugo_hooks))
            {
                page
            } else if st.labels.contains(dest.split('#').next().unwrap_or(dest)) {
                // `[Develop documentation](develop-documentation)`: a MyST target label.
                continue;
            } else {
                broken.push((
                    at,
                    snippet,
                    format!("{what} to `{dest}`: `{target}` does not exist in the repository"),
                ));
                continue;
            };
            let Some(anchor) = anchor.as_deref().filter(|a| !a.is_empty()) else {
                continue;
            };
            let Some(anchors) = st.anchors.get(&target) else {
                continue;
            };
            let a = anchor.to_lowercase();
            if anchors.contains(anchor) || anchors.contains(&a) {
                continue;
            }
            let file = if target == at.path {
                "this file".to_string()
            } else {
                format!("`{target}`")
            };
            broken.push((
                at,
                snippet,
                format!("{what} to `{dest}`: {file} has no heading or anchor `#{anchor}`"),
            ));
        }
        report_per_document(broken, out);
    }
}
/// A GitHub pull request, issue or discussion template (`.github/PULL_REQUEST_TEMPLATE.md`,
/// `.github/ISSUE_TEMPLATE/bug.md`): a form the author fills in. Its links are
/// placeholders to replace (`![Before](image-link)`) and render on the pull request or
/// issue page, not next to the file, so they are not checked against the repository.
pub(crate) fn is_github_form(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split('/').any(|seg| {
        let stem = seg.strip_suffix(".md").unwrap_or(seg);
        matches!(
            stem,
            "pull_request_template" | "issue_template" | "discussion_template"
        )
    })
}
