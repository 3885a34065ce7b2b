//! Login storm: C connections doing REGISTER (or LOGIN) with K in flight at once, while two
//! connected clients chat; measures logins/s, login latency and the chat latency meanwhile.

use crate::client::{Client, Peer};
use crate::fanout::sent_at;
use crate::stats::{CpuMeter, Histogram};
use crate::{Report, Setup};
use mio::{Events, Interest, Poll, Token};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub fn run(setup: &Setup, login: bool, count: usize, inflight: usize) -> std::io::Result<Report> {
    let tag = std::process::id();
    if login {
        storm(setup, "REGISTER", tag, count, inflight)?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let probe = chat_probe(setup, stop.clone())?;
    let cpu = CpuMeter::start(&setup.pid);
    let started = Instant::now();
    let (latency, failures) = storm(
        setup,
        if login { "LOGIN" } else { "REGISTER" },
        tag,
        count,
        inflight,
    )?;
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let chat = probe.join().expect("probe thread")?;
    let (server_cpu, _) = cpu.used();
    let verb = if login { "LOGIN" } else { "REGISTER" };
    let mut r = Report::new("login", &format!("{verb} C={count} K={inflight}"));
    r.num("logins_per_s", count as f64 / elapsed);
    r.num("total_s", elapsed);
    r.num("failures", failures as f64);
    r.num("login_p50_ms", latency.quantile_ms(0.5));
    r.num("login_p99_ms", latency.quantile_ms(0.99));
    r.num("login_max_ms", latency.max_ms());
    r.num("chat_p50_ms", chat.quantile_ms(0.5));
    r.num("chat_p99_ms", chat.quantile_ms(0.99));
    r.num("chat_max_ms", chat.max_ms());
    r.num("chat_samples", chat.count() as f64);
    r.num("server_cpu_s", server_cpu);
    Ok(r)
}

/// Runs `count` REGISTERs or LOGINs of accounts `storm<tag>x<i>`, `inflight` at once.
fn storm(
    setup: &Setup,
    verb: &str,
    tag: u32,
    count: usize,
    inflight: usize,
) -> std::io::Result<(Histogram, usize)> {
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    let mut scratch = vec![0u8; 4096];
    let mut open: HashMap<usize, (Peer, Instant)> = HashMap::new();
    let (mut next, mut done, mut failures) = (0, 0, 0);
    let mut latency = Histogram::default();
    while done < count {
        while open.len() < inflight && next < count {
            let mut c = Client::connect(setup.addr)?;
            let pw = format!("storm-password-{next}");
            let line = match verb {
                "REGISTER" => format!("REGISTER storm{tag}x{next} {pw} {pw}"),
                _ => format!("LOGIN storm{tag}x{next} {pw}"),
            };
            let sent = Instant::now();
            c.send(&line)?;
            let mut peer = c.into_peer()?;
            poll.registry()
                .register(&mut peer.stream, Token(next), Interest::READABLE)?;
            open.insert(next, (peer, sent));
            next += 1;
        }
        poll.poll(&mut events, Some(Duration::from_millis(100)))?;
        for ev in events.iter() {
            let id = ev.token().0;
            let Some((peer, sent)) = open.get_mut(&id) else {
                continue;
            };
            let mut finished = None;
            peer.read_lines(&mut scratch, |l| {
                if l.starts_with(b"OK ") || l.starts_with(b"FAIL ") {
                    finished = Some(l.starts_with(b"OK "));
                }
            });
            if let Some(ok) = finished {
                latency.record(sent.elapsed());
                failures += usize::from(!ok);
                done += 1;
                open.remove(&id);
            }
        }
    }
    Ok((latency, failures))
}

/// Two clients in a channel: one sends a message every 2 ms, the other times their arrival.
pub fn chat_probe(
    setup: &Setup,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<std::io::Result<Histogram>>> {
    let channel = format!("#probe{}", std::process::id());
    let mut a = Client::sign_in(setup.addr, "probea")?;
    let mut b = Client::sign_in(setup.addr, "probeb")?;
    a.call(&format!("JOIN {channel}"))?;
    b.call(&format!("JOIN {channel}"))?;
    b.call("PING ready")?;
    let origin = Instant::now();
    let sender_stop = stop.clone();
    std::thread::spawn(move || {
        while !sender_stop.load(Ordering::SeqCst) {
            let _ = a.send(&format!("MSG {channel} t={}", origin.elapsed().as_nanos()));
            std::thread::sleep(Duration::from_millis(2));
            while a.try_drain() {}
        }
    });
    b.set_timeout(Duration::from_millis(100))?;
    Ok(std::thread::spawn(move || {
        let mut h = Histogram::default();
        while !stop.load(Ordering::SeqCst) {
            let line = match b.line() {
                Ok(l) => l,
                // nothing came: look at the stop flag again
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(e),
            };
            if line.starts_with("MSG ")
                && let Some(sent) = sent_at(line.as_bytes())
            {
                let now = origin.elapsed().as_nanos() as u64;
                h.record(Duration::from_nanos(now.saturating_sub(sent)));
            }
        }
        Ok(h)
    }))
}
