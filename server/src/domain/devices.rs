//! The phones a licence is kept on (docs/credential.md, "The bound form"): how many a citizen
//! may have, what a phone may call itself, and until when a credential issued now is valid.

/// At most this many phones hold a citizen's licence at once; another must be withdrawn first.
pub const MAX_DEVICES: i64 = 5;

/// The longest label a phone may give itself, in characters.
pub const MAX_LABEL_CHARS: usize = 60;

/// The label a phone gave itself, as it is kept: control and formatting characters (a
/// direction override, say) dropped, white space collapsed, at most [`MAX_LABEL_CHARS`];
/// `None` if nothing is left.
pub fn clean_label(label: &str) -> Option<String> {
    let kept: String = label
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_format(*c))
        .collect();
    let words: Vec<&str> = kept.split(' ').filter(|w| !w.is_empty()).collect();
    let joined: String = words.join(" ").chars().take(MAX_LABEL_CHARS).collect();
    let trimmed = joined.trim_end().to_owned();
    (!trimmed.is_empty()).then_some(trimmed)
}

/// Unicode format characters a label must not carry (bidirectional controls, zero-width ones).
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The end of a credential issued at `now` under the rule of `days`.
pub fn credential_end(now: i64, days: i64) -> i64 {
    now + days.clamp(1, rega_credential::bound::MAX_CREDENTIAL_DAYS) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_kept_plain_and_short() {
        assert_eq!(
            clean_label("  Chrome \n on\tAndroid "),
            Some("Chrome on Android".into())
        );
        assert_eq!(clean_label("\u{202E}diordnA"), Some("diordnA".into()));
        assert_eq!(clean_label("\u{0}\u{7}  "), None);
        assert_eq!(
            clean_label(&"x".repeat(100)).map(|l| l.chars().count()),
            Some(60)
        );
        assert_eq!(clean_label("مۆبایلی من"), Some("مۆبایلی من".into()));
    }

    #[test]
    fn a_credential_lasts_the_rule_within_one_to_thirty_days() {
        assert_eq!(credential_end(0, 7), 7 * 86_400);
        assert_eq!(credential_end(0, 0), 86_400);
        assert_eq!(credential_end(0, 90), 30 * 86_400);
    }
}
