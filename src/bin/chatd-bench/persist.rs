//! Persistence: sustained MSG load (each sender alone in its channel, so the load is the
//! writer's, not fanout); how many messages/s the writer commits and how far it lags
//! behind the acknowledgements, read from the database file itself (read-only, WAL).

use crate::client::Client;
use crate::{Report, Setup};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn run(setup: &Setup, senders: usize, window: usize, seconds: f64) -> std::io::Result<Report> {
    let db_path = setup
        .db
        .clone()
        .ok_or_else(|| std::io::Error::other("persist needs --db"))?;
    let channel = format!("#persist{}", std::process::id());
    // (id, ack time) of every acknowledged message, in order of acknowledgement
    let acks: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let origin = Instant::now();
    let end = origin + Duration::from_secs_f64(seconds);
    let threads: Vec<_> = (0..senders)
        .map(|i| {
            let (addr, channel, acks) = (setup.addr, channel.clone(), acks.clone());
            let channel = format!("{channel}x{i}");
            std::thread::spawn(move || {
                send(addr, &format!("persist{i}"), &channel, window, end, &acks)
            })
        })
        .collect();
    let db =
        rusqlite::Connection::open_with_flags(&db_path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(std::io::Error::other)?;
    let committed = |db: &rusqlite::Connection| -> u64 {
        db.query_row("SELECT coalesce(max(id), 0) FROM messages", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_or(0) as u64
    };
    let start_id = committed(&db);
    let mut worst_lag = Duration::ZERO;
    let mut lags = Vec::new();
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50)); // the sampling period
        let top = committed(&db);
        let acks = acks.lock().expect("acks");
        // the oldest acknowledged message not yet committed: how long it has waited
        let waiting = acks
            .iter()
            .filter(|(id, _)| *id > top)
            .map(|(_, t)| t.elapsed())
            .max()
            .unwrap_or_default();
        worst_lag = worst_lag.max(waiting);
        lags.push(waiting);
    }
    for t in threads {
        t.join().expect("sender thread")?;
    }
    let acked: Vec<(u64, Instant)> = acks.lock().expect("acks").clone();
    let last_acked = acked.iter().map(|(id, _)| *id).max().unwrap_or(start_id);
    let drain_started = Instant::now();
    while committed(&db) < last_acked && drain_started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let drain = drain_started.elapsed();
    let stored = committed(&db).saturating_sub(start_id);
    lags.sort();
    let mut r = Report::new("persist", &format!("S={senders} window {window}"));
    r.num("acked_per_s", acked.len() as f64 / seconds);
    r.num(
        "committed_per_s",
        stored as f64 / (seconds + drain.as_secs_f64()),
    );
    r.num(
        "lag_p50_ms",
        lags.get(lags.len() / 2)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0),
    );
    r.num("lag_max_ms", worst_lag.as_secs_f64() * 1000.0);
    r.num("drain_after_load_ms", drain.as_secs_f64() * 1000.0);
    Ok(r)
}

fn send(
    addr: std::net::SocketAddr,
    name: &str,
    channel: &str,
    window: usize,
    end: Instant,
    acks: &Mutex<Vec<(u64, Instant)>>,
) -> std::io::Result<()> {
    let mut c = Client::sign_in(addr, name)?;
    c.call(&format!("JOIN {channel}"))?;
    let mut unacked = 0;
    while Instant::now() < end || unacked > 0 {
        let mut batch = String::new();
        while Instant::now() < end && unacked < window {
            batch.push_str(&format!("MSG {channel} persisted payload\n"));
            unacked += 1;
        }
        if !batch.is_empty() {
            c.send(batch.trim_end())?;
        }
        let line = c.line()?;
        if let Some(id) = line
            .strip_prefix("OK MSG ")
            .and_then(|r| r.split(' ').nth(1))
            .and_then(|v| v.parse().ok())
        {
            unacked -= 1;
            acks.lock().expect("acks").push((id, Instant::now()));
        }
    }
    Ok(())
}
