//! Idle scale: C logged-in connections that then do nothing; the server's resident memory per
//! connection, above what it used before they came.

use crate::client::Client;
use crate::stats::rss_kib;
use crate::{Report, Setup};

pub fn run(setup: &Setup, count: usize) -> std::io::Result<Report> {
    let name = format!("idle{}", std::process::id());
    drop(Client::sign_in(setup.addr, &name)?);
    let before = rss_kib(&setup.pid);
    let mut clients = Vec::with_capacity(count);
    for _ in 0..count {
        let mut c = Client::connect(setup.addr)?;
        c.send(&format!("LOGIN {name} bench-{name}"))?;
        clients.push(c);
    }
    for c in &mut clients {
        let reply = c.line()?;
        if !reply.starts_with("OK LOGIN") {
            return Err(std::io::Error::other(format!("login failed: {reply}")));
        }
    }
    let after = rss_kib(&setup.pid);
    let mut r = Report::new("idle", &format!("C={count}"));
    r.num("server_rss_before_kib", before as f64);
    r.num("server_rss_after_kib", after as f64);
    r.num(
        "kib_per_connection",
        after.saturating_sub(before) as f64 / count as f64,
    );
    Ok(r)
}
