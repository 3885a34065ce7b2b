//! Fuzzes chat mode's two translations alone: any line a person types becomes a protocol line
//! that parses, and any line the server could send becomes a sentence, without a panic. The
//! input is one line (what the framer hands on: no LF).
#![no_main]

use chatd::proto::human::{for_people, from_person};
use chatd::proto::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if line.contains('\n') {
        return;
    }
    let here = (data.len() % 2 == 0).then_some("#a");
    if let Ok(protocol) = from_person(line, here, "amy") {
        let _ = parse(&protocol);
    }
    let _ = for_people(line, Some(line));
});
