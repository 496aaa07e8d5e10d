// bm-role-rust: the role protocol (role-protocol.md) with Rust's own
// listener, std::net::TcpListener::bind((HOST, PORT)). std only.
//
// Endpoints: HOST is the endpoint's address (its name without brackets).
// std sets no IPV6_V6ONLY (only SO_REUSEADDR, and that on Unix:
// library/std/src/sys_common/net.rs), so its [::] has the OS's default
// (Linux: dual-stack; Windows: IPv6 only), read here from a throwaway
// listener, and only the endpoint that is that default can be asked for.
// Errors:
// io::Error carries errno (the WSA code on Windows), not its name, nor
// which system call failed.
use std::io::{self, BufRead, ErrorKind, Write};
use std::net::{IpAddr, TcpListener, TcpStream};

const OPTION: &str = "rust:std::net::TcpListener";

/// The endpoint's address: its name without brackets and without the
/// "dual" of [::]dual.
fn address(endpoint: &str) -> Option<IpAddr> {
    let host = endpoint.trim_end_matches("dual");
    host.trim_matches(|c| c == '[' || c == ']').parse().ok()
}

/// IPV6_V6ONLY of a [::] listener std made: the OS's default. std reads
/// the option only from a bound socket (only_v6 is deprecated because it
/// cannot be set there, but it reads it right).
#[allow(deprecated)]
fn os_default_v6only() -> io::Result<bool> {
    TcpListener::bind("[::]:0")?.only_v6()
}

enum Failure {
    Unsupported(String),
    Os(&'static str, io::Error),
}
use Failure::*;

type Reply = Result<String, Failure>;

fn os(stage: &'static str) -> impl Fn(io::Error) -> Failure {
    move |err| Os(stage, err)
}

/// tcp ENDPOINT OPTION PORT -> a listener, bound and listening.
fn listen(args: &[&str]) -> Result<TcpListener, Failure> {
    if args.len() != 4 {
        return Err(Unsupported("expected: tcp ENDPOINT OPTION PORT".into()));
    }
    let asked_v6only = match args[1] {
        "[::]" => Some(true),
        "[::]dual" => Some(false),
        _ => None,
    };
    if let Some(asked) = asked_v6only {
        let default = os_default_v6only().map_err(os("bind"))?;
        if asked != default {
            return Err(Unsupported(format!(
                "std sets no IPV6_V6ONLY: its [::] has the OS's default, IPV6_V6ONLY {}",
                if default { "on" } else { "off" }
            )));
        }
    }
    let host = match (args[0], address(args[1])) {
        ("tcp", Some(host)) => host,
        _ => {
            return Err(Unsupported(format!(
                "a TCP listener on an address, not {} {}",
                args[0], args[1]
            )))
        }
    };
    if args[2] != OPTION {
        return Err(Unsupported(format!("the only listener here is {}", OPTION)));
    }
    let port: u16 = args[3]
        .parse()
        .map_err(|_| Unsupported(format!("not a port: {}", args[3])))?;
    TcpListener::bind((host, port)).map_err(os("bind"))
}

/// Closes with an RST (SO_LINGER 0), so that no TIME_WAIT stays on the
/// port. std has no stable set_linger: this is the one call made by hand.
fn reset_connection(conn: TcpStream) {
    #[repr(C)]
    struct Linger {
        onoff: LingerInt,
        linger: LingerInt,
    }
    #[cfg(unix)]
    type LingerInt = i32;
    #[cfg(windows)]
    type LingerInt = u16;
    #[cfg(target_os = "linux")]
    const SOL_SOCKET_SO_LINGER: (i32, i32) = (1, 13);
    #[cfg(not(target_os = "linux"))] // BSD, macOS and Windows
    const SOL_SOCKET_SO_LINGER: (i32, i32) = (0xffff, 0x80);
    #[cfg(unix)]
    extern "C" {
        fn setsockopt(fd: i32, level: i32, name: i32, value: *const Linger, len: u32) -> i32;
    }
    #[cfg(windows)]
    #[link(name = "ws2_32")]
    extern "system" {
        fn setsockopt(s: usize, level: i32, name: i32, value: *const Linger, len: i32) -> i32;
    }
    #[cfg(unix)]
    let sock = std::os::unix::io::AsRawFd::as_raw_fd(&conn);
    #[cfg(windows)]
    let sock = std::os::windows::io::AsRawSocket::as_raw_socket(&conn) as usize;
    let linger = Linger {
        onoff: 1,
        linger: 0,
    };
    let (level, name) = SOL_SOCKET_SO_LINGER;
    // SAFETY: a live socket of ours and a linger struct of the OS's layout.
    unsafe {
        setsockopt(
            sock,
            level,
            name,
            &linger,
            std::mem::size_of::<Linger>() as _,
        )
    };
}

#[derive(Default)]
struct Cell {
    listener: Option<TcpListener>,
    conn: Option<TcpStream>,
}

impl Cell {
    fn listener(&self) -> Result<&TcpListener, Failure> {
        self.listener
            .as_ref()
            .ok_or_else(|| Unsupported("no listener in this cell".into()))
    }

    /// Takes every connection already waiting, without blocking.
    fn count(&self) -> Reply {
        let listener = self.listener()?;
        listener.set_nonblocking(true).map_err(os("accept"))?;
        let mut taken = 0;
        let result = loop {
            match listener.accept() {
                Ok((conn, _)) => {
                    reset_connection(conn);
                    taken += 1;
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    break Ok(format!("ok {}", taken))
                }
                Err(err) => break Err(Os("accept", err)),
            }
        };
        listener.set_nonblocking(false).map_err(os("accept"))?;
        result
    }

    #[cfg(unix)]
    fn inherit(&mut self, args: &[&str]) -> Reply {
        use std::io::BufReader;
        use std::os::unix::io::FromRawFd;
        use std::process::{Command, Stdio};
        if args.len() < 5 {
            return Err(Unsupported(
                "expected: inherit tcp ENDPOINT OPTION PORT HOLD...".into(),
            ));
        }
        let listener = listen(&args[..4])?;
        let port = listener.local_addr().map_err(os("getsockname"))?.port();
        self.listener = Some(listener);
        // SAFETY: the harness passes a pipe as descriptor 3; it stays open
        // (ManuallyDrop) and the child gets a duplicate of it.
        let hold_input = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(3) });
        let mut child = Command::new(args[4])
            .args(&args[5..])
            .stdin(hold_input.try_clone().map_err(os("spawn"))?)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(os("spawn"))?;
        let mut line = String::new();
        let read = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
        if read.is_err() || line.trim_end() != format!("ok {}", child.id()) {
            return Err(Os(
                "spawn",
                io::Error::new(ErrorKind::Other, format!("the child said {:?}", line)),
            ));
        }
        Ok(format!("ok {} {}", port, child.id()))
    }

    #[cfg(windows)]
    fn inherit(&mut self, _: &[&str]) -> Reply {
        Err(Unsupported(
            "inherit hands descriptor 3 to the child: a Unix convention".into(),
        ))
    }

    fn serve(&mut self, words: &[&str]) -> Reply {
        let args = &words[1..];
        match words[0] {
            "server" => {
                *self = Cell::default();
                let listener = listen(args)?;
                let port = listener.local_addr().map_err(os("getsockname"))?.port();
                self.listener = Some(listener);
                Ok(format!("ok {}", port))
            }
            "probe" => listen(args).map(|_| "ok 0".to_string()),
            "accept" => {
                let (conn, _) = self.listener()?.accept().map_err(os("accept"))?;
                self.conn = Some(conn);
                Ok("ok 0".into())
            }
            "count" => self.count(),
            "close-conn" => {
                self.conn = None;
                Ok("ok 0".into())
            }
            "close-listener" => {
                self.listener = None;
                Ok("ok 0".into())
            }
            "reset" => {
                *self = Cell::default();
                Ok("ok 0".into())
            }
            "inherit" => {
                *self = Cell::default();
                self.inherit(args)
            }
            "bind" | "listen" => Err(Unsupported(
                "TcpListener::bind binds and listens in one call: no bound-only socket".into(),
            )),
            other => Err(Unsupported(format!(
                "a listener role: no request {:?}",
                other
            ))),
        }
    }
}

fn main() {
    let mut cell = Cell::default();
    let stdout = io::stdout();
    for line in io::stdin().lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(_) => break,
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match if words.is_empty() {
            Err(Unsupported("an empty request".into()))
        } else {
            cell.serve(&words)
        } {
            Ok(answer) => answer,
            Err(Unsupported(why)) => {
                eprintln!("bm-role-rust: {}", why);
                "fail command unsupported -".into()
            }
            Err(Os(stage, err)) => match err.raw_os_error() {
                Some(errno) => format!("fail {} - {}", stage, errno),
                None => {
                    eprintln!("bm-role-rust: {}", err);
                    format!("fail {} - -", stage)
                }
            },
        };
        let mut out = stdout.lock();
        let _ = writeln!(out, "{}", answer).and_then(|_| out.flush());
    }
}
