//! Framing: bytes from a socket into lines, with the length limit.
//!
//! Call `push` with whatever was read, then `next_frame` until it returns `None`. A line over
//! the limit is reported once (`TooLong`) as soon as it is known to be too long, and its bytes
//! up to the next LF are dropped as they come, so a stream without line ends costs no memory.
//! `finish` hands out a last line that had no LF when the peer closed.

/// What the framer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A complete line without its LF (and without a CR right before it).
    Line(String),
    /// A line longer than the limit; it is discarded whole.
    TooLong,
    /// A line that is not UTF-8.
    BadEncoding,
}

/// Splits a byte stream into lines of at most `max` bytes including the line end.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    start: usize,
    scanned: usize,
    discarding: bool,
    max: usize,
}

impl Framer {
    /// A framer for lines of at most `max` bytes, LF included.
    pub fn new(max: usize) -> Framer {
        Framer {
            buf: Vec::new(),
            start: 0,
            scanned: 0,
            discarding: false,
            max,
        }
    }

    /// Changes the limit (on a config reload); takes effect for lines not yet started.
    pub fn set_max(&mut self, max: usize) {
        self.max = max;
    }

    /// Appends bytes read from the peer.
    pub fn push(&mut self, data: &[u8]) {
        if self.discarding {
            if let Some(i) = data.iter().position(|&b| b == b'\n') {
                self.discarding = false;
                self.buf.extend_from_slice(&data[i + 1..]);
            }
        } else {
            self.buf.extend_from_slice(data);
        }
    }

    /// The next complete frame, or `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let pending = &self.buf[self.scanned..];
        match pending.iter().position(|&b| b == b'\n') {
            Some(i) => {
                let end = self.scanned + i;
                let frame = self.frame(self.start, end);
                self.start = end + 1;
                self.scanned = self.start;
                self.compact();
                Some(frame)
            }
            None if self.buf.len() - self.start >= self.max => {
                self.start = 0;
                self.scanned = 0;
                self.buf.clear();
                self.discarding = true;
                Some(Frame::TooLong)
            }
            None => {
                self.scanned = self.buf.len();
                None
            }
        }
    }

    /// Called when the peer closed: a last line without LF, if there is one.
    pub fn finish(&mut self) -> Option<Frame> {
        let end = self.buf.len();
        if self.discarding || self.start == end {
            return None;
        }
        let frame = self.frame(self.start, end);
        self.start = end;
        self.compact();
        Some(frame)
    }

    /// Every frame of `data` for lines of at most `max` bytes, read in pieces of `piece` bytes,
    /// then what EOF leaves: the fuzzers check that it does not depend on `piece`.
    pub fn all_frames(max: usize, data: &[u8], piece: usize) -> Vec<Frame> {
        let mut framer = Framer::new(max);
        let mut out = Vec::new();
        for chunk in data.chunks(piece.max(1)) {
            framer.push(chunk);
            out.extend(std::iter::from_fn(|| framer.next_frame()));
        }
        out.extend(framer.finish());
        out
    }

    /// Bytes held for a line not yet complete.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    fn frame(&self, start: usize, end: usize) -> Frame {
        if end + 1 - start > self.max {
            return Frame::TooLong;
        }
        let mut line = &self.buf[start..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        match std::str::from_utf8(line) {
            Ok(s) => Frame::Line(s.to_owned()),
            Err(_) => Frame::BadEncoding,
        }
    }

    fn compact(&mut self) {
        if self.start == self.buf.len() {
            self.buf.clear();
            if self.buf.capacity() > 4096 {
                self.buf = Vec::new();
            }
            self.start = 0;
            self.scanned = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(max: usize, chunks: &[&[u8]]) -> Vec<Frame> {
        let mut f = Framer::new(max);
        let mut out = Vec::new();
        for c in chunks {
            f.push(c);
            while let Some(fr) = f.next_frame() {
                out.push(fr);
            }
        }
        out
    }

    fn line(s: &str) -> Frame {
        Frame::Line(s.into())
    }

    #[test]
    fn splits_lines_and_drops_cr() {
        let got = frames(512, &[b"PING a\r\nPI", b"NG b\n\n"]);
        assert_eq!(got, vec![line("PING a"), line("PING b"), line("")]);
    }

    #[test]
    fn limit_counts_the_line_end() {
        let ok = format!("{}\n", "a".repeat(9));
        assert_eq!(frames(10, &[ok.as_bytes()]), vec![line(&"a".repeat(9))]);
        let long = format!("{}\nPING\n", "a".repeat(10));
        assert_eq!(
            frames(10, &[long.as_bytes()]),
            vec![Frame::TooLong, line("PING")]
        );
    }

    #[test]
    fn long_line_split_across_reads_is_reported_once() {
        let chunk = [b'x'; 7];
        let mut chunks: Vec<&[u8]> = vec![&chunk; 20];
        chunks.push(b"yy\nPING\n");
        assert_eq!(frames(16, &chunks), vec![Frame::TooLong, line("PING")]);
    }

    #[test]
    fn endless_line_holds_no_memory() {
        let mut f = Framer::new(64);
        for _ in 0..1000 {
            f.push(&[b'z'; 100]);
            while f.next_frame().is_some() {}
        }
        assert_eq!(f.buffered(), 0);
    }

    #[test]
    fn invalid_utf8_is_its_own_frame() {
        assert_eq!(
            frames(64, &[b"\xff\xfe\nok\n"]),
            vec![Frame::BadEncoding, line("ok")]
        );
    }

    #[test]
    fn finish_returns_the_unterminated_tail() {
        let mut f = Framer::new(64);
        f.push(b"PING x");
        assert_eq!(f.next_frame(), None);
        assert_eq!(f.finish(), Some(line("PING x")));
        assert_eq!(f.finish(), None);
    }
}
