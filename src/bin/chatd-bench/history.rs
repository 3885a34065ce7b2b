//! History: a channel filled with M messages, then HISTORY requests from c clients, each with
//! one request in flight; requests/s and latency.

use crate::client::Client;
use crate::stats::{CpuMeter, Histogram};
use crate::{Report, Setup};
use std::time::Instant;

pub fn run(
    setup: &Setup,
    messages: usize,
    requests: usize,
    clients: usize,
    limit: usize,
) -> std::io::Result<Report> {
    let channel = format!("#hist{}", std::process::id());
    let mut filler = Client::sign_in(setup.addr, "histfill")?;
    filler.call(&format!("JOIN {channel}"))?;
    let (first, last) = fill(&mut filler, &channel, messages)?;
    let span = (last - first).max(1) as usize;
    let cpu = CpuMeter::start(&setup.pid);
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (addr, channel) = (setup.addr, channel.clone());
            let n = requests / clients + usize::from(i < requests % clients);
            std::thread::spawn(move || -> std::io::Result<Histogram> {
                let mut c = Client::sign_in(addr, &format!("histread{i}"))?;
                c.call(&format!("JOIN {channel}"))?;
                let mut h = Histogram::default();
                for k in 0..n {
                    // page back from a spread of places, as readers scrolling do
                    let before = first as usize + limit + (k * 7919) % span;
                    let t = Instant::now();
                    let reply = c.call(&format!("HISTORY {channel} {limit} {before}"))?;
                    h.record(t.elapsed());
                    if !reply.starts_with("OK HISTORY") {
                        return Err(std::io::Error::other(reply));
                    }
                }
                Ok(h)
            })
        })
        .collect();
    let mut h = Histogram::default();
    for t in threads {
        h.merge(&t.join().expect("reader thread")?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (server_cpu, _) = cpu.used();
    let mut r = Report::new(
        "history",
        &format!("M={messages} limit={limit} clients={clients}"),
    );
    r.num("requests_per_s", h.count() as f64 / elapsed);
    r.latency(&h);
    r.num("server_cpu_s", server_cpu);
    Ok(r)
}

/// Sends `n` messages with up to 256 unacknowledged, and waits for the last ack; returns the
/// first and last message ids.
fn fill(c: &mut Client, channel: &str, n: usize) -> std::io::Result<(u64, u64)> {
    let (mut sent, mut acked) = (0, 0);
    let (mut first, mut last) = (0u64, 0u64);
    while acked < n {
        let mut batch = String::new();
        while sent < n && sent - acked < 256 {
            batch.push_str(&format!("MSG {channel} history filler {sent}\n"));
            sent += 1;
        }
        if !batch.is_empty() {
            c.send(batch.trim_end())?;
        }
        let line = c.line()?;
        if line.starts_with("OK MSG") {
            acked += 1;
            last = line
                .split(' ')
                .nth(3)
                .and_then(|v| v.parse().ok())
                .unwrap_or(last);
            if first == 0 {
                first = last;
            }
        } else if line.starts_with("FAIL") {
            return Err(std::io::Error::other(line));
        }
    }
    Ok((first, last))
}
