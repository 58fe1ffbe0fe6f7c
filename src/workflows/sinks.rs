//! Action inputs whose value the action runs as code, so that a `${{ … }}`
//! expanded into them is a code injection exactly like one in `run:`.
//!
//! Each row is a fact about the action's own implementation, checked against
//! its documentation or source: `actions/github-script` evaluates `script` as
//! JavaScript; `azure/cli` runs `inlineScript` with bash; `tibdex/backport`
//! renders its `*_template` inputs with lodash templates, which evaluate
//! JavaScript; `nick-fields/retry` runs `command` in a shell. The set overlaps
//! GitHub's CodeQL models of code-injection sinks (MIT-licensed) and zizmor's
//! table, and adds the retry/ssh runners that are common in real workflows.

use crate::parse::yaml::YamlNode;
use crate::workflows::wf;

/// An action and the inputs it runs as code.
#[derive(Debug, Clone, Copy)]
pub struct CodeInputs {
    /// `owner/repo`, lower-case.
    pub action: &'static str,
    /// Input names as the action declares them.
    pub inputs: &'static [&'static str],
    /// What the input is run as, for messages.
    pub language: &'static str,
}

/// The table.
pub const CODE_INPUTS: &[CodeInputs] = &[
    CodeInputs {
        action: "actions/github-script",
        inputs: &["script"],
        language: "JavaScript",
    },
    CodeInputs {
        action: "amadevus/pwsh-script",
        inputs: &["script"],
        language: "PowerShell",
    },
    CodeInputs {
        action: "jannekem/run-python-script-action",
        inputs: &["script"],
        language: "Python",
    },
    CodeInputs {
        action: "cardinalby/js-eval-action",
        inputs: &["expression"],
        language: "JavaScript",
    },
    CodeInputs {
        action: "addnab/docker-run-action",
        inputs: &["run", "options"],
        language: "shell",
    },
    CodeInputs {
        action: "azure/cli",
        inputs: &["inlineScript"],
        language: "shell",
    },
    CodeInputs {
        action: "azure/powershell",
        inputs: &["inlineScript"],
        language: "PowerShell",
    },
    CodeInputs {
        action: "mikefarah/yq",
        inputs: &["cmd"],
        language: "shell",
    },
    CodeInputs {
        action: "devorbitus/yq-action-output",
        inputs: &["cmd"],
        language: "shell",
    },
    CodeInputs {
        action: "sergeysova/jq-action",
        inputs: &["cmd"],
        language: "shell",
    },
    CodeInputs {
        action: "appleboy/ssh-action",
        inputs: &["script"],
        language: "shell (on the remote host)",
    },
    CodeInputs {
        action: "tibdex/backport",
        inputs: &[
            "body_template",
            "head_template",
            "labels_template",
            "title_template",
        ],
        language: "a lodash template (JavaScript)",
    },
    CodeInputs {
        action: "8398a7/action-slack",
        inputs: &["custom_payload"],
        language: "JavaScript",
    },
    CodeInputs {
        action: "gautamkrishnar/blog-post-workflow",
        inputs: &["item_exec"],
        language: "JavaScript",
    },
    CodeInputs {
        action: "imjohnbo/issue-bot",
        inputs: &[
            "body",
            "linked-comments-previous-issue-text",
            "linked-comments-new-issue-text",
        ],
        language: "a JavaScript template",
    },
    CodeInputs {
        action: "lucasbento/auto-close-issues",
        inputs: &["issue-close-message"],
        language: "a JavaScript template literal",
    },
    CodeInputs {
        action: "roots/issue-closer-action",
        inputs: &["issue-close-message", "pr-close-message"],
        language: "a JavaScript template literal",
    },
    CodeInputs {
        action: "skitionek/notify-microsoft-teams",
        inputs: &["overwrite"],
        language: "JavaScript",
    },
    CodeInputs {
        action: "nick-fields/retry",
        inputs: &["command", "on_retry_command", "new_command_on_retry"],
        language: "shell",
    },
    CodeInputs {
        action: "nick-invision/retry",
        inputs: &["command", "on_retry_command", "new_command_on_retry"],
        language: "shell",
    },
    CodeInputs {
        action: "wandalen/wretry.action",
        inputs: &["command", "pre_retry_command"],
        language: "shell",
    },
];

/// The code inputs of an action (`owner/repo`, any case; a sub-path is ignored).
pub fn code_inputs(action: &str) -> Option<&'static CodeInputs> {
    let lower = action.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let owner_repo = match (parts.next(), parts.next()) {
        (Some(o), Some(r)) => format!("{o}/{r}"),
        _ => return None,
    };
    CODE_INPUTS.iter().find(|c| c.action == owner_repo)
}

/// One place in a step where text becomes code.
pub struct CodeSink<'a> {
    /// The scalar holding the code (`run:` value or the action input's value).
    pub script: &'a YamlNode,
    /// A `run:` script (fixable through `env:`), or an action input.
    pub is_run: bool,
    /// "the `run:` script", "the `script` input of `actions/github-script` (JavaScript)".
    pub what: String,
}

/// The code sinks of a step: its `run:`, or the inputs of a [`CODE_INPUTS`] action.
pub fn code_sinks(step: &YamlNode) -> Vec<CodeSink<'_>> {
    if let Some(run) = step.get("run") {
        return vec![CodeSink {
            script: run,
            is_run: true,
            what: "the `run:` script".to_string(),
        }];
    }
    let Some(uses) = step.get("uses").and_then(|u| u.as_str()) else {
        return Vec::new();
    };
    let name = wf::action_name(uses);
    let Some(table) = code_inputs(&name) else {
        return Vec::new();
    };
    let Some(with) = step.get("with").and_then(|w| w.as_map()) else {
        return Vec::new();
    };
    with.iter()
        .filter(|p| table.inputs.iter().any(|i| i.eq_ignore_ascii_case(&p.key)))
        .map(|p| CodeSink {
            script: &p.value,
            is_run: false,
            what: format!("the `{}` input of `{name}` ({})", p.key, table.language),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_and_subpaths() {
        assert_eq!(
            code_inputs("Azure/CLI").map(|c| c.inputs),
            Some(&["inlineScript"][..])
        );
        assert!(code_inputs("actions/github-script").is_some());
        assert!(code_inputs("actions/checkout").is_none());
        for c in CODE_INPUTS {
            assert_eq!(c.action, c.action.to_ascii_lowercase());
        }
    }
}
