//! What a failed Playwright run's JSON report says, in a few lines: each failed test and the
//! start of its error, for the end of `cargo xtask test`'s output.

use serde_json::Value;

/// How many lines of each test's error are kept.
const ERROR_LINES: usize = 8;

/// The failed (and flaky) tests of a Playwright JSON report, each with the start of its error.
pub fn failures(json: &str) -> String {
    let Ok(report) = serde_json::from_str::<Value>(json) else {
        return "(the Playwright report could not be read)".to_owned();
    };
    let mut out = Vec::new();
    for suite in report["suites"].as_array().into_iter().flatten() {
        collect(suite, &mut out);
    }
    out.join("\n")
}

fn collect(suite: &Value, out: &mut Vec<String>) {
    for spec in suite["specs"].as_array().into_iter().flatten() {
        for test in spec["tests"].as_array().into_iter().flatten() {
            let status = test["status"].as_str().unwrap_or("");
            if status != "unexpected" && status != "flaky" {
                continue;
            }
            out.push(format!(
                "[{}] {}:{} {} ({status})",
                test["projectName"].as_str().unwrap_or("?"),
                spec["file"].as_str().unwrap_or("?"),
                spec["line"].as_u64().unwrap_or(0),
                spec["title"].as_str().unwrap_or("?"),
            ));
            let error = test["results"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|result| result["error"]["message"].as_str());
            for line in error
                .map(strip_colours)
                .unwrap_or_default()
                .lines()
                .filter(|line| !line.trim().is_empty())
                .take(ERROR_LINES)
            {
                out.push(format!("  {line}"));
            }
        }
    }
    for inner in suite["suites"].as_array().into_iter().flatten() {
        collect(inner, out);
    }
}

/// The text without the terminal's colour codes (`ESC [ … m`).
fn strip_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_failed_test_with_its_error() {
        let json = r#"{"suites":[{"title":"a.spec.ts","specs":[],"suites":[{"specs":[
            {"title":"signs in","file":"a.spec.ts","line":18,"tests":[
              {"projectName":"desktop","status":"unexpected","results":[{"error":{"message":"\u001b[31mError: strict mode violation\u001b[39m\n\nresolved to 6 elements"}}]},
              {"projectName":"phone","status":"expected","results":[{}]}]}]}]}]}"#;
        assert_eq!(
            failures(json),
            "[desktop] a.spec.ts:18 signs in (unexpected)\n  Error: strict mode violation\n  resolved to 6 elements"
        );
    }

    #[test]
    fn an_unreadable_report_is_said_so() {
        assert!(failures("not json").contains("could not be read"));
    }
}
