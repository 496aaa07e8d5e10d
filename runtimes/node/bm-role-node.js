// bm-role-node: the role protocol (role-protocol.md) with Node's own
// listener, net.createServer().listen({host, port, ipv6Only}).
//
// Endpoints: host is the endpoint's address (its name without brackets and
// without the "dual" of [::]dual); ipv6Only is true for [::] and
// false otherwise (libuv then sets IPV6_V6ONLY either way). Node accepts by
// itself as connections arrive; "accept" waits for the first one Node has
// taken. Errors: Node gives the libuv name (err.code), the call (err.syscall:
// "listen" for a bind that failed, libuv reports it late) and libuv's
// number (err.errno), which is -errno on Unix and libuv's own on Windows.
"use strict";
const childProcess = require("child_process");
const net = require("net");
const readline = require("readline");

const OPTION = "node:net.createServer";
const HOLD_INPUT_FD = 3;

class Unsupported extends Error {}

// libuv keeps a bind's EADDRINUSE until listen (uv__tcp_bind's
// delayed_error), and listen() can refuse with it too: Node's "listen" then
// does not say which of the two refused the port.
function stage(err) {
  const syscall = err.syscall || "listen";
  return syscall === "listen" && err.code === "EADDRINUSE" ? "bind-or-listen" : syscall;
}

function errorReply(err) {
  const errno =
    process.platform !== "win32" && Number.isInteger(err.errno) ? -err.errno : "-";
  if (!err.code) console.error(`bm-role-node: ${err.message}`);
  return `fail ${stage(err)} ${err.code || "-"} ${errno}`;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

// tcp ENDPOINT OPTION PORT -> a listening server, or its error.
function listen(args) {
  if (args.length !== 4) throw new Unsupported("expected: tcp ENDPOINT OPTION PORT");
  const [proto, endpoint, option, port] = args;
  const host = endpoint.replace(/dual$/, "").replace(/^\[|\]$/g, "");
  if (proto !== "tcp" || !net.isIP(host))
    throw new Unsupported(`a TCP listener on an address, not ${proto} ${endpoint}`);
  if (option !== OPTION) throw new Unsupported(`the only listener here is ${OPTION}`);
  if (!/^\d+$/.test(port)) throw new Unsupported(`not a port: ${port}`);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.accepted = []; // connections Node took, not yet claimed
    server.on("connection", (socket) => server.accepted.push(socket));
    server.once("error", (err) => resolve({ err }));
    const options = { host, port: Number(port), ipv6Only: endpoint === "[::]" };
    server.listen(options, () => resolve({ server }));
  });
}

class Cell {
  constructor() {
    this.server = null;
    this.connections = [];
  }

  reset() {
    for (const socket of this.connections) socket.destroy();
    if (this.server) {
      for (const socket of this.server.accepted) socket.destroy();
      this.server.close();
    }
    this.server = null;
    this.connections = [];
  }

  needServer() {
    if (!this.server) throw new Unsupported("no listener in this cell");
    return this.server;
  }

  async server_(args) {
    this.reset();
    const { server, err } = await listen(args);
    if (err) return errorReply(err);
    this.server = server;
    return `ok ${server.address().port}`;
  }

  async probe(args) {
    const { server, err } = await listen(args);
    if (err) return errorReply(err);
    server.close();
    return "ok 0";
  }

  async accept() {
    const server = this.needServer();
    while (server.accepted.length === 0) await nextTurn();
    this.connections.push(server.accepted.shift());
    return "ok 0";
  }

  // What Node took of the waiting connections. libuv accepts one
  // connection per turn of the loop (strace: one accept4 per epoll_wait),
  // so the loop turns until a turn takes none. The first setImmediate runs
  // in this turn's check phase, before any poll: each after it follows a
  // poll. Each connection is reset (no TIME_WAIT).
  async count() {
    const server = this.needServer();
    await nextTurn();
    let seen;
    do {
      seen = server.accepted.length;
      await nextTurn();
    } while (server.accepted.length > seen);
    const taken = server.accepted.splice(0);
    for (const socket of taken) socket.resetAndDestroy();
    return `ok ${taken.length}`;
  }

  async closeConn() {
    const socket = this.connections.pop();
    if (socket) socket.destroy();
    return "ok 0";
  }

  // The listener only: the connections it gave stay open (server.close
  // stops listening at once; its callback waits for the connections).
  async closeListener() {
    if (this.server) {
      this.connections.push(...this.server.accepted);
      this.server.accepted = [];
      this.server.close();
    }
    return "ok 0";
  }

  async resetRequest() {
    this.reset();
    return "ok 0";
  }

  // Listens, then starts HOLD with child_process.spawn as a Node server
  // would, stdin the harness's descriptor 3, stdout a pipe.
  async inherit(args) {
    if (process.platform === "win32")
      throw new Unsupported("inherit hands descriptor 3 to the child: a Unix convention");
    if (args.length < 5)
      throw new Unsupported("expected: inherit tcp ENDPOINT OPTION PORT HOLD...");
    const listening = await this.server_(args.slice(0, 4));
    if (!listening.startsWith("ok")) return listening;
    const child = childProcess.spawn(args[4], args.slice(5), {
      stdio: [HOLD_INPUT_FD, "pipe", "inherit"],
    });
    const line = await new Promise((resolve) => {
      child.once("error", (err) => resolve(err));
      readline.createInterface({ input: child.stdout }).once("line", resolve);
    });
    child.stdout.destroy();
    if (line instanceof Error) return `fail spawn ${line.code || "-"} -`;
    if (line !== `ok ${child.pid}`) {
      console.error(`bm-role-node: the child said ${JSON.stringify(line)}`);
      return "fail spawn - -";
    }
    return `ok ${this.server.address().port} ${child.pid}`;
  }

  async bind() {
    throw new Unsupported("listen() binds and listens in one call: no bound-only socket");
  }

  serve(words) {
    const requests = {
      server: this.server_, probe: this.probe, accept: this.accept,
      count: this.count, "close-conn": this.closeConn,
      "close-listener": this.closeListener, reset: this.resetRequest,
      inherit: this.inherit, bind: this.bind, listen: this.bind,
    };
    const request = requests[words[0]];
    if (!request) throw new Unsupported(`a listener role: no request ${words[0]}`);
    return request.call(this, words.slice(1));
  }
}

async function main() {
  const cell = new Cell();
  for await (const line of readline.createInterface({ input: process.stdin })) {
    let answer;
    try {
      answer = await cell.serve(line.split(" ").filter((w) => w));
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      console.error(`bm-role-node: ${err.message}`);
      answer = "fail command unsupported -";
    }
    process.stdout.write(answer + "\n");
  }
  cell.reset();
  // A child started by inherit keeps Node's loop alive: end of input ends
  // the role all the same.
  process.exit(0);
}

main();
