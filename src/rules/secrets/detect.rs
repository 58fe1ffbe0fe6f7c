//! Shared secret detection: credential-looking assignments (`password = "…"`),
//! provider token formats, placeholder and entropy filters, and redaction.
//! Used by `secrets/*` and by `config/duplicated-credential`.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::classify::FileKind;
use crate::rules::FileCx;
use crate::source::SourceFile;

/// How values are written in a file: code needs quotes around a literal
/// (`password = db_pass` is a variable), config files do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Python, JavaScript, Go…: only quoted literals are values.
    Code,
    /// YAML, INI, .env, properties, shell, Dockerfile: unquoted values count.
    Config,
}

/// What kind of secret a name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    /// password, passwd, passphrase, pwd.
    Password,
    /// token, secret, api key, private key, credentials.
    Token,
}

/// A literal assigned to a secret-looking name.
#[derive(Debug, Clone)]
pub struct Assignment {
    /// The name as written (`DB_PASSWORD`).
    pub name: String,
    /// Byte span of the name.
    pub name_span: Range<usize>,
    /// Byte span of the value (without quotes).
    pub value_span: Range<usize>,
    /// Password or token.
    pub class: NameClass,
}

const CODE_EXTS: &[&str] = &[
    "py", "pyi", "js", "jsx", "ts", "tsx", "mjs", "cjs", "go", "rb", "java", "kt", "kts", "scala",
    "php", "cs", "rs", "swift", "c", "h", "cc", "cpp", "hpp", "groovy", "gradle", "tf", "hcl",
    "lua", "pl", "r", "dart", "ipynb", "vue", "svelte", "astro",
];

/// Extension of a path, lower-cased.
pub fn ext_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The value style of a file.
pub fn style_of(cx: &FileCx<'_>) -> Style {
    if cx.kind == FileKind::Python || CODE_EXTS.contains(&ext_of(&cx.file.path).as_str()) {
        Style::Code
    } else {
        Style::Config
    }
}

/// Files where an assignment of a secret-looking name is documentation or data,
/// not configuration: Markdown and other prose, lockfiles, SVG, CSV, notebooks,
/// minified code.
pub fn is_prose_or_data(cx: &FileCx<'_>) -> bool {
    let ext = ext_of(&cx.file.path);
    let name = cx
        .file
        .path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(cx.kind, FileKind::Markdown)
        || (cx.kind == FileKind::Manifest && !name.ends_with(".py"))
        || matches!(
            ext.as_str(),
            "md" | "rst"
                | "adoc"
                | "txt"
                | "html"
                | "htm"
                | "svg"
                | "csv"
                | "tsv"
                | "ipynb"
                | "lock"
                | "sum"
                | "po"
                | "pot"
                | "xml"
                | "css"
                | "scss"
        )
        || is_template_name(&name)
        || is_scanner_baseline(&name)
        || is_test_like(&cx.file.path)
        || cx.file.path.to_ascii_lowercase().split('/').any(|d| {
            matches!(
                d,
                "i18n" | "l10n" | "locale" | "locales" | "lang" | "langs" | "translations"
            )
        })
        || name.contains(".min.")
        || name.contains(".chunk.")
        || name.contains(".bundle.")
        || is_minified(&cx.file.text)
        || name.starts_with("changelog")
        || name.starts_with("license")
        || name.starts_with("news")
        || name.starts_with("authors")
        || is_api_description(&ext, &cx.file.text)
}

static API_DESCRIPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^(?:openapi|swagger)\s*:\s*["']?[23]\.|^\s*\{?\s*"(?:openapi|swagger)"\s*:\s*"[23]\."#)
        .expect("static regex")
});

/// An OpenAPI or Swagger description (`openapi: 3.0.3` / `"swagger": "2.0"` at the top of
/// a YAML or JSON file): it documents requests and responses, so its literal values are
/// examples (`examples: … token: 591F6D-…`), not configuration. Provider-format keys are
/// still caught by `secrets/provider-credential`, which reads every file.
pub fn is_api_description(ext: &str, text: &str) -> bool {
    if !matches!(ext, "yaml" | "yml" | "json") {
        return false;
    }
    let head = &text[..crate::source::floor_char_boundary(text, 4096)];
    API_DESCRIPTION.is_match(head) || is_fern_definition(head)
}

static FERN_TOP_KEYS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(?:types|service|errors):[ \t]*$").expect("static regex"));

/// A Fern API definition (`fern/apis/*/definition/*.yml`: top-level `types:`,
/// `service:`, `errors:`, with Fern's schema comment or `imports:`): its values are type
/// names (`changePassword: ScimFeatureSupport`) and examples, like an OpenAPI description.
fn is_fern_definition(head: &str) -> bool {
    FERN_TOP_KEYS.is_match(head)
        && (head.contains("fern.schema.json") || head.lines().any(|l| l.trim_end() == "imports:"))
}

/// The baseline or allowlist of a secret scanner (detect-secrets' `.secrets.baseline`,
/// gitleaks' `.gitleaks.toml` and `.gitleaksignore`, trufflehog's exclusions, talisman's
/// `.talismanrc`): hashes and fingerprints of findings, not secrets.
pub fn is_scanner_baseline(lower_name: &str) -> bool {
    lower_name.ends_with("secrets.baseline")
        || lower_name.starts_with(".secrets.")
        || matches!(
            lower_name,
            ".gitleaks.toml"
                | "gitleaks.toml"
                | ".gitleaksignore"
                | ".talismanrc"
                | ".secretlintignore"
        )
        || lower_name.starts_with(".trufflehog")
        || lower_name.starts_with(".detect-secrets")
}

/// Test files the role table does not know (`Card.test.tsx`, `api.spec.jsx`,
/// `__mocks__/`, `*_test.rb`, `*Test.java`).
pub fn is_test_like(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("_test.")
        || name.contains("_spec.")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|n| n.contains("Test.") || n.contains("Tests."))
        || lower
            .split('/')
            .any(|d| d == "__mocks__" || d == "mocks" || d == "stubs")
}

/// A template or sample meant to be copied and filled in (`.env.example`,
/// `settings.py.sample`, `config.yml.dist`, `values.tmpl`).
pub fn is_template_name(lower_name: &str) -> bool {
    lower_name.split('.').skip(1).any(|part| {
        matches!(
            part,
            "example"
                | "examples"
                | "sample"
                | "template"
                | "tmpl"
                | "tpl"
                | "dist"
                | "default"
                | "defaults"
                | "skel"
                | "j2"
                | "jinja"
                | "jinja2"
        )
    }) || lower_name.starts_with("example.")
        || lower_name.starts_with("sample.")
}

/// Minified or generated one-line code: the first 4 KiB hold a line over 1000 characters.
pub fn is_minified(text: &str) -> bool {
    let head = &text[..crate::source::floor_char_boundary(text, 4096)];
    head.split('\n').any(|l| l.len() > 1000)
}

static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)[a-z0-9_.\-]*(?:passw(?:or)?d|passphrase|pwd|pass(?-u:\b)|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|secret[_\-]?key|signing[_\-]?key|encryption[_\-]?key|master[_\-]?key|credentials?)[a-z0-9_.\-]*["']?[ \t]*(?:=>|:=|=|:)[ \t]*"#,
    )
    .expect("static regex")
});

/// The words one of which every match of [`ASSIGN`] contains (`passw(or)d`,
/// `passphrase` and `pass` share `pass`; every `…key` shares `key`), case folded as
/// `ASSIGN` folds them (Unicode: `ſ` for `s`, the Kelvin sign for `k`). A search for
/// these literals runs on SIMD where `ASSIGN`, which opens with a name class, ran its
/// automaton over every byte.
static ASSIGN_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)pass|pwd|secret|token|key|credential").expect("static regex")
});

/// The lines of `text` (byte ranges, without their `\n`) that hold a match of `words`,
/// in order. For a pattern every match of which lies within one line and contains a
/// match of `words`, searching these lines one by one finds exactly the matches a
/// search of the whole text finds, in the same order: no match spans a line break, and
/// a line break is neither a word character nor part of a match, so a line's edges
/// look to the pattern as the text around it does (`^` in multi-line mode, `\b`).
pub(crate) fn keyword_lines<'t>(
    text: &'t str,
    words: &'t Regex,
) -> impl Iterator<Item = Range<usize>> + 't {
    let b = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos > b.len() {
            return None;
        }
        let hit = words.find_at(text, pos)?;
        let start = memchr::memrchr(b'\n', &b[pos..hit.start()]).map_or(pos, |i| pos + i + 1);
        let end = memchr::memchr(b'\n', &b[hit.end()..]).map_or(b.len(), |i| hit.end() + i);
        pos = end + 1;
        Some(start..end)
    })
}

/// A secret word other than the short `pass` (which needs to be the name's last word).
static OTHER_SECRET_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"passw(?:or)?d|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|signing[_\-]?key|encryption[_\-]?key|master[_\-]?key|credential",
    )
    .expect("static regex")
});

/// A Django permission's full codename, `app_label.action_model`
/// (`rbac.view_userchangepasswordreport`, `auth.change_passwordpolicy`): the name of a
/// permission on a model whose name holds a secret word, not a credential (round 9: a
/// permission → tree node mapping, `"rbac.add_userchangepasswordreport": "report_node"`).
static DJANGO_PERMISSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z][a-z0-9_]*\.(?:view|add|change|delete)_[a-z0-9]+$").expect("static regex")
});

/// Name segments that make a secret-looking name describe something else
/// (`password_file`, `token_url`, `max_tokens`).
const BAD_LAST: &[&str] = &[
    "url",
    "uri",
    "urls",
    "file",
    "files",
    "path",
    "paths",
    "name",
    "names",
    "id",
    "ids",
    "type",
    "types",
    "length",
    "len",
    "field",
    "fields",
    "header",
    "headers",
    "env",
    "var",
    "vars",
    "prompt",
    "regex",
    "re",
    "pattern",
    "policy",
    "endpoint",
    "dir",
    "format",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "min",
    "max",
    "count",
    "size",
    "hash",
    "hashed",
    "cmd",
    "command",
    "label",
    "help",
    "placeholder",
    "hint",
    "msg",
    "message",
    "error",
    "enabled",
    "required",
    "mode",
    "method",
    "location",
    "host",
    "port",
    "user",
    "username",
    "provider",
    "store",
    "manager",
    "class",
    "reset",
    "rotation",
    "version",
    "index",
    "kind",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "algorithm",
    "alg",
    "prefix",
    "suffix",
    "source",
    "strategy",
    "backend",
    "generator",
    "column",
    "widget",
    "template",
    "param",
    "params",
    "limit",
    "lifetime",
    "age",
    "key",
    "keys",
    "ref",
    "arn",
    "secretref",
    "mount",
    "volume",
    "description",
    "desc",
    "title",
    "text",
    "question",
    "input",
    "output",
    "option",
    "options",
    "flag",
    "check",
    "validator",
    "validators",
    "encoder",
    "cache",
    "list",
    "set",
    "map",
    "dict",
    "callback",
    "handler",
    "func",
    "fn",
    "class",
    "model",
    "form",
    "serializer",
    "visible",
    "show",
    "hidden",
    "changed",
    "updated",
    "created",
    "at",
    "date",
    "time",
    "display",
    "property",
    "attribute",
    "attr",
    "usage",
    "count",
    "number",
    "num",
    "policy",
    "scheme",
    "schemes",
    "passwords",
    "secrets",
    "address",
    "addr",
    "verbose",
];

const BAD_ANY: &[&str] = &[
    "hashed",
    "tokenizer",
    "tokens",
    "tokenize",
    "page_token",
    "pagetoken",
    "next_token",
    "nexttoken",
    "continuation",
    "sync_token",
    "cancel",
    "csrf",
    "xsrf",
    "secretsmanager",
    "secret_manager",
    "secrets_manager",
    "keyvault",
    "oldpwd",
    "passwordless",
    "forgot",
    "token_endpoint",
    "_in_",
    "is_",
    "has_",
    "use_",
    "allow",
];

/// `GooglePasswordManager` → `google_password_manager`, `tokenAddress` → `token_address`:
/// camelCase words become separate segments, so the last word decides like in snake_case.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn classify_name(name: &str) -> Option<NameClass> {
    let snake = snake_case(name);
    let trimmed = snake.trim_start_matches(['-', '.', '$']);
    if trimmed == "pwd" || trimmed.is_empty() {
        return None;
    }
    if BAD_ANY.iter().any(|b| trimmed.contains(b)) || DJANGO_PERMISSION.is_match(trimmed) {
        return None;
    }
    let last = trimmed.rsplit(['_', '.', '-']).next().unwrap_or(trimmed);
    // `DB_PASS`, `smtp.pass`: `pass` counts only as the last word (`bypass`, `compass`,
    // `pass_through`, `first_pass.count` are something else).
    if last != "pass" && !OTHER_SECRET_WORD.is_match(trimmed) {
        return None;
    }
    // `first_pass`, `render_pass`, `two_pass`: a pass of an algorithm, not a password.
    if last == "pass" && !OTHER_SECRET_WORD.is_match(trimmed) {
        let before = trimmed.rsplit(['_', '.', '-']).nth(1).unwrap_or("");
        if matches!(
            before,
            "first"
                | "second"
                | "third"
                | "last"
                | "next"
                | "prev"
                | "previous"
                | "final"
                | "one"
                | "two"
                | "single"
                | "double"
                | "multi"
                | "each"
                | "current"
                | "render"
                | "shader"
                | "compile"
                | "lint"
                | "check"
                | "build"
                | "boarding"
                | "bus"
                | "season"
                | "day"
                | "hall"
                | "free"
        ) {
            return None;
        }
    }
    // Keys and tokens a provider issues to be embedded in every visitor's browser:
    // a Chatwoot `websiteToken` (the id of a public chat inbox), `public_*` and
    // `publishable_*` keys (Stripe, Clerk), Algolia `search_only_*` keys. Publishing
    // them is their purpose (round 11: khoj's docs site and web UI).
    if trimmed.starts_with("public_")
        || trimmed.starts_with("publishable_")
        || trimmed.contains("search_only")
        || trimmed.ends_with("website_token")
    {
        return None;
    }
    // `password_complexity_code = "0000052D."`: a code describes an error, a status or
    // an operation; only the codes that grant access are credentials (and only names
    // holding a secret word reach here: `secret_code`, `api_token_auth_code`).
    if matches!(last, "code" | "codes")
        && !["auth_code", "access_code", "secret_code"]
            .iter()
            .any(|k| trimmed.trim_end_matches('s').ends_with(k))
    {
        return None;
    }
    if BAD_LAST.contains(&last) {
        // `api_key`, `secret_key`, `private_key` end in `key` but are secrets.
        let keyed = last == "key"
            && [
                "apikey",
                "api_key",
                "api-key",
                "accesskey",
                "access_key",
                "access-key",
                "privatekey",
                "private_key",
                "private-key",
                "secretkey",
                "secret_key",
                "secret-key",
                "signing_key",
                "encryption_key",
                "master_key",
            ]
            .iter()
            .any(|k| trimmed.ends_with(k));
        if !keyed {
            return None;
        }
    }
    if trimmed.contains("passw")
        || trimmed.contains("passphrase")
        || trimmed.contains("pwd")
        || last == "pass"
    {
        Some(NameClass::Password)
    } else {
        Some(NameClass::Token)
    }
}

/// Finds literals assigned to secret-looking names in `text`.
pub fn assignments(text: &str, style: Style) -> Vec<Assignment> {
    let mut out = Vec::new();
    // Every match of `ASSIGN` holds one of its secret words and no line break: only
    // the lines with a word are searched, not the whole text (the pattern opens with
    // a name class, so the regex had to run its automaton over every byte).
    let matches = keyword_lines(text, &ASSIGN_WORDS).flat_map(|line| {
        ASSIGN
            .find_iter(&text[line.clone()])
            .map(move |m| (line.start + m.start(), line.start + m.end()))
    });
    for (start, after) in matches {
        let s = &text[start..after];
        let b = text.as_bytes();
        // Not inside a longer word on the left (`…_password` already included by the regex).
        let name_end = s.find(['"', '\'', ' ', '\t', '=', ':']).unwrap_or(s.len());
        let name = &s[..name_end];
        let op_text = s[name_end..].trim_matches([' ', '\t', '"', '\'']);
        // `==`, `=~`, `: =`… comparisons and walrus forms that are not assignments.
        if matches!(b.get(after), Some(b'=' | b'~')) {
            continue;
        }
        if op_text.starts_with('=') && start > 0 && matches!(b[start - 1], b'!' | b'<' | b'>') {
            continue;
        }
        // URLs (`https://`) and times after a colon.
        if op_text == ":" && matches!(b.get(after), Some(b'/')) {
            continue;
        }
        // `arn:aws:secretsmanager:…:secret:NAME-Ab12Cd`: a field of an AWS resource name,
        // the reference an ECS task or IAM policy reads the secret through, not a value.
        if inside_arn(text, start) {
            continue;
        }
        let Some(class) = classify_name(name) else {
            continue;
        };
        let Some(value_span) = read_value(text, after, style) else {
            continue;
        };
        let value = &text[value_span.clone()];
        if !plausible_secret(value, class) {
            continue;
        }
        // A bare `pass` key also routes requests (NGINX Unit's `"pass": "routes/main"`).
        if value.contains('/')
            && name
                .trim_start_matches(['-', '$'])
                .eq_ignore_ascii_case("pass")
        {
            continue;
        }
        let ns = start + name.len() - name.trim_start_matches(['-', '$']).len();
        out.push(Assignment {
            name: name.trim_start_matches(['-', '$']).to_string(),
            name_span: ns..start + name.len(),
            value_span,
            class,
        });
    }
    out.extend(fallback_defaults(text, &out));
    out
}

/// Whether the name that starts at `at` is a field of an Amazon Resource Name
/// (`arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-pass-AbCdEf`,
/// `arn:aws:ssm:…:parameter/api_token`): the word that holds it starts with `arn:`.
fn inside_arn(text: &str, at: usize) -> bool {
    let word_start = text[..at]
        .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '=' | ','))
        .map_or(0, |i| i + 1);
    at > word_start && text[word_start..at].starts_with("arn:")
}

/// Literal defaults of secret-named environment variables:
/// `os.environ.get("DB_PASS", "Tr0ub…")`, `config("API_TOKEN", default="…")`,
/// `process.env.DB_PASS || "…"`, `${DB_PASS:-…}`. The variable is meant to be set, but
/// when it is not the literal is the password, so it is one like any other (and a copy
/// of the one in `docker-compose.yml`, often).
fn fallback_defaults(text: &str, already: &[Assignment]) -> Vec<Assignment> {
    if !text.contains("env") && !text.contains("${") && !text.contains("config(") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in FALLBACK.captures_iter(text) {
        let (Some(var), Some(default)) = (
            c.name("pv").or(c.name("jv")).or(c.name("sv")),
            c.name("pd").or(c.name("jd")).or(c.name("sd")),
        ) else {
            continue;
        };
        let Some(class) = classify_name(var.as_str()) else {
            continue;
        };
        if default.is_empty()
            || !plausible_secret(default.as_str(), class)
            || already
                .iter()
                .any(|a| a.value_span.start < default.end() && default.start() < a.value_span.end)
        {
            continue;
        }
        out.push(Assignment {
            name: var.as_str().to_string(),
            name_span: var.range(),
            value_span: default.range(),
            class,
        });
    }
    out
}

/// The value that starts at `at`: a quoted string (any style) or, in config
/// style, the rest of the line up to a comment.
fn read_value(text: &str, at: usize, style: Style) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut i = at;
    // Python string prefixes.
    if i < b.len()
        && matches!(b[i], b'r' | b'R' | b'b' | b'B' | b'u' | b'U')
        && matches!(b.get(i + 1), Some(b'"' | b'\''))
    {
        i += 1;
    }
    match b.get(i) {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            let start = i + 1;
            let mut j = start;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    b'\n' => return None,
                    c if c == q => break,
                    _ => j += 1,
                }
            }
            if j >= b.len() {
                return None;
            }
            // A triple-quoted or empty string.
            if j == start {
                return None;
            }
            Some(start..j)
        }
        Some(_) if style == Style::Config => {
            let line_end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            let mut end = line_end;
            let line = &text[i..line_end];
            for pat in [" #", "\t#", " ;", " //"] {
                if let Some(p) = line.find(pat) {
                    end = end.min(i + p);
                }
            }
            let mut v = text[i..end].trim_end().trim_end_matches('\r');
            v = v.trim_end_matches(',');
            if v.is_empty() {
                return None;
            }
            Some(i..i + v.len())
        }
        _ => None,
    }
}

const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "example",
    "dummy",
    "placeholder",
    "your",
    "xxx",
    "sample",
    "fake",
    "redacted",
    "replace",
    "todo",
    "fixme",
    "insert",
    "enter",
    "test",
    "mock",
    "secret",
    "password",
    "passwd",
    "token",
    "default",
    "***",
    "...",
    "none",
    "null",
    "undefined",
    "lookup(",
    "environ",
    "getenv",
    "process.env",
    "env(",
    "vault",
    "!vault",
    "notasecret",
    "not-a-secret",
    "foobar",
    "hunter2_example",
];

const WEAK_DEFAULTS: &[&str] = &[
    "postgres",
    "root",
    "admin",
    "guest",
    "user",
    "pass",
    "mysql",
    "123456",
    "12345678",
    "qwerty",
    "letmein",
    "welcome",
    "rabbitmq",
    "minio",
    "minioadmin",
    "redis",
    "airflow",
    "django",
    "docker",
    "sa",
    "oracle",
    "true",
    "false",
    "yes",
    "no",
    "required",
    "optional",
    "string",
    "str",
    "bytes",
    "int",
];

/// Whether `value` looks like a real secret rather than a placeholder, reference or word.
pub fn plausible_secret(value: &str, class: NameClass) -> bool {
    let v = value.trim();
    let min = match class {
        NameClass::Password => 6,
        NameClass::Token => 8,
    };
    if v.chars().count() < min || v.len() > 500 {
        return false;
    }
    if v.chars().any(char::is_whitespace) {
        return false;
    }
    if is_dotted_number(v) || is_rate_limit(v) {
        return false;
    }
    let first = v.as_bytes()[0];
    if matches!(
        first,
        b'$' | b'%'
            | b'{'
            | b'['
            | b'('
            | b'<'
            | b'|'
            | b'>'
            | b'&'
            | b'*'
            | b'!'
            | b'/'
            | b'@'
            | b'~'
            | b'.'
            | b'#'
    ) {
        return false;
    }
    // Interpolations and references (`${X}`, `{{ x }}`, `%(x)s`, `$(cmd)`, an escaped
    // `\$X` expanded later), text with a format or call shape (`uid:gid:(gecos)`).
    if [
        "${", "{{", "}}", "%(", "%s", "#{", "{", "}", "()", "://", "\\n", "#", "$(", "\\$",
    ]
    .iter()
    .any(|p| v.contains(p))
        || v.contains('(') && v.contains(')')
    {
        return false;
    }
    // A UUID names something (a passkey provider, a tenant); it is not a password.
    if class == NameClass::Password && is_uuid(v) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
        || is_leet_placeholder(&lower)
        || WEAK_DEFAULTS.contains(&lower.as_str())
    {
        return false;
    }
    if [
        "arn:",
        "ssm:",
        "env:",
        "vault:",
        "secret:",
        "file:",
        "sm://",
        "projects/",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return false;
    }
    // An environment variable name or constant (`DB_PASSWORD`), a dotted reference
    // (`settings.DB_PASSWORD`), a call.
    if v.bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
        && v.contains('_')
    {
        return false;
    }
    if v.contains('.')
        && v.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'))
        && v.split('.').count() >= 2
        && !v.bytes().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    if names_a_key(v) {
        return false;
    }
    // One character repeated (`aaaaaaaa`, `00000000`).
    let mut chars = v.chars();
    let c0 = chars.next();
    if chars.all(|c| Some(c) == c0) {
        return false;
    }
    if !v.is_ascii() {
        return false;
    }
    let classes = char_classes(v);
    let non_letter = v.bytes().any(|c| !c.is_ascii_alphabetic());
    match class {
        // A word (`Passwort`, `Contraseña`: UI labels) is not a password; a long mixed-case one may be.
        NameClass::Password => {
            classes >= 2 && non_letter || v.len() >= 12 && classes >= 2 && entropy(v) >= 3.0
        }
        NameClass::Token => {
            classes >= 2 && entropy(v) >= 3.0 && v.bytes().any(|c| c.is_ascii_digit())
        }
    }
}

/// Whether the `apiKey` assigned at `at` configures an Algolia search client: the same
/// object names the application (`appId`) and the index (`indexName`), as DocSearch's
/// `docsearch({appId, apiKey, indexName})` and Docusaurus' `algolia: {…}` do. Such a key is
/// the search-only key every visitor's browser sends (Algolia documents it as public); an
/// admin key never goes in a client's configuration.
pub fn in_search_client_config(text: &str, name: &str, at: usize) -> bool {
    let snake = snake_case(name);
    let key = snake.trim_matches(['"', '\'', '-', '.', '$']);
    if !(key.ends_with("api_key") || key.ends_with("apikey")) {
        return false;
    }
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let before: Vec<&str> = text[..line_start].lines().rev().take(6).collect();
    let after = text[line_start..].lines().take(7);
    let window: Vec<&str> = before.into_iter().chain(after).collect();
    let has = |words: &[&str]| window.iter().any(|l| words.iter().any(|w| l.contains(w)));
    has(&["appId", "app_id", "applicationId", "application_id"])
        && has(&["indexName", "index_name"])
}

/// Fewest other keys of non-secret names that must map to the same value for it to be
/// a mapping's target rather than a secret.
const MAPPING_SIBLINGS: usize = 3;

/// Whether the identifier-shaped value at `value_span` is the target of a mapping: at
/// least [`MAPPING_SIBLINGS`] other keys near it, whose names are not secrets, map to
/// the same value (`"smtp_password": "mail_settings"` among `"reply_to":
/// "mail_settings"`, `"smtp_host": "mail_settings"`… in a Django form's
/// `Meta.json_fields`: the JSON field each form field is stored in). A value the
/// secret shares with the host, the sender and the signature names where they are
/// kept, not a password; a real default (`"user": "app", "password": "app"`) shares it
/// with one or two keys at most.
pub fn is_mapping_target(text: &str, value_span: &Range<usize>) -> bool {
    let Some(value) = text.get(value_span.clone()) else {
        return false;
    };
    let identifier = value
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'));
    if !identifier {
        return false;
    }
    let at = value_span.start;
    let line_no = text[..at].matches('\n').count();
    let quoted = [format!("\"{value}\""), format!("'{value}'")];
    let siblings = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != line_no && i.abs_diff(line_no) <= 40)
        .filter(|(_, l)| {
            quoted.iter().any(|q| {
                l.find(q.as_str()).is_some_and(|pos| {
                    let before = l[..pos].trim_end();
                    let Some(key) = before
                        .strip_suffix(':')
                        .or_else(|| before.strip_suffix('='))
                    else {
                        return false;
                    };
                    let key = key
                        .trim()
                        .trim_matches(['"', '\''])
                        .rsplit([' ', '{', ',', '('])
                        .next()
                        .unwrap_or("")
                        .trim_matches(['"', '\'']);
                    !key.is_empty() && classify_name(key).is_none()
                })
            })
        })
        .count();
    siblings >= MAPPING_SIBLINGS
}

/// Whether `line` carries a scanner's "reviewed, not a secret" marker: detect-secrets'
/// `pragma: allowlist secret`, `gitleaks:allow`, gosec's `#nosec` / `//nolint:gosec`,
/// Bandit's `# nosec`, Ruff's `noqa: S105`/`S106`/`S107`. Someone looked at the value and
/// said so; the finding stays (a marker can be wrong) but is not a release blocker.
pub fn marked_reviewed(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.contains("pragma: allowlist secret")
        || lower.contains("gitleaks:allow")
        || lower.contains("nolint:gosec")
        || lower.contains("#nosec")
        || lower.contains("# nosec")
        || lower.contains("// nosec")
        || ["s105", "s106", "s107"]
            .iter()
            .any(|c| lower.contains("noqa") && lower.contains(c))
}

/// An object identifier or a dotted version (`1.3.6.1.4.1.4203.1.11.1`, the LDAP
/// password-modify extended operation; `1.2.840.113549`): digits joined by dots, named
/// after the operation it identifies, never a secret.
fn is_dotted_number(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()))
}

/// A rate limit in the `COUNT/PERIOD[/SCOPE]` syntax of django-allauth's
/// `ACCOUNT_RATE_LIMITS` (`"change_password": "1/m/user"`, `"1/m/ip,1/m/key"`),
/// django-ratelimit and Flask-Limiter (`5/minute`, `100/h`): keyed by the action it
/// limits (`reset_password`), not a credential.
fn is_rate_limit(v: &str) -> bool {
    v.split(',').all(|part| {
        let mut fields = part.split('/');
        let count = fields.next().unwrap_or("");
        let Some(period) = fields.next() else {
            return false;
        };
        let scope = fields.next();
        let unit = period.trim_start_matches(|c: char| c.is_ascii_digit());
        !count.is_empty()
            && count.bytes().all(|c| c.is_ascii_digit())
            && matches!(
                unit.trim_end_matches('s'),
                "s" | "sec" | "second" | "m" | "min" | "minute" | "h" | "hr" | "hour" | "d" | "day"
            )
            && scope.is_none_or(|s| {
                !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || c == b'_')
            })
            && fields.next().is_none()
    })
}

/// `sogo-sso-pass`, `api-token`, `db-password-key`: lowercase words joined by `-`, one of
/// them the kind of credential. That is the name of a session variable, a form field or a
/// secret's key (`$session_var_pass = 'sogo-sso-pass'`), not its value. Snake case
/// (`local_dev_pwd`) stays a value: it is how weak development defaults are written.
fn names_a_key(v: &str) -> bool {
    let words: Vec<&str> = v.split('-').collect();
    words.len() >= 2
        && v.bytes().all(|c| c.is_ascii_lowercase() || c == b'-')
        && words.iter().all(|w| !w.is_empty())
        && words.iter().any(|w| {
            matches!(
                *w,
                "pass" | "pwd" | "passwd" | "key" | "token" | "secret" | "auth" | "cred" | "creds"
            )
        })
}

/// `8-4-4-4-12` hexadecimal groups.
pub fn is_uuid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// `P@ssw0rd`, `p@ssword!@#`, `S3cret123`: the word `password`, `secret` or `changeme`
/// in leetspeak with at most a number and punctuation after it, the placeholder every
/// tutorial uses. A longer phrase (`S3cr3tPw!`) is somebody's password.
fn is_leet_placeholder(lower: &str) -> bool {
    let core = lower.trim_end_matches(|c: char| !c.is_ascii_alphabetic() && c != '@' && c != '$');
    let plain = unleet(core);
    let word = plain.trim_end_matches(|c: char| c.is_ascii_digit());
    matches!(word, "password" | "passwort" | "secret" | "changeme")
}

/// `p@ssw0rd` → `password`, `s3cr3t` → `secret`: placeholders written in leetspeak.
fn unleet(lower: &str) -> String {
    lower
        .chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

/// A weak or well-known value a person chose or a template ships: words with at most a
/// short number (`admin123`, `local_dev_pwd`, `GoodNewsEveryone`), a counting sequence
/// (`0123456789abcdef…`, `12345678`). Such a value is a default credential, not a leak
/// (docs/severity.md: medium).
pub fn is_weak_default(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    let digits = lower.len() - lower.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let words = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    let words = words.trim_end_matches(['_', '-', '.', '!']);
    let wordy = !words.is_empty()
        && digits <= 4
        && words
            .bytes()
            .all(|c| c.is_ascii_lowercase() || matches!(c, b'_' | b'-' | b'.'));
    wordy || is_counting_sequence(&lower)
}

/// `0123456789abcdef`, `12345678`, `abcdefgh`: runs of consecutive characters cover it,
/// also after a key-format prefix of short letter groups (`sk-lf-1234567890`,
/// `pk_test_12345678`): the prefix is the provider's, the counting body the placeholder.
fn is_counting_sequence(lower: &str) -> bool {
    counting_run(lower) || key_prefix_body(lower).is_some_and(counting_run)
}

/// The part of `sk-lf-1234567890` after its prefix of letter groups of at most four
/// characters, each followed by `-` or `_`; `None` when there is no such prefix.
fn key_prefix_body(lower: &str) -> Option<&str> {
    let mut rest = lower;
    let mut stripped = false;
    while let Some(at) = rest.find(['-', '_']) {
        let group = &rest[..at];
        if group.is_empty() || group.len() > 4 || !group.bytes().all(|c| c.is_ascii_lowercase()) {
            break;
        }
        rest = &rest[at + 1..];
        stripped = true;
    }
    stripped.then_some(rest)
}

fn counting_run(lower: &str) -> bool {
    let b = lower.as_bytes();
    if b.len() < 8 {
        return false;
    }
    let mut in_runs = 0;
    let mut run = 1;
    for i in 1..=b.len() {
        let next = i < b.len()
            && (b[i - 1].checked_add(1) == Some(b[i])
                || b[i - 1] == b'9' && b[i] == b'a'
                || b[i - 1] == b'f' && b[i] == b'0');
        if next {
            run += 1;
        } else {
            if run >= 4 {
                in_runs += run;
            }
            run = 1;
        }
    }
    in_runs * 4 >= b.len() * 3
}

/// A value that looks machine-generated (a key, a token, a random password): long,
/// high-entropy, letters and digits. Where a name alone is weak evidence (a comment, a CI
/// workflow), only such values are reported.
pub fn looks_generated(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 16
        && entropy(v) >= 3.5
        && v.bytes().any(|c| c.is_ascii_digit())
        && v.bytes().any(|c| c.is_ascii_alphabetic())
        && !is_counting_sequence(&v.to_ascii_lowercase())
}

/// How many of lower, upper, digit, symbol occur.
pub fn char_classes(v: &str) -> usize {
    let mut seen = [false; 4];
    for c in v.chars() {
        let i = if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        seen[i] = true;
    }
    seen.iter().filter(|s| **s).count()
}

/// Shannon entropy in bits per character.
pub fn entropy(v: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in v.bytes() {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    if n == 0.0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A secret shown safely: its first characters and `****`.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = if n >= 16 {
        4
    } else if n >= 8 {
        2
    } else {
        0
    };
    let head: String = secret.chars().take(keep).collect();
    format!("{head}****")
}

/// The line holding `span`, trimmed, with every secret span that touches it
/// masked, cut to 240 characters.
pub fn redacted_line(file: &SourceFile, span: &Range<usize>, secrets: &[Range<usize>]) -> String {
    let line = file.lines.line_of(span.start);
    let lr = file.lines.line_range(&file.text, line);
    let mut out = String::new();
    let mut pos = lr.start;
    let mut inside: Vec<&Range<usize>> = secrets
        .iter()
        .filter(|s| s.start < lr.end && s.end > lr.start)
        .collect();
    inside.sort_by_key(|s| s.start);
    for s in inside {
        let st = s.start.max(lr.start).max(pos);
        let en = s.end.min(lr.end);
        if st >= en {
            continue;
        }
        out.push_str(file.text.get(pos..st).unwrap_or(""));
        out.push_str(&mask(file.text.get(st..en).unwrap_or("")));
        pos = en;
    }
    if pos < lr.end {
        out.push_str(file.text.get(pos..lr.end).unwrap_or(""));
    }
    let t = out.trim();
    if t.chars().count() > 240 {
        let cut: String = t.chars().take(240).collect();
        format!("{cut}…")
    } else {
        t.to_string()
    }
}

/// Byte ranges of a Python module that are prose, not code: comments and
/// triple-quoted strings (docstrings, `EXAMPLES = """…"""` blocks). With
/// `snippets`, also one-line strings that hold text rather than one key (a help
/// message, a shell line: they contain a space, `=` or `:`). Sorted.
pub fn python_prose(
    py: &crate::parse::python::PythonTree,
    text: &str,
    snippets: bool,
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    crate::parse::shell::preorder(py.root(), |n| match n.kind() {
        "comment" => {
            out.push(n.start_byte()..n.end_byte());
            false
        }
        "string" => {
            let t = text.get(n.start_byte()..n.end_byte()).unwrap_or("");
            let body = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let inner = body.trim_matches(['"', '\'']);
            if body.starts_with("\"\"\"")
                || body.starts_with("'''")
                || snippets && inner.contains([' ', '=', ':', '\t']) && !is_dsn(inner)
            {
                out.push(n.start_byte()..n.end_byte());
            }
            false
        }
        _ => true,
    });
    out.sort_by_key(|r| r.start);
    out
}

/// Byte ranges of Python blocks that only run in tests: the body of an `if` whose
/// condition names a test setting (`if TESTING:`, `if settings.IS_TEST:`,
/// `if "test" in sys.argv:`). Settings modules set throwaway values there. Sorted.
pub fn python_test_blocks(py: &crate::parse::python::PythonTree, text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    crate::parse::shell::preorder(py.root(), |n| {
        if n.kind() == "if_statement" {
            let names_test = n
                .child_by_field_name("condition")
                .and_then(|c| text.get(c.start_byte()..c.end_byte()))
                .is_some_and(|c| c.to_ascii_lowercase().contains("test"));
            if let (true, Some(body)) = (names_test, n.child_by_field_name("consequence")) {
                out.push(body.start_byte()..body.end_byte());
            }
        }
        true
    });
    out.sort_by_key(|r| r.start);
    out
}

/// Prose in Rust source: `//` comments (`///`, `//!` docs), raw strings
/// (`r#"…"#`: docs, templates, test inputs) and everything after `#[cfg(test)]`
/// (the inline test module). Sorted, may touch.
pub fn rust_prose(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    let test_start = text.find("#[cfg(test)]").unwrap_or(text.len());
    while i < test_start {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                out.push(i..end);
                i = end;
            }
            b'r' if b.get(i + 1) == Some(&b'#')
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                let end = text
                    .get(body..)
                    .and_then(|t| t.find(&close))
                    .map_or(text.len(), |n| body + n + close.len());
                out.push(i..end);
                i = end;
            }
            b'"' => {
                // Skip an ordinary string so `//` inside it is not a comment.
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    if test_start < text.len() {
        out.push(test_start..text.len());
    }
    out
}

/// Prose ranges of a code file: Python comments and triple-quoted strings (from
/// the tree when parsed), Rust comments, raw strings and test modules.
pub fn code_prose(
    cx: &FileCx<'_>,
    py: Option<&crate::parse::python::PythonTree>,
    snippets: bool,
) -> Vec<Range<usize>> {
    match py {
        Some(py) => python_prose(py, &cx.file.text, snippets),
        None if ext_of(&cx.file.path) == "rs" => rust_prose(&cx.file.text),
        None => Vec::new(),
    }
}

/// A libpq-style connection string (`host=db user=app password=…`): every word is `key=value`.
fn is_dsn(s: &str) -> bool {
    let mut words = s.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| w.contains('=') && !w.starts_with('='))
}

/// Whether `pos` falls in one of the sorted, non-overlapping `ranges`.
pub fn in_ranges(ranges: &[Range<usize>], pos: usize) -> bool {
    let i = ranges.partition_point(|r| r.start <= pos);
    i > 0 && ranges[i - 1].end > pos
}

/// Whether the line holding `pos` is a comment line in a config or script file
/// (`#`, `//`, `;`, `--`, `<!--`, `REM`).
pub fn on_comment_line(text: &str, pos: usize) -> bool {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let t = text[start..pos].trim_start();
    // `-- ` with its space: `--password=…` starting a continued shell line is a flag.
    ["#", "//", ";", "-- ", "<!--", "*", "REM ", "rem "]
        .iter()
        .any(|p| t.starts_with(p))
}

/// Where a command line takes a password: `sshpass -p 'x'`, the MySQL clients' `-pX`
/// (glued to the flag; `-p` alone prompts) and `--password=x` of any tool.
static COMMAND_PW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\bsshpass[ \t]+-p[ \t]*|\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mariadb|mariadb-dump|mariadb-admin)\b[^\n;|&]*?[ \t"',\[]-p|(?:^|[ \t"',\[=])--(?:password|passwd)="#,
    )
    .expect("static regex")
});

/// Passwords given on a command line in scripts, Dockerfiles, workflows or code:
/// `sshpass -p 'S3cr…'`, `mysql -uroot -pS3cr…`, `--password=S3cr…`. The spans of the
/// values, without quotes; references (`$DB_PASS`, `"\$DB_PASS"`, `${DB_PASS:?}`),
/// placeholders and weak words are left out like everywhere else.
pub fn command_line_passwords(text: &str) -> Vec<(&'static str, Range<usize>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for m in COMMAND_PW.find_iter(text) {
        let at = m.end();
        let span = match b.get(at) {
            Some(&q @ (b'"' | b'\'')) => {
                let start = at + 1;
                let Some(len) = b[start..].iter().position(|&c| c == q || c == b'\n') else {
                    continue;
                };
                if b[start + len] != q {
                    continue;
                }
                start..start + len
            }
            Some(_) => {
                let len = b[at..]
                    .iter()
                    .position(|&c| {
                        c.is_ascii_whitespace()
                            || matches!(
                                c,
                                b'"' | b'\''
                                    | b'`'
                                    | b';'
                                    | b'|'
                                    | b'&'
                                    | b')'
                                    | b'<'
                                    | b'>'
                                    | b','
                                    | b']'
                            )
                    })
                    .unwrap_or(b.len() - at);
                at..at + len
            }
            None => continue,
        };
        if span.is_empty() || !plausible_secret(&text[span.clone()], NameClass::Password) {
            continue;
        }
        let matched = m.as_str();
        let flag = if matched.starts_with("sshpass") {
            "sshpass -p"
        } else if matched.ends_with('=') {
            "--password="
        } else {
            "mysql -p"
        };
        out.push((flag, span));
    }
    out
}

/// A connection URL with a password, written as the fallback of an environment
/// variable: `os.getenv("DATABASE_URL", "postgresql://app:app_password@localhost/app")`.
pub struct FallbackUrl {
    /// The variable the URL stands in for (`DATABASE_URL`).
    pub variable: String,
    /// Span of the password in the URL.
    pub span: Range<usize>,
    /// The host is this machine or a one-label service name (`localhost`, `db`).
    pub local_host: bool,
}

/// `getenv("X", "…")`, `environ.get("X", "…")`, `env("X", default="…")`,
/// `process.env.X || "…"` / `?? "…"`, and `${X:-…}` in shell and compose.
static FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:getenv|environ\.get|environ\.setdefault|env\.str|env|config)\(\s*["'](?P<pv>[A-Za-z_][A-Za-z0-9_]*)["']\s*,\s*(?:default\s*=\s*)?[rRuUfF]?["'](?P<pd>[^"'\n]*)["']|process\.env\.(?P<jv>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\||\?\?)\s*["'`](?P<jd>[^"'`\n]*)["'`]|\$\{(?P<sv>[A-Za-z_][A-Za-z0-9_]*):?-(?P<sd>[^}\s"']*)\}"#,
    )
    .expect("static regex")
});

static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^[a-zA-Z][a-zA-Z0-9+.\-]{1,24}://[^\s:/@]*:(?P<pw>[^\s@/]+)@(?P<host>[A-Za-z0-9_.\-]+|\[[0-9a-fA-F:]+\])"#,
    )
    .expect("static regex")
});

/// Connection URLs with a password used as the fallback of an environment variable.
/// Any literal password counts, even a word like `app_password`: when the variable is
/// not set, the service starts with it. References (`$X`, `${X}`, `%(x)s`, `<password>`,
/// `***`) are left out.
pub fn fallback_url_credentials(text: &str) -> Vec<FallbackUrl> {
    if memchr::memmem::find(text.as_bytes(), b"://").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in FALLBACK.captures_iter(text) {
        let (Some(var), Some(default)) = (
            c.name("pv").or(c.name("jv")).or(c.name("sv")),
            c.name("pd").or(c.name("jd")).or(c.name("sd")),
        ) else {
            continue;
        };
        let Some(u) = URL_USERINFO.captures(default.as_str()) else {
            continue;
        };
        let (Some(pw), Some(host)) = (u.name("pw"), u.name("host")) else {
            continue;
        };
        let p = pw.as_str();
        if p.contains(['$', '{', '<', '*', '%']) || p.chars().all(|c| c == 'x' || c == 'X') {
            continue;
        }
        out.push(FallbackUrl {
            variable: var.as_str().to_string(),
            span: default.start() + pw.start()..default.start() + pw.end(),
            local_host: is_local_host(host.as_str()),
        });
    }
    out
}

/// This machine, a container's host, or a one-label name (a compose or Kubernetes
/// service such as `db`): a development default rather than a shared server.
fn is_local_host(host: &str) -> bool {
    let h = host.trim_matches(['[', ']']).to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "host.docker.internal"
        || !h.contains(['.', ':'])
}

/// A password embedded in a URL (`postgres://user:pass@host`).
pub struct UrlPassword {
    /// Scheme (`postgres`).
    pub scheme: String,
    /// Span of the password.
    pub span: Range<usize>,
    /// The host is this machine (`localhost`, `127.0.0.1`, `::1`): the password opens a
    /// server only someone on the host reaches.
    pub loopback: bool,
}

static URL_PW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b([a-zA-Z][a-zA-Z0-9+.\-]{1,24})://([^\s:/@'"`<>{}\\]*):([^\s@/'"`<>\\]{3,200})@([A-Za-z0-9_.\-]+|\[[0-9a-fA-F:]+\])"#,
    )
    .expect("static regex")
});

/// `my-pa%2Fssword` → `my-password`: percent escapes removed, for placeholder checks.
fn strip_percent(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            i += 3;
            continue;
        }
        out.push(b[i] as char);
        i += 1;
    }
    out
}

/// `P%40ssw0rd%21` → `P@ssw0rd!`: percent escapes decoded (invalid ones kept), for
/// placeholder checks.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `AuthToken`, `apiKey`, `client_secret`: a password made of letters only that names the
/// kind of credential to put there, as in a URL format example
/// (`twilio://AccountSid:AuthToken@FromPhoneNo`). A real password is not its own label.
fn names_a_credential(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    p.bytes()
        .all(|c| c.is_ascii_alphabetic() || c == b'_' || c == b'-')
        && ["token", "key", "secret", "auth", "pwd", "cred"]
            .iter()
            .any(|w| lower.contains(w))
}

/// Passwords inside URLs, skipping placeholders and references.
pub fn url_passwords(text: &str) -> Vec<UrlPassword> {
    if memchr::memmem::find(text.as_bytes(), b"://").is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in URL_PW.captures_iter(text) {
        let (Some(scheme), Some(pw), Some(host)) = (c.get(1), c.get(3), c.get(4)) else {
            continue;
        };
        let p = pw.as_str();
        let decoded = percent_decode(p).to_ascii_lowercase();
        // Both the decoded form (`P%40ssw0rd` → `p@ssw0rd`) and the one with escapes
        // dropped (`my-pa%2Fssword` → `my-password`) are checked for placeholder words.
        let lower = format!("{decoded} {}", strip_percent(p).to_ascii_lowercase());
        let plain = unleet(&decoded);
        // `RANDOM_PWD`, `DB_PASS`, `PASSWORD`: a name standing in for the value.
        let shouted = p.len() >= 3
            && p.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
            && p.bytes().any(|c| c.is_ascii_uppercase());
        if shouted
            || names_a_credential(p)
            || plain.contains("passw")
            || p.contains('$')
            || p.contains('%') && (p.contains("%(") || p.contains("%s"))
            || p.starts_with('<')
            || p.contains('*')
            || p.contains('{')
            || lower.contains("pass")
            || lower.contains("secret")
            || lower.contains("example")
            || lower.contains("changeme")
            || lower.contains("xxx")
            || lower.contains("your")
            || decoded == "pwd"
            || decoded == "pw"
            || decoded == "token"
            || decoded == "user"
            || decoded == "test"
            || decoded == "admin"
            || decoded.starts_with("x-")
        {
            continue;
        }
        // `host:port@` patterns in git SSH URLs and `user:@host` have no password.
        let h = host.as_str().to_ascii_lowercase();
        if h.ends_with("example.com")
            || h.ends_with("example.org")
            || h == "host"
            || h == "hostname"
            || h.starts_with("example")
        {
            continue;
        }
        if p.bytes().all(|c| c.is_ascii_digit()) && p.len() <= 5
            || char_classes(p) < 2
            || !p.is_ascii()
        {
            continue;
        }
        out.push(UrlPassword {
            scheme: scheme.as_str().to_ascii_lowercase(),
            span: pw.range(),
            loopback: h == "localhost" || h.starts_with("127.") || h == "[::1]",
        });
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every text file under `tests/` (the fixture repositories included), and texts
    /// built to trip a line-by-line search: the same spans as a search of the whole text.
    pub(crate) fn sample_texts() -> Vec<String> {
        let mut texts: Vec<String> = [
            "password = 'hunter22'\nx = 1\n",
            "PASSWORD: abc\r\nKEY=1\n",
            "pa\u{17f}\u{17f}word = \"Xy12345678\"\n",
            "api_\u{212a}ey = \"Ab12Cd34Ef\"\n",
            "no secrets here",
            "token=abc",
            "\n\nsecret: x\n\n",
            "a_pass == b\npass: foo/bar\npass\n",
            "\u{e9}t\u{e9} token: \"Zz9\u{e9}xQ1234\"\n-p\n",
            "sshpass -p 'Hx72kPq9Lw' ssh h\nmysqldump -uroot -pTz83nQw1Lk db\n--password=x\n",
            "curl -u bob:Sekr3t https://x\n docker login -p abcdef r\n",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests"
        ))];
        while let Some(d) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push(t);
                }
            }
        }
        texts
    }

    #[test]
    fn assignments_searched_by_line_match_a_whole_text_search() {
        let texts = sample_texts();
        assert!(texts.len() > 100);
        for t in &texts {
            let whole: Vec<Range<usize>> = ASSIGN.find_iter(t).map(|m| m.range()).collect();
            let by_line: Vec<Range<usize>> = keyword_lines(t, &ASSIGN_WORDS)
                .flat_map(|l| {
                    ASSIGN
                        .find_iter(&t[l.clone()])
                        .map(move |m| l.start + m.start()..l.start + m.end())
                })
                .collect();
            assert_eq!(whole, by_line, "{t:?}");
        }
    }

    fn vals(text: &str, style: Style) -> Vec<String> {
        assignments(text, style)
            .into_iter()
            .map(|a| text[a.value_span].to_string())
            .collect()
    }

    #[test]
    fn finds_assignments() {
        assert_eq!(
            vals("DB_PASSWORD = \"hunter2x\"\n", Style::Code),
            vec!["hunter2x"]
        );
        assert_eq!(
            vals("  password: S3cr3tPw!\n", Style::Config),
            vec!["S3cr3tPw!"]
        );
        assert_eq!(
            vals("{\"apiKey\": \"a8f3K29dks0Qw7\"}", Style::Config),
            vec!["a8f3K29dks0Qw7"]
        );
        assert_eq!(
            vals("conn = connect(host=h, password='Xk92!lmq')", Style::Code),
            vec!["Xk92!lmq"]
        );
    }

    #[test]
    fn skips_placeholders_and_references() {
        for t in [
            "password = os.environ[\"DB_PASSWORD\"]\n",
            "password = db_password\n",
            "if password == \"hunter2x\":\n",
            "password: ${DB_PASSWORD}\n",
            "password: changeme\n",
            "token: <your-token>\n",
            "api_key = \"your-api-key-here\"\n",
            "password_file = \"/run/secrets/db\"\n",
            "max_tokens = 4096\n",
            "password = \"\"\n",
            "password: DB_PASSWORD\n",
            "password: postgres\n",
            "secret_key = settings.SECRET_KEY\n",
            "token_url = \"https://auth/x\"\n",
            "password: \"{{ vault_db_password }}\"\n",
            "\"password\": \"Wachtwoord\",\n",
            "\"password\": \"Contrase\u{f1}a\",\n",
            "\"netcredentials_only\": \"NetCredentialsOnly\",\n",
            "  credentials: yegor256/home#assets/crates-credentials\n",
        ] {
            let style = if t.contains(" = ") {
                Style::Code
            } else {
                Style::Config
            };
            assert!(vals(t, style).is_empty(), "{t}");
        }
    }

    #[test]
    fn identifiers_are_not_secrets() {
        for t in [
            "  tokenAddress: \"0x6B175474E89094C44Da98b954EedeAC495271d0F\"\n",
            "  secretName: wallet-db-credentials\n",
            "  passwordSecretRef: wallet-db-password\n",
            "  default_password_scheme = SHA512-CRYPT\n",
            "auth_verbose_passwords = sha1:6\n",
            "        \"hashed_secret\": \"3e26d6750975d678acb8fa35a0f69237881576b0\",\n",
            "# user:password:uid:gid:(gecos):home:(shell):extra_fields\n",
            "export PGPASSWORD=\"\\$DB_PASS\"\n",
            "DB_PASSWORD=$(cat /run/secrets/db)\n",
        ] {
            assert!(vals(t, Style::Config).is_empty(), "{t}");
        }
        for t in [
            "  GooglePasswordManager = \"ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4\",\n",
            "  OnePassword = \"bada5566-a7aa-401f-bd96-45619a55120d\",\n",
            "db = connect(password=\"P@ssw0rd\")\n",
            "$session_var_pass = 'sogo-sso-pass';\n",
        ] {
            assert!(vals(t, Style::Code).is_empty(), "{t}");
        }
    }

    #[test]
    fn mapping_targets_are_not_secrets() {
        let form = "json_fields = {\n    \"reply_to\": \"mail_settings\",\n    \"smtp_host\": \"mail_settings\",\n    \"smtp_port\": \"mail_settings\",\n    \"smtp_password\": \"mail_settings\",\n}\n";
        let at = form.rfind("mail_settings").unwrap_or(0);
        assert!(is_mapping_target(form, &(at..at + "mail_settings".len())));
        // A default shared with the user and the database name only: still a value.
        let db = "DB = {\"NAME\": \"shop_prod\", \"USER\": \"shop_prod\",\n \"PASSWORD\": \"shop_prod\"}\n";
        let at = db.rfind("shop_prod").unwrap_or(0);
        assert!(!is_mapping_target(db, &(at..at + "shop_prod".len())));
        // Siblings under secret names do not count, and a non-identifier never is one.
        let secrets = "a = {\"token\": \"k9x_Q2\", \"api_key\": \"k9x_Q2\", \"secret\": \"k9x_Q2\",\n \"password\": \"k9x_Q2\"}\n";
        let at = secrets.rfind("k9x_Q2").unwrap_or(0);
        assert!(!is_mapping_target(secrets, &(at..at + "k9x_Q2".len())));
    }

    #[test]
    fn operation_ids_rate_limits_and_public_keys_are_not_secrets() {
        for t in [
            "\tldapOIDExtensionPwdModify = \"1.3.6.1.4.1.4203.1.11.1\"\n",
            "const ldapPasswordComplexityCode = \"0000052D.\"\n",
            "    \"change_password\": \"1/m/user\",\n",
            "    \"reset_password\": \"1/m/ip,1/m/key\",\n",
            "        websiteToken: 'cFxvnLSjfE2UF4UUiPCA5NsF',\n",
            "  publishableKey: \"pk_live_51HqLyjWDarjtT1zdp7dc\",\n",
            "  searchOnlyApiKey: \"8841b34192a28b2d06f04dd28d768017\",\n",
        ] {
            assert!(vals(t, Style::Code).is_empty(), "{t}");
        }
        // The same shapes stay secrets where the value or the name says so.
        for (t, v) in [
            ("    \"db_password\": \"1/m/us3r!x\",\n", "1/m/us3r!x"),
            ("secret_code = \"7Hq2-9xKp-LmZ4\"\n", "7Hq2-9xKp-LmZ4"),
            ("db_password = \"1.3.6.1x9Kq\"\n", "1.3.6.1x9Kq"),
        ] {
            assert_eq!(vals(t, Style::Code), vec![v.to_string()], "{t}");
        }
    }

    #[test]
    fn weak_defaults_and_generated_values() {
        for v in [
            "admin123",
            "pass123",
            "local_dev_pwd",
            "prod_key_123",
            "GoodNewsEveryone",
            "0123456789abcdef0123456789abcdef01234567",
            "12345678",
            // A provider's key prefix before a counting body (langfuse's seed keys).
            "sk-lf-1234567890",
            "pk_test_1234567890abcdef",
        ] {
            assert!(is_weak_default(v), "{v}");
        }
        for v in [
            "Tr0ub4dor&3x",
            "J5brHrAXFLQSif0K",
            "Rp7!vK2q9Lmz",
            "w8Xq-3nTz4Pa",
        ] {
            assert!(!is_weak_default(v), "{v}");
        }
        assert!(looks_generated(
            "F0E5AD933D7F6FD8F4DBB3E038C501C052DC0593C686D21ACB30AE205D2F634B"
        ));
        assert!(looks_generated("k8Vq2mZx7RtW4pLn9BcD3fGh6JsY1aQe"));
        assert!(!looks_generated("local_dev_pwd"));
        assert!(!looks_generated("Tq8#mLz2vKp"));
        assert!(!looks_generated("0123456789abcdef0123456789abcdef"));
        assert!(!looks_generated("sk-lf-1234567890abcdef"));
        assert!(looks_generated("sk-lf-7f3a9c2e4b1d8f60"));
        assert!(is_uuid("bada5566-a7aa-401f-bd96-45619a55120d"));
        assert!(!is_uuid("bada5566a7aa401fbd9645619a55120d"));
        assert!(is_scanner_baseline(".secrets.baseline"));
        assert!(is_scanner_baseline(".gitleaks.toml"));
        assert!(!is_scanner_baseline("secrets.yaml"));
    }

    #[test]
    fn url_password_placeholders() {
        for t in [
            "postgresql://doadmin:RANDOM_PWD@db-postgresql-nyc3-12345.ondigitalocean.com:25060/db",
            "postgresql://mealie:P%40ssword%21%40%23@postgres:5432/mealie",
            "postgresql://app:P@ssw0rd@db.internal/app",
            "twilio://AccountSid:AuthToken@FromPhoneNo",
            "pushover://UserKey:ApiToken@example",
        ] {
            assert!(url_passwords(t).is_empty(), "{t}");
        }
        assert_eq!(
            url_passwords("postgres://app:Zq81xkP3@db.internal:5432/app").len(),
            1
        );
    }

    #[test]
    fn url_password_detection() {
        let t = "DATABASE_URL=postgres://app:Zq81xkP3@db.internal:5432/app\nREDIS=redis://:${REDIS_PASSWORD}@redis:6379\nX=mongodb+srv://u:<password>@c.mongodb.net\nY=my-conn://my-login:my-pa%2Fssword@my-host:5432/x\n";
        let found = url_passwords(t);
        assert_eq!(found.len(), 1);
        assert_eq!(&t[found[0].span.clone()], "Zq81xkP3");
    }

    #[test]
    fn crlf_and_multibyte() {
        let t = "# caf\u{e9} \u{2603}\r\npassword: S3cr3tPw!\r\ntoken = \"a8f3K29dks0Qw7\"";
        assert_eq!(vals(t, Style::Config), vec!["S3cr3tPw!", "a8f3K29dks0Qw7"]);
        let f = SourceFile::new("x.env", t);
        let spans: Vec<_> = assignments(t, Style::Config)
            .into_iter()
            .map(|a| a.value_span)
            .collect();
        assert_eq!(redacted_line(&f, &spans[0], &spans), "password: S3****");
    }

    #[test]
    fn rust_prose_ranges() {
        let t = "/// doc password = \"x\"\nlet a = \"// not a comment\";\nstatic D: &str = r#\"docs \"quoted\" here\"#;\nlet b = 1;\n#[cfg(test)]\nmod tests {}\n";
        let r = rust_prose(t);
        assert_eq!(&t[r[0].clone()], "/// doc password = \"x\"");
        assert_eq!(&t[r[1].clone()], "r#\"docs \"quoted\" here\"#");
        assert!(t[r[2].clone()].starts_with("#[cfg(test)]"));
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn masking() {
        assert_eq!(mask("hunter2"), "****");
        assert_eq!(mask("hunter2x"), "hu****");
        assert_eq!(mask("ghp_abcdefghijklmnop"), "ghp_****");
        let f = SourceFile::new("a.py", "x = 1\npassword = \"hunter2x\"\n");
        assert_eq!(
            redacted_line(&f, &(18..26), std::slice::from_ref(&(18..26))),
            "password = \"hu****\""
        );
    }

    #[test]
    fn short_password_names_count_only_as_the_last_word() {
        for (t, n) in [
            ("DB_PASS=Kq7vLm2xR9a\n", 1),
            ("smtp.pass: Kq7vLm2xR9a\n", 1),
            ("SMTP_PWD=Kq7vLm2xR9a\n", 1),
            ("bypass=Kq7vLm2xR9a\n", 0),
            ("compass_heading=Kq7vLm2xR9a\n", 0),
            ("first_pass=Kq7vLm2xR9a\n", 0),
            ("pass_through=Kq7vLm2xR9a\n", 0),
            ("DB_PASS=$DB_PASS\n", 0),
            ("DB_PASS=\"${DB_PASS:?}\"\n", 0),
            ("\"pass\": \"routes/main\"\n", 0),
        ] {
            assert_eq!(assignments(t, Style::Config).len(), n, "{t}");
        }
    }

    #[test]
    fn command_line_passwords_are_literals_not_references() {
        let t = "sshpass -p 'Hx72kPq9Lw' ssh h\nmysqldump -uroot -pTz83nQw1Lk db\npg_dump --password=Pz1mQ8xVb3 db\n";
        let found: Vec<&str> = command_line_passwords(t)
            .into_iter()
            .map(|(_, s)| &t[s])
            .collect();
        assert_eq!(found, ["Hx72kPq9Lw", "Tz83nQw1Lk", "Pz1mQ8xVb3"]);
        for t in [
            "sshpass -p \"$SSH_PASS\" ssh h\n",
            "mysql -u root -p db < x.sql\n",
            "mysql -u root -p\"$MYSQL_ROOT_PASSWORD\" db\n",
            "ssh h \"mysql -pS\\$DB_PASS\"\n",
            "pg_dump --password=\"${PGPASS:?}\" db\n",
            "docker run -p 3306:3306 mysql\n",
            "mysql -h db -P 3306 -u app\n",
        ] {
            assert!(command_line_passwords(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn fallback_urls_report_literal_passwords_by_host() {
        let t = r#"DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://app:app_password@localhost:5432/app")
REDIS = os.environ.get('REDIS_URL', 'redis://:Zq81xkP3@cache.prod.example.net:6379/0')
const url = process.env.MONGO_URL || "mongodb://root:hunter22@db:27017";
DB=${DATABASE_URL:-postgres://svc:S3cr3tPw@10.0.4.12/app}
ok = os.getenv("DATABASE_URL", "postgresql://app:${DB_PASS}@localhost/app")
ok2 = os.getenv("DATABASE_URL", "postgresql://localhost/app")
ok3 = os.environ["DATABASE_URL"]
"#;
        let found: Vec<(String, &str, bool)> = fallback_url_credentials(t)
            .into_iter()
            .map(|f| (f.variable, &t[f.span], f.local_host))
            .collect();
        assert_eq!(
            found,
            [
                ("DATABASE_URL".to_string(), "app_password", true),
                ("REDIS_URL".to_string(), "Zq81xkP3", false),
                ("MONGO_URL".to_string(), "hunter22", true),
                ("DATABASE_URL".to_string(), "S3cr3tPw", false),
            ]
        );
    }

    #[test]
    fn secret_variable_fallbacks_are_assignments() {
        let t = r#"DB_PASS = os.environ.get("DB_PASS", "Tr0ub4dorXq3")
conn = connect(password=os.getenv("DB_PASSWORD", "Tr0ub4dorXq3"))
KEY = config("API_TOKEN", default="f3a9c2e1b7d84a6f")
ok = os.environ.get("DB_PASS", "")
ok2 = os.getenv("DB_HOST", "db.internal")
"#;
        let found: Vec<(String, &str)> = assignments(t, Style::Code)
            .into_iter()
            .map(|a| (a.name, &t[a.value_span]))
            .collect();
        assert_eq!(
            found,
            [
                ("DB_PASS".to_string(), "Tr0ub4dorXq3"),
                ("DB_PASSWORD".to_string(), "Tr0ub4dorXq3"),
                ("API_TOKEN".to_string(), "f3a9c2e1b7d84a6f"),
            ]
        );
    }
}
