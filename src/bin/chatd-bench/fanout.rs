//! Fanout: N members in one channel, S of them sending, closed loop with a window of
//! unacknowledged messages per sender (`OK MSG` is the ack), or at a fixed total rate. With an
//! IRC listener, a share of the members speak IRC (`PRIVMSG`, their echo-message is the ack).
//! Measures deliveries/s received by all members, end-to-end latency (the send time travels in
//! the text) and the server's CPU per million deliveries.

use crate::client::{Client, Peer};
use crate::stats::{CpuMeter, Histogram};
use crate::{Report, Setup};
use mio::{Events, Interest, Poll, Token};
use std::time::{Duration, Instant};

pub struct Params {
    pub members: usize,
    pub senders: usize,
    pub window: usize,
    /// Messages per second in all, instead of the closed loop.
    pub rate: Option<f64>,
    pub seconds: f64,
    pub threads: usize,
    pub size: usize,
    /// The IRC listener and the share of members on it (0 to 1).
    pub irc: Option<(std::net::SocketAddr, f64)>,
}

struct Member {
    peer: Peer,
    /// An IRC member: `:<nick>!`, how its own echoed messages start.
    irc: Option<Vec<u8>>,
    sender: bool,
    unacked: usize,
    sent: u64,
}

#[derive(Default)]
struct Tally {
    deliveries: u64,
    acks: u64,
    latency: Histogram,
}

pub fn run(setup: &Setup, p: &Params) -> std::io::Result<Report> {
    let channel = format!("#fan{}", std::process::id());
    let mut members = Vec::new();
    for i in 0..p.members {
        let name = format!("fan{i}");
        let irc = p
            .irc
            .filter(|(_, share)| ((i + 1) as f64 * share).floor() > (i as f64 * share).floor());
        let c = match irc {
            Some((irc_addr, _)) => Client::irc(setup.addr, irc_addr, &name, &channel)?,
            None => {
                let mut c = Client::sign_in(setup.addr, &name)?;
                c.call(&format!("JOIN {channel}"))?;
                c.call("PING ready")?;
                c
            }
        };
        members.push(Member {
            irc: irc.map(|_| format!(":{name}!").into_bytes()),
            peer: c.into_peer()?,
            sender: i < p.senders,
            unacked: 0,
            sent: 0,
        });
    }
    let origin = Instant::now();
    let cpu = CpuMeter::start(&setup.pid);
    let per_sender_rate = p.rate.map(|r| r / p.senders.max(1) as f64);
    let mut groups: Vec<Vec<Member>> = (0..p.threads).map(|_| Vec::new()).collect();
    for (i, m) in members.into_iter().enumerate() {
        groups[i % p.threads].push(m);
    }
    let threads: Vec<_> = groups
        .into_iter()
        .map(|g| {
            let (chan, secs, window, size) = (channel.clone(), p.seconds, p.window, p.size);
            std::thread::spawn(move || drive(g, &chan, origin, secs, window, per_sender_rate, size))
        })
        .collect();
    let mut total = Tally::default();
    for t in threads {
        let t = t.join().expect("generator thread")?;
        total.deliveries += t.deliveries;
        total.acks += t.acks;
        total.latency.merge(&t.latency);
    }
    let elapsed = origin.elapsed().as_secs_f64();
    let (server_cpu, own_cpu) = cpu.used();
    let mode = p
        .rate
        .map_or(format!("window {}", p.window), |r| format!("rate {r}/s"));
    let irc = p.irc.map_or(String::new(), |(_, s)| format!(" irc={s}"));
    let what = format!("N={} S={} {mode}{irc}", p.members, p.senders);
    let mut r = Report::new("fanout", &what);
    r.num("deliveries_per_s", total.deliveries as f64 / elapsed);
    r.num("messages_per_s", total.acks as f64 / elapsed);
    r.num(
        "server_cpu_s_per_million",
        server_cpu / (total.deliveries.max(1) as f64) * 1e6,
    );
    r.latency(&total.latency);
    r.num("generator_cpu_s", own_cpu);
    Ok(r)
}

fn drive(
    mut members: Vec<Member>,
    channel: &str,
    origin: Instant,
    secs: f64,
    window: usize,
    rate: Option<f64>,
    size: usize,
) -> std::io::Result<Tally> {
    let mut poll = Poll::new()?;
    for (i, m) in members.iter_mut().enumerate() {
        poll.registry()
            .register(&mut m.peer.stream, Token(i), Interest::READABLE)?;
    }
    let mut events = Events::with_capacity(1024);
    let mut scratch = vec![0u8; 256 * 1024];
    let mut tally = Tally::default();
    let pad = "x".repeat(size);
    let end = origin + Duration::from_secs_f64(secs);
    while Instant::now() < end {
        for m in members.iter_mut().filter(|m| m.sender) {
            let due = rate.map_or(u64::MAX, |r| (origin.elapsed().as_secs_f64() * r) as u64);
            while m.unacked < window && m.sent < due {
                let t = origin.elapsed().as_nanos();
                let line = match m.irc {
                    Some(_) => format!("PRIVMSG {channel} :{pad}t={t}\r\n"),
                    None => format!("MSG {channel} {pad}t={t}\n"),
                };
                m.peer.wbuf.extend_from_slice(line.as_bytes());
                m.unacked += 1;
                m.sent += 1;
            }
            m.peer.flush()?;
        }
        poll.poll(&mut events, Some(Duration::from_millis(1)))?;
        for ev in events.iter() {
            let m = &mut members[ev.token().0];
            let (unacked, tally, irc) = (&mut m.unacked, &mut tally, m.irc.as_deref());
            m.peer.read_lines(&mut scratch, |line| match irc {
                Some(me) => on_irc_line(line, me, origin, unacked, tally),
                None => on_line(line, origin, unacked, tally),
            });
        }
    }
    Ok(tally)
}

fn delivered(line: &[u8], origin: Instant, tally: &mut Tally) {
    tally.deliveries += 1;
    if let Some(sent) = sent_at(line) {
        let now = origin.elapsed().as_nanos() as u64;
        tally
            .latency
            .record(Duration::from_nanos(now.saturating_sub(sent)));
    }
}

/// An IRC member's line: a channel PRIVMSG is a delivery, or the ack of its own.
fn on_irc_line(line: &[u8], me: &[u8], origin: Instant, unacked: &mut usize, tally: &mut Tally) {
    if !line.windows(9).any(|w| w == b" PRIVMSG ") {
        return;
    }
    if line.starts_with(me) {
        tally.acks += 1;
        *unacked = unacked.saturating_sub(1);
    } else {
        delivered(line, origin, tally);
    }
}

fn on_line(line: &[u8], origin: Instant, unacked: &mut usize, tally: &mut Tally) {
    if line.starts_with(b"MSG ") {
        delivered(line, origin, tally);
    } else if line.starts_with(b"OK MSG") {
        tally.acks += 1;
        *unacked = unacked.saturating_sub(1);
    }
}

/// The send time carried in a message's text (`t=<ns>` at its end).
pub fn sent_at(line: &[u8]) -> Option<u64> {
    let at = line.windows(2).rposition(|w| w == b"t=")?;
    let end = line.strip_suffix(b"\r").unwrap_or(line);
    std::str::from_utf8(&end[at + 2..]).ok()?.parse().ok()
}
