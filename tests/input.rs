//! Framing and bad input: every line gets exactly one answer and the connection stays usable.

mod common;
use common::*;

#[test]
fn too_long_lines_are_refused_whole_even_split_across_writes() {
    let s = TestServer::start();
    let mut c = s.user("amy");
    c.send(&format!("MSG #a {}", "x".repeat(600)));
    assert_eq!(
        c.recv(),
        "FAIL * LINE_TOO_LONG :line too long (at most 512 bytes)"
    );
    for _ in 0..50 {
        c.send_raw(&[b'y'; 100]);
    }
    c.send_raw(b"\n");
    assert!(c.recv().starts_with("FAIL * LINE_TOO_LONG"));
    // exactly at the limit (511 bytes + LF) is fine
    let at_limit = format!("PING {}", "z".repeat(506));
    assert_eq!(at_limit.len(), 511);
    c.ok(&at_limit, &format!("OK {at_limit}"));
    c.ok("PING after", "OK PING after");
}

#[test]
fn invalid_utf8_control_characters_and_blank_lines() {
    let s = TestServer::start();
    let mut c = s.user("amy");
    c.ok("JOIN #a", "OK JOIN #a");
    c.send_raw(b"MSG #a \xff\xfe\n");
    assert_eq!(c.recv(), "FAIL * BAD_ENCODING :lines must be UTF-8");
    c.send_raw(b"MSG #a ring\x07ring\n");
    assert!(c.recv().starts_with("FAIL MSG BAD_TEXT "));
    c.send_raw(b"MSG #a nul\x00here\n");
    assert!(c.recv().starts_with("FAIL MSG BAD_TEXT "));
    c.send_raw(b"\n\r\n   \n");
    c.send("MSG #a tab\tis fine");
    c.expect("OK MSG #a 1 ");
    assert_eq!(
        c.cmd("HISTORY #a")[0].split_once(" :").unwrap().1,
        "tab\tis fine"
    );
}

#[test]
fn unknown_verbs_and_wrong_parameter_counts() {
    let s = TestServer::start();
    let mut c = s.user("amy");
    assert_eq!(
        c.fails("FROB x", "UNKNOWN_COMMAND"),
        "FAIL FROB UNKNOWN_COMMAND :unknown command; try HELP"
    );
    c.send("\u{e9}t\u{e9}");
    assert!(c.recv().starts_with("FAIL * UNKNOWN_COMMAND"));
    c.fails("JOIN", "NEED_MORE_PARAMS");
    c.fails("KICK #a", "NEED_MORE_PARAMS");
    c.fails("WHO extra", "BAD_PARAM");
    c.fails("JOIN #a #b", "BAD_PARAM");
}

#[test]
fn commands_sent_one_byte_at_a_time() {
    let s = TestServer::start();
    let mut c = s.connect();
    for b in b"PING slow\r\n" {
        c.send_raw(&[*b]);
    }
    assert_eq!(c.recv(), "OK PING slow");
}

#[test]
fn a_last_line_without_lf_is_answered_before_close() {
    let s = TestServer::start();
    let stream = std::net::TcpStream::connect(s.addr).unwrap();
    let mut c = TestClient::from_stream(stream.try_clone().unwrap());
    c.send_raw(b"PING a\nPING b");
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(
        c.read_to_close(),
        vec!["OK PING a", "OK PING b", "BYE :connection closed"]
    );
}

/// The loop stops reading a socket at a short read (it is empty; epoll reports the next bytes):
/// a FIN that came with the data, or after it, must still be seen. A burst bigger than the read
/// buffer, then the FIN at once, repeated so both orders occur.
#[test]
fn a_burst_then_close_is_answered_whole_every_time() {
    let s = TestServer::with(|c| c.limits.flood_burst = 100_000);
    let burst: String = (0..3000).map(|i| format!("PING {i}\n")).collect();
    for round in 0..10 {
        let stream = std::net::TcpStream::connect(s.addr).unwrap();
        let mut c = TestClient::from_stream(stream.try_clone().unwrap());
        let line = if round % 2 == 0 {
            &burst[..]
        } else {
            "PING 0\n"
        };
        c.send_raw(line.as_bytes());
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        let got = c.read_to_close();
        let pings = line.lines().count();
        assert_eq!(got.len(), pings + 1, "round {round}");
        assert_eq!(got[pings - 1], format!("OK PING {}", pings - 1));
        assert_eq!(got[pings], "BYE :connection closed");
    }
}

/// TCP urgent data (telnet's Synch) ends a read early at its mark although more bytes wait:
/// the lines after it must be answered at once, not when the client sends again. Python
/// sends it (std cannot); the server must answer both PINGs within the read timeout.
#[test]
fn lines_after_tcp_urgent_data_are_answered_at_once() {
    let script = "import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.settimeout(5)
f = s.makefile('rb')
f.readline()
s.sendall(b'PING 1\\n' + b'PING 2\\n')
s.send(b'x', socket.MSG_OOB)
s.sendall(b'PING 3\\n')
got = []
try:
    while len(got) < 3:
        got.append(f.readline().decode().strip())
except OSError:
    pass
print('|'.join(got))
";
    let s = TestServer::start();
    let port = s.addr.port().to_string();
    let Ok(out) = std::process::Command::new("python3")
        .args(["-c", script, &port])
        .output()
    else {
        eprintln!(
            "SKIPPED lines_after_tcp_urgent_data_are_answered_at_once: python3 is not installed"
        );
        return;
    };
    let got = String::from_utf8_lossy(&out.stdout);
    assert_eq!(got.trim(), "OK PING 1|OK PING 2|OK PING 3", "{out:?}");
}

#[test]
fn help_comes_from_the_manual() {
    let s = TestServer::start();
    let mut c = s.connect();
    let all = c.cmd("HELP");
    assert!(
        all.len() > 5 && all.iter().rev().skip(1).all(|l| l.starts_with("HELP :")),
        "{all:?}"
    );
    assert_eq!(all.last().unwrap(), "OK HELP");
    let manual =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/help.txt")).unwrap();
    for verb in [
        "REGISTER", "LOGIN", "LOGOUT", "QUIT", "JOIN", "PART", "MSG", "PRIVMSG", "HISTORY", "KICK",
        "BAN", "UNBAN", "BANS", "NAMES", "WHO", "LIST", "HELP", "PING", "PONG",
    ] {
        assert!(
            manual.contains(&format!("== {verb}\n")),
            "the manual lacks {verb}"
        );
        let page = c.cmd(&format!("help {verb}"));
        assert!(page[0].starts_with(&format!("HELP :{verb}")), "{page:?}");
    }
    c.fails("HELP FROB", "UNKNOWN_COMMAND");
}

#[test]
fn a_stream_without_line_ends_gets_one_answer_and_costs_nothing() {
    let s = TestServer::start();
    let mut c = s.user("amy");
    let chunk = vec![b'z'; 64 * 1024];
    for _ in 0..16 {
        c.send_raw(&chunk); // a megabyte, never a line end
    }
    c.send_raw(b"\n");
    assert!(c.recv().starts_with("FAIL * LINE_TOO_LONG"));
    c.ok("PING still-usable", "OK PING still-usable");
}
