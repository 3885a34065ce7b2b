//! Tests of `parse.rs`.
use super::*;

fn ok(line: &str) -> Command {
    parse(line).1.unwrap()
}

fn code(line: &str) -> Code {
    parse(line).1.unwrap_err().code
}

#[test]
fn verbs_are_case_insensitive_and_params_split_on_runs_of_spaces() {
    assert_eq!(
        ok("login   bob  secret"),
        Command::Login {
            name: "bob".into(),
            password: "secret".into()
        }
    );
    assert_eq!(parse("pInG").0, "PING");
}

#[test]
fn text_is_the_rest_of_the_line_with_one_colon_removed() {
    assert_eq!(
        ok("MSG #a ::) hi  there "),
        Command::Msg {
            channel: "#a".into(),
            text: ":) hi  there ".into()
        }
    );
    assert_eq!(ok("QUIT"), Command::Quit { reason: None });
    assert_eq!(
        ok("PART #a :gone"),
        Command::Part {
            channel: "#a".into(),
            reason: Some("gone".into())
        }
    );
}

#[test]
fn words_are_literal_so_ipv6_bans_work() {
    assert_eq!(
        ok("BAN ::1"),
        Command::Ban {
            target: "::1".into(),
            duration_secs: None,
            reason: None
        }
    );
    assert_eq!(
        ok("BAN bob 30m :spam"),
        Command::Ban {
            target: "bob".into(),
            duration_secs: Some(1800),
            reason: Some("spam".into())
        }
    );
    assert_eq!(
        ok("BAN bob 30 minutes"),
        Command::Ban {
            target: "bob".into(),
            duration_secs: None,
            reason: Some("30 minutes".into())
        }
    );
}

#[test]
fn errors_have_the_contract_codes() {
    assert_eq!(code("FROB"), Code::UnknownCommand);
    assert_eq!(code("MSG #a"), Code::NeedMoreParams);
    assert_eq!(code("MSG #a :"), Code::NeedMoreParams);
    assert_eq!(code("JOIN lobby"), Code::BadChannel);
    assert_eq!(code("HISTORY #a ten"), Code::BadParam);
    assert_eq!(code("LOGOUT now"), Code::BadParam);
    assert_eq!(code("MSG #a bell\u{7}"), Code::BadText);
    for ch in [
        '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{2028}', '\u{2029}',
    ] {
        assert_eq!(code(&format!("MSG #a x{ch}y")), Code::BadText, "{ch:?}");
    }
    for ch in ['\u{200B}', '\u{200C}', '\u{200E}', '\u{200F}'] {
        assert_eq!(code(&format!("PART #a :x{ch}")), Code::BadText, "{ch:?}");
        assert_eq!(code(&format!("AWAY {ch}")), Code::BadText, "{ch:?}");
        assert_eq!(code(&format!("QUIT :{ch}")), Code::BadText, "{ch:?}");
    }
    let family = "MSG #a \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} and a\ttab";
    assert!(
        parse(family).1.is_ok(),
        "the emoji joiner and TAB stay allowed"
    );
    assert_eq!(code("BAN bob 99999999999999999999d"), Code::BadParam);
}

#[test]
fn odd_verbs_are_shown_as_a_star() {
    assert_eq!(parse("h\u{e9}llo").0, "*");
    assert_eq!(parse(":x").0, "*");
}

#[test]
fn blank_lines_are_recognised() {
    assert!(is_blank(""));
    assert!(is_blank("   "));
    assert!(!is_blank(" x"));
}
