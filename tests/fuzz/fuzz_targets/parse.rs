//! Fuzzes framing and parsing alone, without the core or a database, so it runs tens of
//! thousands of inputs a second: the first byte picks how the rest is cut into reads; the
//! frames must not depend on the cut (the whole input read at once gives the same frames),
//! and every line parses (to a command or a typed rejection) without a panic.
#![no_main]

use chatd::proto::{Frame, Framer, parse};
use libfuzzer_sys::fuzz_target;

fn frames(data: &[u8], piece: usize) -> Vec<Frame> {
    Framer::all_frames(64, data, piece)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let cut = frames(rest, usize::from(first % 16) + 1);
    assert_eq!(cut, frames(rest, rest.len().max(1)), "framing depends on the reads");
    for frame in cut {
        if let Frame::Line(line) = frame {
            let _ = parse(&line);
        }
    }
});
