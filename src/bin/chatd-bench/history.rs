//! History: a channel filled with M messages, then HISTORY requests from c clients, each with
//! a window of requests in flight (pipelined; replies come in order); requests/s and latency.
//! The requests page back from all over the channel, or (`latest`) ask for its latest messages.

use crate::client::{Client, Peer};
use crate::stats::{CpuMeter, Histogram};
use crate::{Report, Setup};
use mio::{Events, Interest, Poll, Token};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

pub fn run(
    setup: &Setup,
    messages: usize,
    requests: usize,
    clients: usize,
    window: usize,
    limit: usize,
    latest: bool,
) -> std::io::Result<Report> {
    let channel = format!("#hist{}", std::process::id());
    let mut filler = Client::sign_in(setup.addr, "histfill")?;
    filler.call(&format!("JOIN {channel}"))?;
    let (first, last) = fill(&mut filler, &channel, messages)?;
    let span = (last - first).max(1) as usize;
    let mut readers = Vec::new();
    for i in 0..clients {
        let mut c = Client::sign_in(setup.addr, &format!("histread{i}"))?;
        c.call(&format!("JOIN {channel}"))?;
        readers.push(c.into_peer()?);
    }
    let cpu = CpuMeter::start(&setup.pid);
    let started = Instant::now();
    let span = if latest { 0 } else { span };
    let h = drive(readers, &channel, requests, window, limit, (first, span))?;
    let elapsed = started.elapsed().as_secs_f64();
    let (server_cpu, own_cpu) = cpu.used();
    let mut r = Report::new(
        "history",
        &format!(
            "M={messages} limit={limit} clients={clients} window {window}{}",
            if latest { " latest" } else { "" }
        ),
    );
    r.num("requests_per_s", h.count() as f64 / elapsed);
    r.latency(&h);
    r.num("server_cpu_s", server_cpu);
    r.num("generator_cpu_s", own_cpu);
    Ok(r)
}

/// Keeps `window` HISTORY requests in flight on each reader until `total` are answered;
/// they page back from a spread of places, as readers scrolling do.
fn drive(
    mut readers: Vec<Peer>,
    channel: &str,
    total: usize,
    window: usize,
    limit: usize,
    (first, span): (u64, usize),
) -> std::io::Result<Histogram> {
    let mut poll = Poll::new()?;
    for (i, p) in readers.iter_mut().enumerate() {
        poll.registry()
            .register(&mut p.stream, Token(i), Interest::READABLE)?;
    }
    let mut in_flight: Vec<VecDeque<Instant>> = vec![VecDeque::new(); readers.len()];
    let (mut sent, mut done) = (0, 0);
    let mut h = Histogram::default();
    let mut events = Events::with_capacity(256);
    let mut scratch = vec![0u8; 256 * 1024];
    while done < total {
        for (i, p) in readers.iter_mut().enumerate() {
            while in_flight[i].len() < window && sent < total {
                let line = match span {
                    0 => format!("HISTORY {channel} {limit}\n"),
                    _ => {
                        let before = first as usize + limit + (sent * 7919) % span;
                        format!("HISTORY {channel} {limit} {before}\n")
                    }
                };
                p.wbuf.extend_from_slice(line.as_bytes());
                in_flight[i].push_back(Instant::now());
                sent += 1;
            }
            p.flush()?;
        }
        poll.poll(&mut events, Some(Duration::from_millis(100)))?;
        for ev in events.iter() {
            let i = ev.token().0;
            let queue = &mut in_flight[i];
            readers[i].read_lines(&mut scratch, |line| {
                if line.starts_with(b"OK HISTORY") || line.starts_with(b"FAIL HISTORY") {
                    if let Some(t) = queue.pop_front() {
                        h.record(t.elapsed());
                    }
                    done += 1;
                }
            });
        }
    }
    Ok(h)
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
