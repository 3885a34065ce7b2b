//! A tmux session for tests that drive a terminal program as a person would.

use super::READ_TIMEOUT;
use std::process::Command;
use std::time::{Duration, Instant};

/// A detached tmux session running one command; killed on drop.
pub struct Tmux(pub String);

impl Tmux {
    /// True if tmux is installed; else prints why the calling test skips (`.ci/run` installs
    /// Debian's tmux, so CI always runs these tests).
    pub fn available(test: &str) -> bool {
        let found = Command::new("tmux").arg("-V").output().is_ok();
        if !found {
            eprintln!("SKIPPED {test}: tmux is not installed (apt-get install tmux)");
        }
        found
    }

    /// Starts `cmd` in a new session of the given size.
    pub fn start(name: &str, cmd: &str, width: u16, height: u16) -> Tmux {
        let t = Tmux(format!("{name}-{}", std::process::id()));
        let (w, h) = (width.to_string(), height.to_string());
        t.run(&["new-session", "-d", "-s", &t.0, "-x", &w, "-y", &h, cmd]);
        t
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux (Debian package tmux; .ci/run installs it)");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types keys (tmux key names, e.g. `Enter`, `C-r`, or text).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.0];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Polls the screen until it shows `text`; fails after the read timeout.
    pub fn shows(&self, text: &str) -> String {
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", &self.0]);
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {text:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50)); // polling a screen
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}
