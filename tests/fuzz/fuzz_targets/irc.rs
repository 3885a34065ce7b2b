//! Fuzzes the IRC dialect's input side without the core: framing at IRC's limit (the first byte
//! picks how the rest is cut into reads, and the frames must not depend on the cut), then each
//! line through the IRC parser, tag decoding, formatting removal and SASL's base64. Parsed
//! lines must re-render and parse back to the same verb and parameters.
#![no_main]

use chatd::proto::irc::{self, Out};
use chatd::proto::{Frame, Framer};
use libfuzzer_sys::fuzz_target;

const MAX: usize = irc::MAX_TAGS + irc::MAX_LINE;

fn frames(data: &[u8], piece: usize) -> Vec<Frame> {
    Framer::all_frames(MAX, data, piece)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let cut = frames(rest, usize::from(first % 16) + 1);
    assert_eq!(cut, frames(rest, rest.len().max(1)), "framing depends on the reads");
    for frame in cut {
        let Frame::Line(line) = frame else { continue };
        let _ = irc::strip_formatting(&line);
        let _ = irc::base64_decode(&line);
        let Ok(m) = irc::parse(&line) else { continue };
        if let Some(t) = m.tags {
            let _ = irc::tags(t);
            let _ = irc::client_tags(t);
        }
        let ok_middle = |p: &&str| !p.is_empty() && !p.starts_with(':') && !p.contains(' ');
        let (last, mids) = match m.params.split_last() {
            Some((l, mids)) => (Some(*l), mids),
            None => (None, &[][..]),
        };
        if !mids.iter().all(ok_middle) || m.verb.contains(['\r', '\0']) {
            continue;
        }
        let mut o = Out::new(None, &m.verb);
        for p in mids {
            o = o.arg(p);
        }
        if let Some(l) = last {
            o = o.text(l);
        }
        let line = o.line();
        if line.len() > irc::MAX_LINE {
            continue; // the trailing ':' may take it past the limit the original just kept
        }
        let again = irc::parse(line.trim_end_matches("\r\n")).expect("a rendered line parses");
        assert_eq!(again.verb, m.verb);
        assert_eq!(again.params, m.params);
    }
});
