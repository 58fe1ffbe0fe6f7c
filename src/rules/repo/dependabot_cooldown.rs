//! `repo/dependabot-cooldown`: Dependabot proposes a release the day it is published.

use crate::finding::{Edit, Fix, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::repo::dependabot::entries;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct DependabotCooldown;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "repo/dependabot-cooldown",
    summary: "Dependabot entries without a `cooldown` (or under 3 days): brand-new releases, including hijacked ones, are proposed at once",
    severity: Severity::Low,
    docs: r#"
## Why
Most malicious package releases of recent years — hijacked maintainer
accounts publishing a poisoned version of `chalk`, `debug`, `nx`, `ua-parser-js`
and hundreds of others — were found and removed within hours to a couple of
days. An update bot that proposes every release the moment it appears puts
that window straight into pull requests, where CI installs and runs the
package (with the workflow's secrets if anyone merges or runs it). Dependabot's
`cooldown` makes it wait N days after a release before proposing it; security
updates are not delayed.

Reported at low (hardening), once per file, at the first entry without a
`cooldown` (or with `default-days` below 3), the others related. zizmor's
`dependabot-cooldown` reports each entry, at medium, and asks for 7 days;
harden accepts 3 or more (the window in which past hijacks were caught) so
that a team that chose 5 is not told it is wrong.

## Example
```yaml
updates:
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: daily
```

## Fix
```yaml
    cooldown:
      default-days: 5
```
`harden fix` adds that block to every entry that has none (safe: it only
delays version updates).
"#,
};

const MIN_DAYS: i64 = 3;

fn check(root: &YamlNode, cx: &FileCx<'_>, out: &mut Sink<'_>) {
    let text = &cx.file.text;
    let mut bad: Vec<(&YamlNode, String)> = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    for e in entries(root) {
        let Some(eco) = e.ecosystem else { continue };
        match e.node.get("cooldown") {
            None => {
                bad.push((e.node, format!("`{eco}` has no `cooldown`")));
                if let Some(edit) = insert_cooldown(e.node, text) {
                    edits.push(edit);
                }
            }
            Some(c) => {
                let days = c
                    .get("default-days")
                    .and_then(|d| d.as_str())
                    .and_then(|d| d.trim().parse::<i64>().ok());
                match days {
                    Some(d) if d >= MIN_DAYS => {}
                    Some(d) => bad.push((c, format!("`{eco}` waits only {d} day(s)"))),
                    None => bad.push((c, format!("`{eco}`'s `cooldown` sets no `default-days`"))),
                }
            }
        }
    }
    let Some((first, why)) = bad.first() else {
        return;
    };
    let more = if bad.len() > 1 {
        format!(" (and {} more entries)", bad.len() - 1)
    } else {
        String::new()
    };
    let span = first
        .pair("package-ecosystem")
        .map_or(first.span.clone(), |p| p.key_span.start..p.value.span.end);
    let message = format!(
        "{why}{more}: Dependabot proposes a release the day it is published, before a hijacked version is caught; add `cooldown: default-days: 5` (security updates are not delayed)"
    );
    let related: Vec<_> = bad[1..]
        .iter()
        .map(|(n, w)| cx.locate(n.span.start..n.span.start, w.clone()))
        .collect();
    let f = out.report(span, message);
    f.related = related.into();
    if !edits.is_empty() {
        f.fix = Some(Fix::safe(
            "Add `cooldown: default-days: 5` to Dependabot entries",
            edits,
        ));
    }
}

/// `cooldown:` inserted after the entry's `package-ecosystem` line, at its indentation.
fn insert_cooldown(entry: &YamlNode, text: &str) -> Option<Edit> {
    let eco = entry.pair("package-ecosystem")?;
    let line_start = text[..eco.key_span.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..eco.key_span.start];
    let indent = " ".repeat(prefix.chars().count());
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let rest = text.get(eco.value.span.end..)?;
    let eol = rest.find('\n')?;
    if !rest[..eol].trim().is_empty() && !rest[..eol].trim_start().starts_with('#') {
        return None;
    }
    let at = eco.value.span.end + eol + 1;
    let nl = wf::eol(text);
    Some(Edit {
        range: at..at,
        replacement: format!("{indent}cooldown:{nl}{indent}  default-days: 5{nl}"),
    })
}

impl Rule for DependabotCooldown {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dependabot(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check(root, cx, out);
        }
    }
}
