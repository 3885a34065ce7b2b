//! Fuzzes chat mode's input side alone: any line a person types becomes a protocol line that
//! parses, without a panic. The input is one line (what the framer hands on: no LF). (The
//! output side renders the core's typed values; it has no text input to fuzz.)
#![no_main]

use chatd::proto::human::from_person;
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
});
