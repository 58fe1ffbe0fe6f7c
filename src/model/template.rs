//! "Is this YAML file a template (Helm, Jinja) rather than the kind it is named
//! as?" decided per kind by where the template engine's syntax can appear.
//!
//! - Workflows and actions are never rendered by Helm or Jinja before GitHub
//!   reads them: `${{ … }}` is their own syntax, and the body of a block scalar
//!   (`run: |`, `script: |`) or a quoted string is text handed to a shell or a
//!   program (`${X:-${Y:-}}`, `--format '{{ .Id }}'`). Only a Jinja/Helm marker
//!   in the YAML structure itself makes one a template.
//! - Other YAML (compose, Kubernetes, plain): a marker counts where YAML
//!   structure needs the template engine (it begins a key, a value or an item,
//!   outside quoted strings and block scalars: `name: {{ .Release.Name }}`), as a
//!   whole line that is a directive (`{{- if .Values.x }}`, also inside a
//!   ConfigMap's `data: |`), or, in a file under a `templates/` directory,
//!   anywhere it names Helm's own objects (`"{{ .Values.image }}"`). A quoted
//!   `"{{ $labels.instance }}"` in a PrometheusRule, `"{{inputs.parameters.x}}"`
//!   in an Argo Workflow, an Ansible task's `msg={{ x }}` or a chart's CI values
//!   passed through `tpl` are text a program reads later: plain YAML.

/// The 1-based line of the first template marker in the YAML file at `path`, if
/// any; `workflow` is true for workflows and actions.
pub fn marker_line(path: &str, text: &str, workflow: bool) -> Option<usize> {
    if workflow {
        workflow_marker_line(text)
    } else {
        yaml_marker_line(path, text)
    }
}

/// Helm's built-in objects and its named-template calls: a `{{ }}` naming one is
/// rendered by Helm wherever it stands, quoted or not.
const HELM_OBJECTS: &[&str] = &[
    ".Values.",
    ".Release.",
    ".Chart.",
    ".Capabilities.",
    ".Files.",
    ".Template.",
    "include \"",
    "template \"",
];

/// Whether the trimmed line is one template directive and nothing else
/// (`{{- if .Values.x }}`, `{{ end }}`, `{% for x in y %}`).
fn whole_line_directive(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("{{") && t.ends_with("}}")) || (t.starts_with("{%") && t.ends_with("%}"))
}

/// Whether a `{{ … }}` action on the line names a Helm object.
fn names_helm_object(line: &str) -> bool {
    let mut rest = line;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let end = after.find("}}").unwrap_or(after.len());
        if HELM_OBJECTS.iter().any(|o| after[..end].contains(o)) {
            return true;
        }
        rest = &after[end..];
    }
    false
}

/// Whether a `{{` or `{%` on the line (quoted strings removed) begins a key, a
/// value or an item, where YAML would otherwise read a flow mapping; one inside a
/// plain scalar (`msg={{ x }}`, `host_{{ item }}`) is that scalar's text.
fn begins_node(structure: &str) -> bool {
    ["{{", "{%"].iter().any(|m| {
        structure.match_indices(m).any(|(i, _)| {
            let before = &structure[..i];
            let t = before.trim_end();
            let spaced = t.len() < before.len();
            // `:`, `-` and `?` are indicators only before a space (`url=host:{{ p }}`,
            // `prefix-{{ x }}` are plain scalars).
            match t.chars().next_back() {
                None => true,
                Some('[' | ',') => true,
                Some(':' | '-' | '?') => spaced,
                _ => false,
            }
        })
    })
}

fn yaml_marker_line(path: &str, text: &str) -> Option<usize> {
    let chart_template = path.split('/').any(|seg| seg == "templates");
    // Indentation of the key whose block scalar we are inside, if any.
    let mut block: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        // Every marker holds a `{`: a line without one (most lines) is only followed
        // for its block scalars, without building its structure.
        let brace = memchr::memchr(b'{', line.as_bytes()).is_some();
        if brace && (whole_line_directive(line) || (chart_template && names_helm_object(line))) {
            return Some(i + 1);
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(b) = block {
            if line.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        if brace && begins_node(&structure_of(line)) {
            return Some(i + 1);
        }
        if opens_block_scalar(line) {
            let body = &line[indent..];
            let dash = body.len() - body.trim_start_matches(['-', ' ']).len();
            block = Some(indent + dash);
        }
    }
    None
}

/// Whether the text after a key ends in a block-scalar indicator (`|`, `>-`, `|2+`).
fn opens_block_scalar(line: &str) -> bool {
    // The indicator is a `|` or `>` of the line.
    if memchr::memchr2(b'|', b'>', line.as_bytes()).is_none() {
        return false;
    }
    let code = strip_comment(line);
    let Some(value) = code.rsplit_once(": ").map(|(_, v)| v).or_else(|| {
        code.trim_start()
            .strip_prefix("- ")
            .filter(|v| v.trim_start().starts_with(['|', '>']))
    }) else {
        return false;
    };
    let v = value.trim();
    let mut chars = v.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
}

/// The line without a trailing `# comment` (a `#` after whitespace, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return &line[..i],
            None => {}
        }
        prev = c;
    }
    line
}

/// The line with `${{ … }}` expressions and quoted strings removed.
fn structure_of(line: &str) -> String {
    let mut rest = strip_comment(line).to_string();
    while let Some(i) = rest.find("${{") {
        let end = rest[i..].find("}}").map_or(rest.len(), |j| i + j + 2);
        rest.replace_range(i..end, "");
    }
    let mut out = String::with_capacity(rest.len());
    let mut quote: Option<char> = None;
    for c in rest.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None => out.push(c),
        }
    }
    out
}

fn workflow_marker_line(text: &str) -> Option<usize> {
    // Indentation of the key whose block scalar we are inside, if any.
    let mut block: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(b) = block {
            if line.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        // Every marker holds a `{` (the structure only drops characters of the line).
        if memchr::memchr(b'{', line.as_bytes()).is_some() {
            let s = structure_of(line);
            let t = s.trim_start();
            let t = t.strip_prefix("- ").map_or(t, str::trim_start);
            if t.starts_with("{{") || t.starts_with("{%") || s.contains("{{-") || s.contains("{%") {
                return Some(i + 1);
            }
        }
        if opens_block_scalar(line) {
            // The key's column: past the indentation and any `- ` sequence markers.
            let body = &line[indent..];
            let dash = body.len() - body.trim_start_matches(['-', ' ']).len();
            block = Some(indent + dash);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_defaults_and_go_templates_in_run_blocks_are_not_templates() {
        let wf = "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo \"N=${NAME:-${INPUT_NAME:-}}\" >> \"$GITHUB_OUTPUT\"\n          {{- not yaml, shell text -}}\n          {% raw %}\n      - run: docker inspect --format '{{- .Id }}' x\n";
        assert_eq!(marker_line(".github/workflows/w.yml", wf, true), None);
    }

    #[test]
    fn jinja_in_the_structure_of_a_workflow_is_a_template() {
        let wf = "on: push\njobs:\n{% for j in jobs %}\n  {{ j }}:\n    runs-on: ubuntu-latest\n{% endfor %}\n";
        assert_eq!(marker_line(".github/workflows/w.yml", wf, true), Some(3));
        let wf = "on: push\njobs:\n  a:\n    steps:\n      - run: |\n          make\n      {{- include \"steps\" . }}\n";
        assert_eq!(marker_line(".github/workflows/w.yml", wf, true), Some(7));
    }

    #[test]
    fn quoted_prometheus_and_argo_templates_are_plain_manifests() {
        let rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n    - name: node\n      rules:\n        - alert: Down\n          annotations:\n            summary: \"{{ $labels.instance }} is down\"\n            description: |\n              {{ $labels.instance }} has been down for {{ $value }}s.\n";
        assert_eq!(marker_line("monitoring/rules.yaml", rule, false), None);
        let argo = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates:\n    - name: echo\n      container:\n        image: alpine:3.20\n        args: [\"{{inputs.parameters.message}}\"]\n";
        assert_eq!(marker_line("workflows/echo.yaml", argo, false), None);
    }

    #[test]
    fn helm_markers_in_structure_directives_or_naming_helm_objects() {
        let y = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n";
        assert_eq!(marker_line("k8s/y.yaml", y, false), Some(4));
        let y = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: \"{{ .Values.image }}\"\n";
        assert_eq!(marker_line("chart/templates/pod.yaml", y, false), Some(5));
        // A chart's CI values, passed through `tpl` by the chart: plain YAML.
        let v = "tls:\n  secretName: '{{ include \"x.fullname\" . }}-tls'\n";
        assert_eq!(marker_line("chart/ci/tls-values.yaml", v, false), None);
        let y =
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  labels:\n    app: {{ $name }}\n";
        assert_eq!(marker_line("k8s/y.yaml", y, false), Some(6));
    }

    #[test]
    fn jinja_inside_a_plain_scalar_is_text() {
        let uri = "- uri: url=http://localhost:{{ port }}/x\n  args:\n    - prefix-{{ x }}\n";
        assert_eq!(marker_line("tasks/uri.yml", uri, false), None);
        let play =
            "- debug: msg={{hostvars['h'].group_names}}\n- add_host:\n    name: host_{{ item }}\n";
        assert_eq!(marker_line("tasks/main.yml", play, false), None);
    }

    #[test]
    fn helm_markers_anywhere_in_other_yaml() {
        let y = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |\n    {{- .Values.x }}\n";
        assert_eq!(marker_line("k8s/y.yaml", y, false), Some(5));
        assert_eq!(
            marker_line("compose.yaml", "services:\n  a:\n    image: x:1\n", false),
            None
        );
    }
}
