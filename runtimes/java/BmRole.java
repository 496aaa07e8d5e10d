// bm-role-java: the role protocol (role-protocol.md) with Java's own
// listeners; the part of OPTION after the colon picks which:
//
//   java:ServerSocket         new ServerSocket(PORT, 50, InetAddress)
//   java:ServerSocketChannel  ServerSocketChannel.open().bind(address)
//
// Endpoints: the endpoint's address (its name without brackets and without
// the "dual" of [::]dual). Java makes an IPv6 socket whenever
// the OS has IPv6 and turns IPV6_V6ONLY off on it (sun.nio.ch.Net.socket0),
// so it has no [::] with IPV6_V6ONLY on. Errors: Java exposes no errno; its
// exception class says the stage (BindException: bind) and its message is
// the OS's text, which a small table below names.
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

public class BmRole {
  // An IP address literal (InetAddress.getByName would look a name up).
  static final Pattern ADDRESS = Pattern.compile("[0-9.]+|[0-9a-fA-F.:]*:[0-9a-fA-F.:]*");
  // The OS's error texts as Java passes them on (strerror; on Windows with
  // the call appended), and their portable names.
  static final Map<String, String> ERROR_TEXTS =
      Map.of(
          "Address already in use", "EADDRINUSE",
          "Cannot assign requested address", "EADDRNOTAVAIL",
          "Permission denied", "EACCES",
          "Invalid argument", "EINVAL");
  static final String HOLD_INPUT = "/dev/fd/3";

  static class Unsupported extends Exception {
    private static final long serialVersionUID = 1;

    Unsupported(String why) {
      super(why);
    }
  }

  /** One listener of either kind, and what the protocol asks of it. */
  interface Listener extends Closeable {
    int port();

    Closeable accept() throws IOException;

    /** Takes every waiting connection without blocking, resets each. */
    int count() throws IOException;
  }

  static class PlainListener implements Listener {
    final ServerSocket socket;

    PlainListener(InetAddress host, int port) throws IOException {
      socket = new ServerSocket(port, 50, host);
    }

    public int port() {
      return socket.getLocalPort();
    }

    public Closeable accept() throws IOException {
      return socket.accept();
    }

    public int count() throws IOException {
      int taken = 0;
      socket.setSoTimeout(1); // accept tries before it waits
      try {
        for (; ; taken++) {
          Socket conn = socket.accept();
          conn.setSoLinger(true, 0);
          conn.close();
        }
      } catch (SocketTimeoutException none) {
        return taken;
      } finally {
        socket.setSoTimeout(0);
      }
    }

    public void close() throws IOException {
      socket.close();
    }
  }

  static class ChannelListener implements Listener {
    final ServerSocketChannel channel;

    ChannelListener(InetAddress host, int port) throws IOException {
      channel = ServerSocketChannel.open();
      try {
        channel.bind(new InetSocketAddress(host, port));
      } catch (IOException e) {
        channel.close();
        throw e;
      }
    }

    public int port() {
      return channel.socket().getLocalPort();
    }

    public Closeable accept() throws IOException {
      return channel.accept();
    }

    public int count() throws IOException {
      int taken = 0;
      channel.configureBlocking(false);
      try {
        for (SocketChannel conn; (conn = channel.accept()) != null; taken++) {
          conn.setOption(StandardSocketOptions.SO_LINGER, 0);
          conn.close();
        }
      } finally {
        channel.configureBlocking(true);
      }
      return taken;
    }

    public void close() throws IOException {
      channel.close();
    }
  }

  Listener listener;
  final List<Closeable> connections = new ArrayList<>();

  /** tcp ENDPOINT OPTION PORT: a listener of the kind OPTION names. */
  static Listener listen(String[] args, int from) throws Unsupported, IOException {
    if (args.length - from != 4) throw new Unsupported("expected: tcp ENDPOINT OPTION PORT");
    String proto = args[from], endpoint = args[from + 1], option = args[from + 2];
    if (endpoint.equals("[::]"))
      throw new Unsupported("Java turns IPV6_V6ONLY off on every IPv6 socket: no [::]");
    String host = endpoint.replaceFirst("dual$", "").replaceAll("^\\[|\\]$", "");
    if (!proto.equals("tcp") || !ADDRESS.matcher(host).matches())
      throw new Unsupported("a TCP listener on an address, not " + proto + " " + endpoint);
    int port;
    try {
      port = Integer.parseInt(args[from + 3]);
    } catch (NumberFormatException e) {
      throw new Unsupported("not a port: " + args[from + 3]);
    }
    InetAddress address = InetAddress.getByName(host);
    switch (option) {
      case "java:ServerSocket":
        return new PlainListener(address, port);
      case "java:ServerSocketChannel":
        return new ChannelListener(address, port);
      default:
        throw new Unsupported("no listener " + option + ": java:ServerSocket or java:ServerSocketChannel");
    }
  }

  void reset() throws IOException {
    for (Closeable conn : connections) conn.close();
    connections.clear();
    if (listener != null) listener.close();
    listener = null;
  }

  Listener needListener() throws Unsupported {
    if (listener == null) throw new Unsupported("no listener in this cell");
    return listener;
  }

  /**
   * Listens, then starts HOLD with ProcessBuilder as a Java server would,
   * stdin the harness's descriptor 3 (opened again by its /dev/fd name:
   * Java has no other way to name it), stdout a pipe.
   */
  String inherit(String[] words) throws Unsupported, IOException {
    if (File.separatorChar != '/')
      throw new Unsupported("inherit hands descriptor 3 to the child: a Unix convention");
    if (words.length < 6)
      throw new Unsupported("expected: inherit tcp ENDPOINT OPTION PORT HOLD...");
    String[] listenArgs = java.util.Arrays.copyOfRange(words, 0, 5);
    listener = listen(listenArgs, 1);
    List<String> hold = List.of(words).subList(5, words.length);
    Process child;
    try {
      child =
          new ProcessBuilder(hold)
              .redirectInput(ProcessBuilder.Redirect.from(new File(HOLD_INPUT)))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
    } catch (IOException e) {
      System.err.println("bm-role-java: " + e.getMessage());
      return "fail spawn - -";
    }
    String line =
        new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
    child.getInputStream().close();
    if (!("ok " + child.pid()).equals(line)) {
      System.err.println("bm-role-java: the child said " + line);
      return "fail spawn - -";
    }
    return "ok " + listener.port() + " " + child.pid();
  }

  String serve(String[] words) throws Unsupported, IOException {
    switch (words[0]) {
      case "server":
        reset();
        listener = listen(words, 1);
        return "ok " + listener.port();
      case "probe":
        listen(words, 1).close();
        return "ok 0";
      case "accept":
        connections.add(needListener().accept());
        return "ok 0";
      case "count":
        return "ok " + needListener().count();
      case "close-conn":
        if (!connections.isEmpty()) connections.remove(connections.size() - 1).close();
        return "ok 0";
      case "close-listener": // the listener only: its connections stay open
        if (listener != null) listener.close();
        return "ok 0";
      case "reset":
        reset();
        return "ok 0";
      case "inherit":
        reset();
        return inherit(words);
      case "bind":
      case "listen":
        throw new Unsupported("Java binds and listens in one call: no bound-only socket");
      default:
        throw new Unsupported("a listener role: no request " + words[0]);
    }
  }

  static String errorReply(String request, IOException e) {
    String stage = e instanceof BindException ? "bind" : request.equals("server") || request.equals("probe") ? "listen" : "accept";
    String text = String.valueOf(e.getMessage());
    for (Map.Entry<String, String> known : ERROR_TEXTS.entrySet())
      if (text.startsWith(known.getKey())) return "fail " + stage + " " + known.getValue() + " -";
    System.err.println("bm-role-java: " + e);
    return "fail " + stage + " - -";
  }

  public static void main(String[] argv) throws IOException {
    BmRole cell = new BmRole();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    for (String line; (line = in.readLine()) != null; ) {
      String[] words = line.trim().split(" +");
      String answer;
      try {
        answer = cell.serve(words);
      } catch (Unsupported why) {
        System.err.println("bm-role-java: " + why.getMessage());
        answer = "fail command unsupported -";
      } catch (IOException e) {
        answer = errorReply(words[0], e);
      }
      System.out.println(answer);
      System.out.flush();
    }
    cell.reset();
    // A child started by inherit is not waited for: end of input ends us.
    System.exit(0);
  }
}
