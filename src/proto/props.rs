//! Property tests of framing and parsing.

use super::frame::{Frame, Framer};
use super::parse::{Command, parse};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// What the framer should produce for a whole input, by the contract's rules.
fn model(input: &[u8], max: usize) -> Vec<Frame> {
    let mut out = Vec::new();
    let mut pieces: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
    let tail = pieces.pop().unwrap_or_default();
    for p in pieces {
        out.push(if p.len() + 1 > max {
            Frame::TooLong
        } else {
            let p = p.strip_suffix(b"\r").unwrap_or(p);
            std::str::from_utf8(p).map_or(Frame::BadEncoding, |s| Frame::Line(s.to_owned()))
        });
    }
    if tail.len() >= max {
        out.push(Frame::TooLong);
    }
    out
}

fn frames(input: &[u8], cuts: &[usize], max: usize) -> (Vec<Frame>, usize) {
    let mut f = Framer::new(max);
    let (mut out, mut most) = (Vec::new(), 0);
    let mut start = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
    cuts.sort_unstable();
    for end in cuts.into_iter().chain([input.len()]) {
        if end < start {
            continue;
        }
        f.push(&input[start..end]);
        start = end;
        while let Some(fr) = f.next_frame() {
            out.push(fr);
        }
        most = most.max(f.buffered());
    }
    (out, most)
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![4 => Just(b'a'), 2 => Just(b'\n'), 1 => Just(b'\r'), 1 => Just(0xffu8), 2 => any::<u8>()];
    prop::collection::vec(byte, 0..300)
}

proptest! {
    // failing cases are kept beside this file (props.regressions) and replayed first
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    /// However the bytes are cut into reads, the frames are the model's, and the framer never
    /// holds more than one line's worth.
    #[test]
    fn framing_does_not_depend_on_how_reads_split(input in bytes(), cuts in prop::collection::vec(any::<usize>(), 0..20), max in 8usize..64) {
        let (got, most) = frames(&input, &cuts, max);
        prop_assert_eq!(got, model(&input, max));
        prop_assert!(most < max, "held {} bytes with max {}", most, max);
    }

    /// The parser takes any line without panicking and echoes a sane verb.
    #[test]
    fn parsing_any_line_is_safe(line in "\\PC{0,80}") {
        let (verb, _) = parse(&line);
        prop_assert!(verb == "*" || verb.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    }

    /// Text after the colon survives the trip exactly, whatever it holds but controls and the
    /// invisible direction and line characters (`forbidden_in_text`).
    #[test]
    fn message_text_round_trips(chan in "#[A-Za-z0-9_-]{1,49}", text in "[^\\p{Cc}\u{200B}\u{200C}\u{200E}\u{200F}\u{2028}-\u{202E}\u{2066}-\u{2069}]{1,100}") {
        let line = format!("MSG {chan} :{text}");
        prop_assert_eq!(parse(&line).1, Ok(Command::Msg { channel: chan, text }));
    }
}
