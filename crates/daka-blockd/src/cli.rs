//! The command line. Parsed by hand: a handful of flags does not need a parser crate.
//!
//! Exit codes: 0 success, 1 failure (cannot connect, cannot write, cleanup refused), 2 usage
//! error, 3 the daemon refused the request (the code is printed on stderr).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use daka_core::lang::Lang;

use crate::client::{Client, ClientError, SYSTEM_SOCKET};
use crate::clock::SystemClock;
use crate::install;
use crate::protocol::Op;
use crate::ratchet::Access;
use crate::server;
use crate::service::{self, BOOT_ID_FILE, Config};

pub const USAGE: &str = "\
usage:
  daka-blockd serve [--root DIR] [--socket PATH] [--allow-uid UID]... [--no-dns-flush]
                    [--boot-id-file PATH]
  daka-blockd status [--socket PATH]
  daka-blockd cleanup [--root DIR] [--force]
  daka-blockd install [--root DIR]
  daka-blockd uninstall [--root DIR]
  daka-blockd client status|stop [--socket PATH]
  daka-blockd client start --site SITE... [--sites A,B] --secs N [--strict] [--socket PATH]
  daka-blockd client extend --secs N [--socket PATH]
  daka-blockd client add-sites --site SITE... [--sites A,B] [--socket PATH]

serve        run the daemon (the systemd unit runs this); without --allow-uid any local user
             may start a block (a block can only be tightened and lasts at most 24 h)
cleanup      remove every blocking layer if no block is active; --force removes an active one
             too (the administrator's undo)
install      copy this binary to /usr/libexec/daka and install the systemd unit
uninstall    stop the service, remove every layer, the unit and the binary
";

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve { socket: PathBuf, config: ServeFlags },
    Cleanup { root: PathBuf, force: bool, boot_id_file: PathBuf },
    Install { root: PathBuf },
    Uninstall { root: PathBuf },
    Client { socket: PathBuf, op: Op },
    Help,
}

/// The `serve` flags that become a [`Config`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeFlags {
    pub root: PathBuf,
    pub allow_uids: Option<BTreeSet<u32>>,
    pub dns_flush: bool,
    pub boot_id_file: PathBuf,
}

/// A command line that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

fn usage(msg: impl Into<String>) -> UsageError {
    UsageError(msg.into())
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(usage("no command given"));
    };
    let mut flags = Flags::new(rest);
    let command = match sub.as_str() {
        "help" | "--help" | "-h" => return Ok(Command::Help),
        "serve" => {
            let mut f = ServeFlags {
                root: PathBuf::from("/"),
                allow_uids: None,
                dns_flush: true,
                boot_id_file: PathBuf::from(BOOT_ID_FILE),
            };
            let mut socket = PathBuf::from(SYSTEM_SOCKET);
            while let Some(flag) = flags.next_flag()? {
                match flag.as_str() {
                    "--root" => f.root = flags.value(&flag)?.into(),
                    "--socket" => socket = flags.value(&flag)?.into(),
                    "--boot-id-file" => f.boot_id_file = flags.value(&flag)?.into(),
                    "--no-dns-flush" => f.dns_flush = false,
                    "--allow-uid" => {
                        let v = flags.value(&flag)?;
                        let uid = v.parse().map_err(|_| usage(format!("not a uid: {v}")))?;
                        f.allow_uids.get_or_insert_with(BTreeSet::new).insert(uid);
                    }
                    _ => return Err(unknown(&flag)),
                }
            }
            Command::Serve { socket, config: f }
        }
        "cleanup" => {
            let (mut root, mut force, mut boot) =
                (PathBuf::from("/"), false, PathBuf::from(BOOT_ID_FILE));
            while let Some(flag) = flags.next_flag()? {
                match flag.as_str() {
                    "--root" => root = flags.value(&flag)?.into(),
                    "--boot-id-file" => boot = flags.value(&flag)?.into(),
                    "--force" => force = true,
                    _ => return Err(unknown(&flag)),
                }
            }
            Command::Cleanup { root, force, boot_id_file: boot }
        }
        "install" | "uninstall" => {
            let mut root = PathBuf::from("/");
            while let Some(flag) = flags.next_flag()? {
                match flag.as_str() {
                    "--root" => root = flags.value(&flag)?.into(),
                    _ => return Err(unknown(&flag)),
                }
            }
            if sub == "install" { Command::Install { root } } else { Command::Uninstall { root } }
        }
        "status" => client_command("status", &mut flags)?,
        "client" => {
            let op = flags.positional().ok_or_else(|| usage("client: which operation?"))?;
            client_command(&op, &mut flags)?
        }
        other => return Err(usage(format!("unknown command: {other}"))),
    };
    Ok(command)
}

fn client_command(op: &str, flags: &mut Flags<'_>) -> Result<Command, UsageError> {
    let mut socket = PathBuf::from(SYSTEM_SOCKET);
    let mut sites = Vec::new();
    let mut secs: Option<u64> = None;
    let mut strict = false;
    while let Some(flag) = flags.next_flag()? {
        match flag.as_str() {
            "--socket" => socket = flags.value(&flag)?.into(),
            "--site" => sites.push(flags.value(&flag)?),
            "--sites" => {
                let v = flags.value(&flag)?;
                sites.extend(v.split(',').filter(|s| !s.trim().is_empty()).map(str::to_owned));
            }
            "--secs" => {
                let v = flags.value(&flag)?;
                secs = Some(v.parse().map_err(|_| usage(format!("not a number of seconds: {v}")))?);
            }
            "--strict" => strict = true,
            _ => return Err(unknown(&flag)),
        }
    }
    let need_secs = || secs.ok_or_else(|| usage(format!("{op}: --secs N is required")));
    let op = match op {
        "status" => Op::Status,
        "stop" => Op::Stop,
        "start" => Op::Start { sites, duration_secs: need_secs()?, strict },
        "extend" => Op::Extend { duration_secs: need_secs()? },
        "add-sites" | "add_sites" => Op::AddSites { sites },
        other => return Err(usage(format!("unknown client operation: {other}"))),
    };
    Ok(Command::Client { socket, op })
}

fn unknown(flag: &str) -> UsageError {
    usage(format!("unknown argument: {flag}"))
}

/// Walks `--flag value`, `--flag=value` and bare words.
struct Flags<'a> {
    args: &'a [String],
    pos: usize,
    pending: Option<String>,
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String]) -> Self {
        Flags { args, pos: 0, pending: None }
    }

    /// The next flag name, `None` at the end; a bare word here is an error.
    fn next_flag(&mut self) -> Result<Option<String>, UsageError> {
        if let Some(flag) = self.pending.take() {
            return Err(usage(format!("{flag} takes no value")));
        }
        let Some(arg) = self.args.get(self.pos) else { return Ok(None) };
        self.pos += 1;
        if !arg.starts_with("--") {
            return Err(usage(format!("unexpected argument: {arg}")));
        }
        match arg.split_once('=') {
            Some((name, value)) => {
                self.pending = Some(value.to_owned());
                Ok(Some(name.to_owned()))
            }
            None => Ok(Some(arg.clone())),
        }
    }

    /// The value of `flag` (after `=` or as the next argument).
    fn value(&mut self, flag: &str) -> Result<String, UsageError> {
        if let Some(v) = self.pending.take() {
            return Ok(v);
        }
        let v = self.args.get(self.pos).ok_or_else(|| usage(format!("{flag} needs a value")))?;
        self.pos += 1;
        Ok(v.clone())
    }

    fn positional(&mut self) -> Option<String> {
        let arg = self.args.get(self.pos).filter(|a| !a.starts_with("--"))?;
        self.pos += 1;
        Some(arg.clone())
    }
}

fn lang() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_default();
    Lang::from_system_locale(&locale)
}

/// Writes a line to stderr (failures to write there cannot be reported anywhere).
fn err_line(text: &str) {
    let _ = writeln!(std::io::stderr(), "daka-blockd: {text}");
}

fn out_line(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

/// Runs the program with the arguments after its name.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let args: Result<Vec<String>, _> = args.into_iter().map(OsString::into_string).collect();
    let Ok(args) = args else {
        err_line("arguments must be UTF-8");
        return ExitCode::from(2);
    };
    let command = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            err_line(&e.0);
            let _ = write!(std::io::stderr(), "{USAGE}");
            return ExitCode::from(2);
        }
    };
    run(command)
}

/// Runs a parsed command.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Help => {
            let _ = write!(std::io::stdout(), "{USAGE}");
            ExitCode::SUCCESS
        }
        Command::Serve { socket, config: f } => {
            let config = Config {
                root: f.root,
                access: f.allow_uids.map_or_else(Access::anyone, Access::only),
                dns_flush: f.dns_flush,
                boot_id_file: f.boot_id_file,
            };
            match server::serve(&socket, config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Cleanup { root, force, boot_id_file } => {
            let config = Config { boot_id_file, ..Config::new(root) };
            match service::cleanup(&config, force, &SystemClock) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => {
                    err_line("the hosts file has a broken Daka section; left it as it is");
                    ExitCode::FAILURE
                }
                Err(e) => {
                    err_line(&e.to_string());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Install { root } => report(install::install(&root)),
        Command::Uninstall { root } => report(install::uninstall(&root)),
        Command::Client { socket, op } => match Client::new(socket).send(op) {
            Ok(status) => {
                out_line(&serde_json::to_string_pretty(&status).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Err(e) => {
                if let ClientError::Refused { code, .. } = &e {
                    err_line(&format!("refused ({}): {}", code.as_str(), e.message(lang())));
                    return ExitCode::from(3);
                }
                err_line(&e.message(lang()));
                ExitCode::FAILURE
            }
        },
    }
}

fn report(result: Result<Vec<String>, install::InstallError>) -> ExitCode {
    match result {
        Ok(done) => {
            for line in done {
                out_line(&line);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            err_line(&e.to_string());
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, UsageError> {
        parse(&args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn serve_flags_parse() {
        let Ok(Command::Serve { socket, config }) = p(&[
            "serve",
            "--root",
            "/tmp/r",
            "--socket=/tmp/s.sock",
            "--allow-uid",
            "1000",
            "--allow-uid=1001",
            "--no-dns-flush",
        ]) else {
            panic!()
        };
        assert_eq!(socket, PathBuf::from("/tmp/s.sock"));
        assert_eq!(config.root, PathBuf::from("/tmp/r"));
        assert_eq!(config.allow_uids, Some(BTreeSet::from([1000, 1001])));
        assert!(!config.dns_flush);
        let Ok(Command::Serve { socket, config }) = p(&["serve"]) else { panic!() };
        assert_eq!(socket, PathBuf::from(SYSTEM_SOCKET));
        assert_eq!((config.root, config.allow_uids), (PathBuf::from("/"), None));
    }

    #[test]
    fn client_commands_parse() {
        assert_eq!(
            p(&[
                "client",
                "start",
                "--site",
                "a.com",
                "--sites",
                "b.com,c.com",
                "--secs",
                "4",
                "--strict"
            ]),
            Ok(Command::Client {
                socket: PathBuf::from(SYSTEM_SOCKET),
                op: Op::Start {
                    sites: vec!["a.com".into(), "b.com".into(), "c.com".into()],
                    duration_secs: 4,
                    strict: true
                },
            })
        );
        assert_eq!(
            p(&["status", "--socket", "/x"]),
            Ok(Command::Client { socket: "/x".into(), op: Op::Status })
        );
        assert!(matches!(p(&["client", "stop"]), Ok(Command::Client { op: Op::Stop, .. })));
        assert_eq!(
            p(&["cleanup", "--force"]),
            Ok(Command::Cleanup {
                root: "/".into(),
                force: true,
                boot_id_file: BOOT_ID_FILE.into()
            })
        );
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for bad in [
            &[][..],
            &["frobnicate"],
            &["serve", "--rooot", "/"],
            &["serve", "--root"],
            &["serve", "--allow-uid", "bob"],
            &["serve", "--no-dns-flush=yes"],
            &["serve", "extra"],
            &["cleanup", "--root", "/", "--now"],
            &["client"],
            &["client", "start", "--site", "a.com"],
            &["client", "launch"],
            &["client", "extend", "--secs", "-5"],
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }
}
