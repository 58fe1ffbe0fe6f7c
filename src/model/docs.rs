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
    /// Hugo (`hugo.toml`/`.yaml`/`.json`, at the site's root or in its
    /// `config/_default/`, beside a `content/` directory it serves).
    Hugo,
    /// Astro (`astro.config.*`): pages under `src/pages/`, Starlight's under
    /// `src/content/docs/`, and content a dynamic route loads from anywhere in the
    /// project, so the whole project directory is its root.
    Astro,
    /// VitePress (`.vitepress/config.*`): pages are the Markdown files of the
    /// directory holding `.vitepress/`.
    VitePress,
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
            "hugo.toml" | "hugo.yaml" | "hugo.yml" | "hugo.json" => {
                // `docs/config/_default/hugo.toml` configures the site rooted at `docs/`.
                let site_dir = dir
                    .strip_suffix("config/_default")
                    .map_or(dir, |d| d.trim_end_matches('/'));
                join(site_dir, "content")
                    .filter(|c| exists(c))
                    .map(|content| DocsSite {
                        generator: Generator::Hugo,
                        config: path.to_string(),
                        roots: vec![content],
                    })
            }
            "astro.config.mjs" | "astro.config.js" | "astro.config.ts" | "astro.config.mts"
            | "astro.config.cjs" => Some(DocsSite {
                generator: Generator::Astro,
                config: path.to_string(),
                roots: vec![dir.to_string()],
            }),
            "config.js" | "config.ts" | "config.mjs" | "config.mts" | "config.cjs"
                if file_name(dir) == ".vitepress" =>
            {
                Some(DocsSite {
                    generator: Generator::VitePress,
                    config: path.to_string(),
                    roots: vec![dir_of(dir).to_string()],
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

/// File extensions of documentation the operations controls read.
const DOC_EXTS: &[&str] = &["md", "markdown", "mdx", "rst", "txt", "adoc"];

/// Path words that make a document worth reading for how the service is run.
const DOC_KEYWORDS: &[&str] = &[
    "runbook",
    "playbook",
    "operat",
    "ops",
    "oncall",
    "on-call",
    "incident",
    "troubleshoot",
    "deploy",
    "release",
    "rollback",
    "backup",
    "restore",
    "recovery",
    "disaster",
    "production",
    "install",
    "hosting",
    "maintenance",
    "readme",
    "security",
    "changelog",
    "changes",
    "history",
    "monitor",
    "alert",
];

/// Whether the walk keeps the sections of this file ([`DocsFile`]): a shipped
/// document (Markdown, reStructuredText, AsciiDoc, text) at the root, in a docs
/// directory, or named for operations. Requirements `.txt` files are not docs.
pub fn is_docs_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let lower_name = file_name(&lower);
    let ext = lower_name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if !DOC_EXTS.contains(&ext) {
        return false;
    }
    if ext == "txt"
        && (lower_name.starts_with("requirements") || lower_name.starts_with("constraints"))
    {
        return false;
    }
    if crate::roles::role_of(path) != crate::roles::FileRole::Production {
        return false;
    }
    let depth = lower.matches('/').count();
    let in_docs = lower.starts_with("docs/")
        || lower.starts_with("doc/")
        || lower.starts_with("documentation/")
        || lower.starts_with("runbooks/")
        || lower.starts_with("ops/")
        || lower.starts_with(".github/");
    (depth == 0 && ext != "txt")
        || (in_docs && depth <= 2)
        || DOC_KEYWORDS.iter().any(|k| lower.contains(k))
}

/// One document as the readiness controls read it: its sections, the URLs its
/// prose links to, where it mentions rolling back, and for a security policy
/// whether it names a reporting channel. Built once by the walk, so `status`
/// reads no documentation itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsFile {
    /// Repository-relative path.
    pub path: String,
    /// Non-empty lines.
    pub non_empty: usize,
    /// Headings (Markdown `#`, setext and reStructuredText underlines), in order.
    pub headings: Vec<Heading>,
    /// URLs in prose (outside fenced code blocks), in order.
    pub links: Vec<Link>,
    /// The first line (code blocks included) naming a rollback ([`ROLLBACK_WORDS`]).
    pub rollback_mention: Option<usize>,
    /// For a `SECURITY.md`-style file: what it offers a reporter.
    pub security: Option<SecurityPolicy>,
    /// The first prose line that tells a reporter of a vulnerability where to go
    /// privately (`security@…`, a HackerOne page, the advisory form): anywhere in a
    /// README or CONTRIBUTING guide, and in another page only under a heading naming
    /// security or vulnerabilities (a docs site's "Reporting a Security Issue"
    /// section). Many projects state their policy there instead of in `SECURITY.md`:
    /// the channel exists, GitHub just does not show it.
    pub reporting_channel: Option<usize>,
}

/// One heading and the section under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1-based line.
    pub line: usize,
    /// 1 for `#` or `===` underlines, deeper for more `#` (`---` and `~~~` underlines are 2).
    pub level: usize,
    /// The title, lower-cased, `#`s trimmed.
    pub title: String,
    /// Prose lines (non-empty, outside code blocks) until the next heading of the same or a higher level.
    pub body_lines: usize,
    /// Non-empty lines, code blocks included, until the next heading of the same or a higher level.
    pub section_lines: usize,
    /// The section runs the service somewhere (`docker run`, `docker compose up`,
    /// `helm install`, `kubectl apply`, `pm2 start`, `systemctl enable`).
    pub runs_service: bool,
}

/// A URL in a document's prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// 1-based line.
    pub line: usize,
    /// The URL, trailing punctuation trimmed.
    pub url: String,
    /// The target of an image (`[![status](https://…)]`): a badge, not a link to read.
    pub image: bool,
}

/// What a security policy offers someone who found a vulnerability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityPolicy {
    /// The first scaffold placeholder left in it (`[insert contact]`, `TODO`): line and text.
    pub placeholder: Option<(usize, String)>,
    /// The first prose line naming a private way to report (an address, an advisory form, a URL).
    pub channel: Option<usize>,
}

/// Words that name rolling a release back.
pub const ROLLBACK_WORDS: &[&str] = &[
    "rollback",
    "roll back",
    "rolling back",
    "roll-back",
    "revert a release",
    "reverting a deploy",
    "downgrade",
];

/// The document's facts, from its text (BOM already stripped).
pub fn docs_file(path: &str, text: &str) -> DocsFile {
    let lines: Vec<(usize, &str)> = numbered(text).collect();
    let mut headings = headings(path, &lines);
    for i in 0..headings.len() {
        let (line, level) = (headings[i].line, headings[i].level);
        let end = headings
            .iter()
            .find(|o| o.line > line && o.level <= level)
            .map_or(usize::MAX, |o| o.line);
        let (n, runs) = section_body(&lines, line, end);
        headings[i].section_lines = n;
        headings[i].runs_service = runs;
    }
    let lower_name = file_name(path).to_ascii_lowercase();
    let security = matches!(
        lower_name.as_str(),
        "security.md" | "security.rst" | "security.txt" | "security"
    )
    .then(|| security_policy(&lines));
    let reporting_channel = if is_guide_name(&lower_name) {
        reporting_channel(&lines)
    } else {
        reporting_channel_in_security_section(&lines, &headings)
    };
    DocsFile {
        path: path.to_string(),
        non_empty: text.lines().filter(|l| !l.trim().is_empty()).count(),
        headings,
        links: links(&lines),
        rollback_mention: lines
            .iter()
            .find(|(_, l)| {
                let l = l.to_ascii_lowercase();
                ROLLBACK_WORDS.iter().any(|w| l.contains(w))
            })
            .map(|(n, _)| *n),
        security,
        reporting_channel,
    }
}

/// Lines with their 1-based numbers, `\r` trimmed.
fn numbered(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
}

/// Numbered lines outside fenced code blocks (```` ``` ```` or `~~~`, closed by
/// the same marker): what a document says, not its code samples.
fn outside_fences<'a>(lines: &'a [(usize, &'a str)]) -> impl Iterator<Item = (usize, &'a str)> {
    let mut fence: Option<&str> = None;
    lines.iter().copied().filter(move |(_, l)| {
        let tl = l.trim_start();
        for marker in ["```", "~~~"] {
            if tl.starts_with(marker) {
                fence = match fence {
                    Some(m) if m == marker => None,
                    None => Some(marker),
                    other => other,
                };
                return false;
            }
        }
        fence.is_none()
    })
}

/// The headings of a document, each with its prose line count.
fn headings(path: &str, lines: &[(usize, &str)]) -> Vec<Heading> {
    let rst = path.to_ascii_lowercase().ends_with(".rst");
    let mut out: Vec<Heading> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut fence = false;
    for (i, (n, l)) in lines.iter().enumerate() {
        let tl = l.trim_start();
        if tl.starts_with("```") || tl.starts_with("~~~") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let level = if tl.starts_with('#') && !rst {
            let hashes = tl.chars().take_while(|c| *c == '#').count();
            (hashes <= 6 && tl[hashes..].starts_with(' ')).then_some(hashes)
        } else if let Some((_, next)) = lines.get(i + 1) {
            let nx = next.trim();
            let under = nx.len() >= 3
                && (nx.chars().all(|c| c == '=')
                    || nx.chars().all(|c| c == '-')
                    || (rst && nx.chars().all(|c| c == '~')));
            (under && !tl.trim().is_empty() && !tl.starts_with('|') && !tl.starts_with('-'))
                .then(|| if nx.starts_with('=') { 1 } else { 2 })
        } else {
            None
        };
        if let Some(level) = level {
            while open.last().is_some_and(|&i: &usize| out[i].level >= level) {
                open.pop();
            }
            open.push(out.len());
            out.push(Heading {
                line: *n,
                level,
                title: tl.trim_start_matches('#').trim().to_ascii_lowercase(),
                body_lines: 0,
                section_lines: 0,
                runs_service: false,
            });
        } else if !tl.trim().is_empty() {
            // Counts toward every open (enclosing) heading.
            for &i in &open {
                out[i].body_lines += 1;
            }
        }
    }
    out
}

/// A section's non-empty lines (code blocks included) strictly between the
/// heading's line and `end`, and whether one runs the service somewhere.
fn section_body(lines: &[(usize, &str)], line: usize, end: usize) -> (usize, bool) {
    static DEPLOYS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(?:docker\s+run\b|docker[- ]compose\b.*\bup\b|helm\s+(?:upgrade\s+(?:-\S+\s+)*--install|install)\b|kubectl\s+apply\b|pm2\s+start\b|systemctl\s+(?:enable|start)\b)")
            .unwrap_or_else(|_| unreachable!())
    });
    let mut count = 0;
    let mut deploys = false;
    for (_, l) in lines.iter().filter(|(n, _)| *n > line && *n < end) {
        if !l.trim().is_empty() {
            count += 1;
            deploys |= DEPLOYS.is_match(l);
        }
    }
    (count, deploys)
}

/// URLs in prose, in order.
fn links(lines: &[(usize, &str)]) -> Vec<Link> {
    static URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"https?://[^\s)>\]]+").unwrap_or_else(|_| unreachable!())
    });
    let mut out = Vec::new();
    for (n, l) in outside_fences(lines) {
        for m in URL.find_iter(l) {
            let before = &l[..m.start()];
            out.push(Link {
                line: n,
                url: m
                    .as_str()
                    .trim_end_matches(['.', ',', '"', '\''])
                    .to_string(),
                image: before.ends_with("](") && before.contains("!["),
            });
        }
    }
    out
}

/// What a security policy offers a reporter: a placeholder left from a scaffold
/// (anywhere), or a contact in prose (inline code blanked: a URL in a code sample
/// is not a reporting channel; a public issue tracker is not private).
fn security_policy(lines: &[(usize, &str)]) -> SecurityPolicy {
    static PLACEHOLDER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)(\[(insert|your|add|email|contact)[^\]]*\]|<[^>]*(email|contact|address)[^>]*>|@example\.(com|org)|\bTODO\b|\bTBD\b|\bFIXME\b|changeme|your[-_ ]?(email|contact|address)|REPLACE[_ ]?ME|REPLACE-WITH-|\{\{|use this section to tell people|tell them where to go)")
            .unwrap_or_else(|_| unreachable!())
    });
    // A bracketed placeholder (`[insert contact]`) is one that is not a link's
    // label: `[email the details to us at x@y.io](mailto:x@y.io)` is the channel.
    let placeholder = |l: &str| {
        PLACEHOLDER
            .find_iter(l)
            .any(|m| !(m.as_str().starts_with('[') && l[m.end()..].starts_with('(')))
    };
    let placeholder = lines
        .iter()
        .find(|(_, l)| placeholder(l))
        .map(|(n, l)| (*n, l.trim().chars().take(60).collect()));
    let channel = private_contact_lines(lines).next().map(|(n, _)| n);
    SecurityPolicy {
        placeholder,
        channel,
    }
}

/// Prose lines (outside code blocks and inline code) naming a private way to report:
/// an address, an advisory form, a bug-bounty page, a URL. A URL in a code sample is
/// not a reporting channel; a public issue tracker is not private.
fn private_contact_lines<'a>(
    lines: &'a [(usize, &'a str)],
) -> impl Iterator<Item = (usize, String)> + 'a {
    static CONTACT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)([\w.+-]+@[\w-]+\.[\w.-]+|security/advisories|private vulnerability reporting|report a vulnerability|hackerone\.com|bugcrowd\.com|huntr\.|/security/policy|security\.txt|https?://\S+)")
            .unwrap_or_else(|_| unreachable!())
    });
    outside_fences(lines)
        .map(|(n, l)| {
            let mut prose = String::with_capacity(l.len());
            let mut in_code = false;
            for c in l.chars() {
                if c == '`' {
                    in_code = !in_code;
                } else if !in_code {
                    prose.push(c);
                }
            }
            (n, prose)
        })
        .filter(|(_, l)| {
            CONTACT
                .find_iter(l)
                .any(|m| !m.as_str().contains("@example.") && !is_public_tracker(m.as_str()))
        })
}

/// The first line of a README or contributing guide that sends a vulnerability
/// reporter to a private channel: the line names security or a vulnerability, a
/// report, and the channel itself ("report security bugs via our HackerOne page",
/// "email security@… to report a vulnerability").
fn reporting_channel(lines: &[(usize, &str)]) -> Option<usize> {
    private_contact_lines(lines)
        .find(|(_, l)| {
            let l = l.to_ascii_lowercase();
            (l.contains("security") || l.contains("vulnerab"))
                && ["report", "disclos", "email", "e-mail", "contact", "send"]
                    .iter()
                    .any(|w| l.contains(w))
        })
        .map(|(n, _)| n)
}

/// A README or contributing guide: prose that speaks for the whole project.
pub fn is_guide_name(lower_name: &str) -> bool {
    lower_name.starts_with("readme") || lower_name.starts_with("contributing")
}

/// The first line of a page's section about security (a heading naming security or
/// vulnerabilities: "Reporting a Security Issue") that sends a reporter to a private
/// channel, as [`reporting_channel`] reads it. Outside such a section a page's
/// contact line is about something else (support, a mailing list).
fn reporting_channel_in_security_section(
    lines: &[(usize, &str)],
    headings: &[Heading],
) -> Option<usize> {
    let sections: Vec<(usize, usize)> = headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.title.contains("security") || h.title.contains("vulnerab"))
        .map(|(i, h)| {
            let end = headings[i + 1..]
                .iter()
                .find(|o| o.level <= h.level)
                .map_or(usize::MAX, |o| o.line);
            (h.line, end)
        })
        .collect();
    if sections.is_empty() {
        return None;
    }
    let inside: Vec<(usize, &str)> = lines
        .iter()
        .copied()
        .filter(|(n, _)| sections.iter().any(|&(start, end)| *n > start && *n < end))
        .collect();
    reporting_channel(&inside)
}

/// A public issue tracker is not a private way to report a vulnerability.
fn is_public_tracker(url: &str) -> bool {
    let u = url.trim_end_matches(['/', ')', '.', ',']);
    u.ends_with("/issues") || u.contains("/issues/new") || u.ends_with("/discussions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_rst_headings() {
        let md = docs_file(
            "docs/runbook.md",
            "# Runbook\n\n```bash\n# not a heading\n```\n\n## Troubleshooting\n\none\ntwo\n\nSetext\n======\n",
        );
        let titles: Vec<&str> = md.headings.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, vec!["runbook", "troubleshooting", "setext"]);
        assert_eq!(md.headings[1].line, 7);
        assert_eq!(md.headings[1].body_lines, 2);
        let rst = docs_file(
            "docs/ops.rst",
            "Operations\n==========\n\nRollback\n--------\nrun it\n",
        );
        let titles: Vec<&str> = rst.headings.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, vec!["operations", "rollback"]);
        assert_eq!(rst.rollback_mention, Some(4));
    }

    #[test]
    fn sections_count_code_and_know_when_they_run_the_service() {
        let d = docs_file(
            "README.md",
            "# App\n\n## Install\n\n```sh\ndocker compose up -d\n```\n\n## Usage\n\nrun it\n",
        );
        let install = &d.headings[1];
        assert_eq!(install.title, "install");
        // The fence lines and the command; prose only counts none.
        assert_eq!((install.section_lines, install.body_lines), (3, 0));
        assert!(install.runs_service);
        assert!(!d.headings[2].runs_service);
        // The title's section holds both.
        assert!(d.headings[0].runs_service);
    }

    #[test]
    fn links_in_prose_only_and_badges_are_images() {
        let d = docs_file(
            "README.md",
            "[![deploy](https://ci.example/deploy-status)](x)\nSee https://docs.example/deploy/.\n```\ncurl https://code.example/x\n```\n",
        );
        let urls: Vec<(usize, &str, bool)> = d
            .links
            .iter()
            .map(|l| (l.line, l.url.as_str(), l.image))
            .collect();
        assert_eq!(
            urls,
            vec![
                (1, "https://ci.example/deploy-status", true),
                (2, "https://docs.example/deploy/", false)
            ]
        );
    }

    #[test]
    fn pages_send_reporters_to_a_channel_only_from_a_security_section() {
        let support = docs_file(
            "docs/docs/support.mdx",
            "# Support\n\nEmail security questions to help@app.dev.\n\n## Reporting a Security Issue\n\nPlease report a security issue via https://hackerone.com/acme.\n\n## Versions\n\nReport security bugs to old@app.dev.\n",
        );
        assert_eq!(support.reporting_channel, Some(7));
        let outside = docs_file(
            "docs/community.md",
            "# Community\n\nSecurity hardening questions: email team@app.dev.\n",
        );
        assert_eq!(outside.reporting_channel, None);
    }

    #[test]
    fn guides_that_send_reporters_to_a_private_channel() {
        let bounty = docs_file(
            "CONTRIBUTING.md",
            "# Contributing\n\n* __SECURITY__: Report any security bug via [our HackerOne page](https://hackerone.com/acme).\n",
        );
        assert_eq!(bounty.reporting_channel, Some(3));
        let address = docs_file(
            "README.md",
            "# App\n\n## Security\n\nPlease report it privately.\n\nTo disclose security issues, email security@app.dev.\n",
        );
        assert_eq!(address.reporting_channel, Some(7));
        // A public tracker, a URL with no word about security, or a code sample is no channel.
        for text in [
            "Report security problems at https://github.com/acme/app/issues\n",
            "Send questions to team@app.dev.\n",
            "```\necho security report > mail admin@app.dev\n```\n",
        ] {
            assert_eq!(
                docs_file("README.md", text).reporting_channel,
                None,
                "{text}"
            );
        }
        // Only guides are read for it; a policy file has its own fact.
        assert_eq!(
            docs_file("docs/ops.md", "Report security bugs to security@app.dev\n")
                .reporting_channel,
            None
        );
    }

    #[test]
    fn security_policy_placeholder_and_channel() {
        let scaffold = docs_file("SECURITY.md", "# Policy\n\nEmail [insert contact].\n");
        let p = scaffold.security.unwrap_or_else(|| unreachable!());
        assert_eq!(p.placeholder.map(|(n, _)| n), Some(3));
        let real = docs_file(
            "SECURITY.md",
            "# Policy\n\n`https://example.invalid/in-code`\n\nMail security@corp.io.\n",
        );
        let p = real.security.unwrap_or_else(|| unreachable!());
        assert_eq!((p.placeholder, p.channel), (None, Some(5)));
        assert!(docs_file("README.md", "x").security.is_none());
    }

    #[test]
    fn which_files_are_docs() {
        assert!(is_docs_file("README.md"));
        assert!(is_docs_file("docs/runbook.md"));
        assert!(is_docs_file("docs/ops/deploy.md"));
        assert!(!is_docs_file("requirements.txt"));
        assert!(!is_docs_file("tests/fixtures/README.md"));
        assert!(!is_docs_file("src/pkg/notes.md"));
    }
}
