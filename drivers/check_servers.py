"""Servers for `bindmatrix check`'s tests, each misbehaving (or not) in one
way the check must name. Run with Debian's /usr/bin/python3:

    check_servers.py leak PORT       no SO_REUSEADDR, and its listener
                                     leaked to a child that keeps running
                                     in a session of its own
    check_servers.py share PORT      SO_REUSEPORT on its listener: a
                                     process of the same user can listen
                                     beside it and take its connections
    check_servers.py stubborn PORT   SO_REUSEADDR, and ignores SIGTERM: a
                                     supervisor has to send SIGKILL
    check_servers.py silent PORT     runs, never listens
    check_servers.py exit PORT       says why on stderr and exits 3
    check_servers.py elsewhere PORT  listens, on a port of its own choosing
    check_servers.py nginx DIR PORT  nginx in the foreground, a minimal
                                     configuration in DIR

The listening ones accept and keep every connection until they are
stopped, as a server with idle keep-alive clients does.
"""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# The nginx role's minimal configuration (one `listen`), the same nginx.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "runtimes"
                       / "nginx"))
from bm_role_nginx import CONFIG as NGINX_CONFIG  # noqa: E402


def serve(listener):
    kept = []
    while True:
        conn, _ = listener.accept()
        kept.append(conn)


def listener(port, *options):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    for option in options:
        s.setsockopt(socket.SOL_SOCKET, option, 1)
    s.bind(("0.0.0.0", port))
    s.listen(64)
    return s


def leak(port):
    s = listener(port)
    s.set_inheritable(True)
    # The child keeps descriptor s after exec; start_new_session takes it
    # out of the server's process group, so the group's SIGTERM misses it.
    subprocess.Popen(["/bin/sleep", "600"], pass_fds=[s.fileno()],
                     start_new_session=True)
    serve(s)


def nginx(folder, port):
    config = os.path.join(folder, f"nginx-{port}.conf")
    with open(config, "w") as f:
        f.write(NGINX_CONFIG.format(dir=folder, listen=port))
    os.execv("/usr/sbin/nginx", ["nginx", "-e", "stderr", "-p", folder,
                                 "-c", config, "-g", "daemon off;"])


def main(mode, *args):
    if mode == "nginx":
        nginx(args[0], int(args[1]))
    port = int(args[0])
    if mode == "leak":
        leak(port)
    elif mode == "share":
        serve(listener(port, socket.SO_REUSEPORT))
    elif mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        serve(listener(port, socket.SO_REUSEADDR))
    elif mode == "silent":
        while True:
            time.sleep(60)
    elif mode == "exit":
        print(f"check_servers: refusing to serve port {port}",
              file=sys.stderr)
        sys.exit(3)
    elif mode == "elsewhere":
        serve(listener(0))
    else:
        sys.exit(f"check_servers: unknown mode {mode}")


if __name__ == "__main__":
    main(*sys.argv[1:])
