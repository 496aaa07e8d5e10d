# bm-role-ruby: the role protocol (role-protocol.md) with Ruby's own
# listener, TCPServer.new(HOST, PORT).
#
# Endpoints: HOST is the endpoint's address (its name without brackets and
# without the "dual" of [::]dual). TCPServer sets no IPV6_V6ONLY, so its [::]
# has the OS's default (Linux: dual-stack; Windows: IPv6 only), read here from
# a fresh socket, and only the endpoint that is that default can be asked for.
# Errors: SystemCallError carries errno, its name (the Errno:: class) and, in
# its message, the system call ("bind(2)").
require "ipaddr"
require "socket"

OPTION = "ruby:TCPServer"
HOLD_INPUT_FD = 3

class Unsupported < StandardError; end

def error_reply(err, stage)
  stage = Regexp.last_match(1) if err.message =~ /- (\w+)\(2\)/
  "fail #{stage} #{err.class.name.split("::").last} #{err.errno}"
end

# IPV6_V6ONLY of an IPv6 socket nobody set it on: the OS's default.
def os_default_v6only
  sock = Socket.new(:INET6, :STREAM)
  sock.getsockopt(:IPPROTO_IPV6, :IPV6_V6ONLY).bool
ensure
  sock&.close
end

# tcp ENDPOINT OPTION PORT -> a listening TCPServer.
def listen(args)
  raise Unsupported, "expected: tcp ENDPOINT OPTION PORT" unless args.size == 4
  proto, endpoint, option, port = args
  asked_v6only = { "[::]" => true, "[::]dual" => false }[endpoint]
  unless asked_v6only.nil? || asked_v6only == os_default_v6only
    raise Unsupported, "TCPServer sets no IPV6_V6ONLY: its [::] has the OS's default, " \
                       "IPV6_V6ONLY #{asked_v6only ? "off" : "on"}"
  end
  host = endpoint.delete_suffix("dual").delete("[]")
  unless proto == "tcp" && (IPAddr.new(host) rescue nil)
    raise Unsupported, "a TCP listener on an address, not #{proto} #{endpoint}"
  end
  raise Unsupported, "the only listener here is #{OPTION}" unless option == OPTION
  raise Unsupported, "not a port: #{port}" unless port =~ /\A\d+\z/
  TCPServer.new(host, Integer(port))
end

class Cell
  def initialize
    @listener = nil
    @connections = []
  end

  def reset
    @connections.each(&:close)
    @connections = []
    @listener&.close
    @listener = nil
  end

  def listener
    @listener or raise Unsupported, "no listener in this cell"
  end

  def server(args)
    reset
    @listener = listen(args)
    "ok #{@listener.addr[1]}"
  end

  def probe(args)
    listen(args).close
    "ok 0"
  end

  def accept(_args)
    @connections << listener.accept
    "ok 0"
  end

  # Takes every waiting connection without blocking, resets each.
  def count(_args)
    taken = 0
    while (conn = listener.accept_nonblock(exception: false)) != :wait_readable
      conn.setsockopt(Socket::Option.linger(true, 0))
      conn.close
      taken += 1
    end
    "ok #{taken}"
  end

  def close_conn(_args)
    @connections.pop&.close
    "ok 0"
  end

  # The listener only: the connections it gave stay open.
  def close_listener(_args)
    @listener&.close
    @listener = nil
    "ok 0"
  end

  def reset_request(_args)
    reset
    "ok 0"
  end

  # Listens, then starts HOLD with Process.spawn as a Ruby server would,
  # stdin the harness's descriptor 3, stdout a pipe.
  def inherit(args)
    raise Unsupported, "inherit hands descriptor 3 to the child: a Unix convention" if Gem.win_platform?
    raise Unsupported, "expected: inherit tcp ENDPOINT OPTION PORT HOLD..." if args.size < 5
    answer = server(args[0, 4])
    reader, writer = IO.pipe
    begin
      pid = Process.spawn(*args[4..], in: HOLD_INPUT_FD, out: writer)
    rescue SystemCallError => e
      return error_reply(e, "spawn")
    ensure
      writer.close
    end
    Process.detach(pid)
    line = reader.gets.to_s.chomp
    reader.close
    return "#{answer} #{pid}" if line == "ok #{pid}"
    warn "bm-role-ruby: the child said #{line.inspect}"
    "fail spawn - -"
  end

  def bind(_args)
    raise Unsupported, "TCPServer binds and listens in one call: no bound-only socket"
  end

  REQUESTS = {
    "server" => :server, "probe" => :probe, "accept" => :accept, "count" => :count,
    "close-conn" => :close_conn, "close-listener" => :close_listener,
    "reset" => :reset_request, "inherit" => :inherit, "bind" => :bind, "listen" => :bind,
  }.freeze

  def serve(words)
    request = REQUESTS[words[0]] or raise Unsupported, "a listener role: no request #{words[0].inspect}"
    send(request, words[1..])
  rescue SystemCallError => e
    error_reply(e, %w[accept count].include?(words[0]) ? "accept" : "bind")
  end
end

$stdout.sync = true
cell = Cell.new
$stdin.each_line do |line|
  begin
    puts cell.serve(line.split)
  rescue Unsupported => e
    warn "bm-role-ruby: #{e.message}"
    puts "fail command unsupported -"
  end
end
cell.reset
