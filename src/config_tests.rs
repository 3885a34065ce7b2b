//! Tests of `config.rs`.
use super::*;

#[test]
fn empty_file_is_the_defaults() {
    assert_eq!(Config::from_toml("").unwrap(), Config::default());
}

#[test]
fn shipped_config_loads_and_matches_the_defaults() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/chatd.toml");
    let config = Config::load(&path).unwrap();
    let mut expected = Config::default();
    expected.auth.admins = config.auth.admins.clone();
    assert_eq!(config.server.default_channels, ["#lobby"]);
    expected.server.default_channels = config.server.default_channels.clone();
    assert_eq!(
        config, expected,
        "config/chatd.toml must document the defaults"
    );
}

#[test]
fn default_channels_must_be_channel_names() {
    let err = Config::from_toml("[server]\ndefault_channels = [\"lobby\"]\n").unwrap_err();
    assert!(err.contains("server.default_channels"), "{err}");
}

#[test]
fn unknown_keys_are_errors() {
    let err = Config::from_toml("[limits]\nmax_line_byte = 5\n").unwrap_err();
    assert!(err.contains("max_line_byte"), "{err}");
}

#[test]
fn errors_say_where() {
    let err =
        Config::from_toml("[server]\nname = \"x\"\n[limits]\n  history_max = 0\n").unwrap_err();
    assert_eq!(err, "4:3: limits.history_max: must be at least 1");
    let err = Config::from_toml("[server]\ncoalesce_us = 10001\n").unwrap_err();
    assert_eq!(
        err,
        "2:1: server.coalesce_us: must be at most 10000 (10 ms)"
    );
    let err = Config::from_toml("[auth]\nbcrypt_cost = \"high\"\n").unwrap_err();
    assert!(err.starts_with("2:15: "), "{err}");
    let err = Config::from_toml("[limits]\nmax_line_byte = 5\n").unwrap_err();
    assert!(
        err.starts_with("2:1: ") && err.contains("max_line_byte"),
        "{err}"
    );
}

#[test]
fn bad_values_are_errors() {
    assert!(Config::from_toml("[server]\nlisten = \"nowhere\"\n").is_err());
    assert!(Config::from_toml("[auth]\nbcrypt_cost = 2\n").is_err());
    assert!(Config::from_toml("[limits]\nhistory_default = 500\n").is_err());
}

#[test]
fn a_tls_listener_needs_an_address_a_cert_and_a_key() {
    let err = Config::from_toml("[server]\ntls_listen = \"0.0.0.0:6697\"\n").unwrap_err();
    assert!(
        err.contains("tls.cert: is needed by server.tls_listen"),
        "{err}"
    );
    let only_cert = "[server]\ntls_listen = \"0.0.0.0:6697\"\n[tls]\ncert = \"c.pem\"\n";
    let err = Config::from_toml(only_cert).unwrap_err();
    assert!(err.starts_with("3:1: tls.key:"), "{err}");
    let bad = "[server]\ntls_listen = \"port 6697\"\n[tls]\ncert = \"c\"\nkey = \"k\"\n";
    let err = Config::from_toml(bad).unwrap_err();
    assert!(err.starts_with("2:1: server.tls_listen:"), "{err}");
    let good = "[server]\ntls_listen = \"0.0.0.0:6697\"\n[tls]\ncert = \"c\"\nkey = \"k\"\n";
    let c = Config::from_toml(good).unwrap();
    assert_eq!(
        c.tls_listen_addr(),
        Ok(Some("0.0.0.0:6697".parse().unwrap()))
    );
    assert_eq!(Config::default().tls_listen_addr(), Ok(None));
}

#[test]
fn the_irc_table_is_checked() {
    let c = Config::from_toml("[irc]\nlisten = \"127.0.0.1:6668\"\nguests = true\n").unwrap();
    assert_eq!(
        c.irc_addrs(),
        Ok((Some("127.0.0.1:6668".parse().unwrap()), None))
    );
    assert_eq!(c.irc.server_name, "chatd.local");
    let err = Config::from_toml("[irc]\nlisten = \"port 6668\"\n").unwrap_err();
    assert!(err.starts_with("2:1: irc.listen:"), "{err}");
    let err = Config::from_toml("[irc]\ntls_listen = \"0.0.0.0:6698\"\n").unwrap_err();
    assert!(
        err.contains("tls.cert: is needed by irc.tls_listen"),
        "{err}"
    );
    let err = Config::from_toml("[irc]\nserver_name = \"a b\"\n").unwrap_err();
    assert!(err.contains("irc.server_name"), "{err}");
    assert!(
        Config::from_toml("[irc]\nnick = \"x\"\n").is_err(),
        "unknown keys are errors"
    );
}
