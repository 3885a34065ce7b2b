//! The IRC wire text without sockets: parsing, tags, formatting, base64.

use super::*;

#[test]
fn parses_tags_source_params_and_trailing() {
    let m = parse("@label=x;+a=b :src privmsg  #c  :hello world").unwrap();
    assert_eq!(m.tags, Some("label=x;+a=b"));
    assert_eq!(m.verb, "PRIVMSG");
    assert_eq!(m.params, vec!["#c", "hello world"]);
    assert_eq!(parse("PING :").unwrap().params, vec![""]);
    assert_eq!(parse("WHOIS  coolNick").unwrap().params, vec!["coolNick"]);
    assert_eq!(parse("@a=b").unwrap_err(), Bad::Empty);
    // found by the fuzzer: a second source-like word is not a verb
    assert_eq!(parse("@l=a :st=x :sqc ").unwrap_err(), Bad::Empty);
}

#[test]
fn length_limits_are_512_plus_4096_of_tags() {
    let body = format!("PRIVMSG #c :{}", "a".repeat(510 - 12));
    assert!(parse(&body).is_ok());
    assert_eq!(parse(&format!("{body}a")).unwrap_err(), Bad::TooLong);
    let tags = format!("@+t={} PING x", "v".repeat(MAX_TAGS - 5));
    assert!(parse(&tags).is_ok());
    let tags = format!("@+t={} PING x", "v".repeat(MAX_TAGS - 4));
    assert_eq!(parse(&tags).unwrap_err(), Bad::TooLong);
}

#[test]
fn tag_values_round_trip() {
    let raw = r"+a=x\:y\sz\\w;+b;label=1";
    let t = tags(raw);
    assert_eq!(t[0], ("+a", "x;y z\\w".to_owned()));
    assert_eq!(client_tags(raw).unwrap(), r"+a=x\:y\sz\\w;+b");
}

#[test]
fn formatting_is_stripped_for_other_dialects() {
    assert_eq!(
        strip_formatting("\x02bold\x02 \x0304,12red\x03 x"),
        "bold red x"
    );
    assert_eq!(strip_formatting("\x0312,x"), ",x");
    assert_eq!(strip_formatting("plain"), "plain");
}

#[test]
fn actions_map_both_ways() {
    assert_eq!(
        action_to_text("bob", "\x01ACTION waves\x01").unwrap(),
        "* bob waves"
    );
    assert_eq!(text_to_action("bob", "* bob waves"), "\x01ACTION waves\x01");
    assert_eq!(text_to_action("bob", "* alice waves"), "* alice waves");
}

#[test]
fn base64_decodes_sasl_plain() {
    let raw = base64_decode("AGppbGxlcwBzZXNhbWU=").unwrap();
    assert_eq!(raw, b"\0jilles\0sesame");
    assert!(base64_decode("a!").is_none());
}

#[test]
fn out_builds_lines_with_crlf() {
    let l = Out::numeric("S", 1, "me").text("Welcome").line();
    assert_eq!(l, ":S 001 me :Welcome\r\n");
    assert_eq!(
        Out::new(None, "PONG").arg("S").last("").line(),
        "PONG S :\r\n"
    );
}

mod props {
    use super::super::*;
    use proptest::prelude::*;

    fn middle() -> impl Strategy<Value = String> {
        "[^ :\r\n\0][^ \r\n\0]{0,12}"
    }

    proptest! {
        /// A line built from a verb, middle parameters and a trailing one parses back to them.
        #[test]
        fn built_lines_parse_back(
            verb in "[A-Za-z]{1,10}",
            mids in proptest::collection::vec(middle(), 0..5),
            trailing in proptest::option::of("[^\r\n\0]{0,40}"),
        ) {
            let mut o = Out::new(Some("src!u@h"), &verb);
            for m in &mids {
                o = o.arg(m);
            }
            if let Some(t) = &trailing {
                o = o.text(t);
            }
            let line = o.line();
            let m = parse(line.trim_end_matches("\r\n")).unwrap();
            prop_assert_eq!(m.verb, verb.to_ascii_uppercase());
            let mut want: Vec<&str> = mids.iter().map(String::as_str).collect();
            want.extend(trailing.as_deref());
            prop_assert_eq!(m.params, want);
        }

        /// Tag values survive escaping, whatever they hold.
        #[test]
        fn tag_values_round_trip(v in "\\PC{0,30}") {
            let mut escaped = String::new();
            push_escaped(&mut escaped, &v);
            prop_assert!(!escaped.contains([';', ' ', '\r', '\n']));
            prop_assert_eq!(unescape(&escaped), v);
        }

        /// Any line is parsed or refused, never a panic; what parses fits the limits.
        #[test]
        fn any_line_parses_or_is_refused(line in "\\PC{0,700}") {
            if let Ok(m) = parse(&line) {
                prop_assert!(!m.verb.is_empty());
                prop_assert!(m.tags.is_none_or(|t| t.len() + 2 <= MAX_TAGS));
            }
            let stripped = strip_formatting(&line);
            prop_assert!(!stripped.chars().any(|c| c.is_control() && c != '\t'));
        }
    }
}
