//! Time stamps on the wire: RFC 3339 UTC with milliseconds, from Unix milliseconds.
//!
//! The core never reads a clock: callers pass `Now` in. `Now::read` is the one place that does.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The moment an input is handled: wall-clock time for stamps, a monotonic count for timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now {
    /// Milliseconds since the Unix epoch (message times, ban expiry).
    pub wall_ms: i64,
    /// Milliseconds on a monotonic clock (timeouts); only differences matter.
    pub mono_ms: u64,
}

impl Now {
    /// Reads both clocks; `origin` is the monotonic zero of this process.
    pub fn read(origin: Instant) -> Now {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Now {
            wall_ms: wall,
            mono_ms: origin.elapsed().as_millis() as u64,
        }
    }
}

/// Formats Unix milliseconds as `2026-11-22T02:13:37.123Z`.
pub fn rfc3339(unix_ms: i64) -> String {
    let mut s = String::with_capacity(24);
    push_rfc3339(&mut s, unix_ms);
    s
}

/// Appends the RFC 3339 form of `unix_ms`. The date-and-second part is cached per thread, as
/// consecutive stamps mostly fall in the same second.
pub fn push_rfc3339(out: &mut String, unix_ms: i64) {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    let secs = unix_ms.div_euclid(1000);
    let ms = unix_ms.rem_euclid(1000) as u32;
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != secs {
            *last = (secs, second_prefix(secs));
        }
        out.push_str(&last.1);
    });
    out.push(char::from(b'0' + (ms / 100) as u8));
    out.push(char::from(b'0' + (ms / 10 % 10) as u8));
    out.push(char::from(b'0' + (ms % 10) as u8));
    out.push('Z');
}

/// `YYYY-MM-DDTHH:MM:SS.` for a Unix second.
fn second_prefix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_795_313_617_123), "2026-11-22T02:13:37.123Z");
        assert_eq!(
            rfc3339(1_795_313_617_009),
            "2026-11-22T02:13:37.009Z",
            "cached second"
        );
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }
}
