package io.squall.multijvm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A lean HTTP/1.1 load generator: keep-alive GETs from one selector thread, cheap enough to leave a
 * small machine to the node it measures. In the open loop each stream sends at its own rate
 * whatever the answers do, and a request's latency counts from when it was due, not from when a
 * connection was free to send it: a stall shows in full instead of slowing the load down
 * (coordinated omission). In the closed loop each connection sends again as soon as it is answered:
 * what the server serves at most.
 */
final class OpenLoop {
  /** How long requests asked before the end may still be answered. */
  static final Duration GRACE = Duration.ofSeconds(10);

  static final int MAX_CONNECTIONS = 512;

  /** The longest the selector sleeps without a reason to wake. */
  private static final long MAX_WAIT_NANOS = 100_000_000;

  /** A kind of request, sent at {@code perSecond}, each to the next path of {@code paths}. */
  record Stream(String kind, double perSecond, Supplier<String> paths) {}

  /** What one stream asked and got; latencies in microseconds. */
  static final class Result {
    final String kind;

    /** The rate asked, NaN in the closed loop. */
    final double askedPerSecond;

    final Histogram latency = new Histogram(3);

    /**
     * How late requests were written after they were due (open loop): waiting for a connection
     * under the cap, or the generator itself behind.
     */
    final Histogram late = new Histogram(3);

    long asked;
    long completed;
    long ok;
    long notFound;
    long other;

    /** Requests whose connection failed or closed before their answer. */
    long failed;

    /**
     * From the start to the end, or to the last answer when that came after it (a server behind
     * answers in the grace): what {@link #perSecond} divides by.
     */
    double seconds;

    private long lastAnswer;

    private Result(String kind, double askedPerSecond) {
      this.kind = kind;
      this.askedPerSecond = askedPerSecond;
    }

    long unanswered() {
      return asked - completed - failed;
    }

    double perSecond() {
      return completed / seconds;
    }

    /** The latency at {@code percentile} (100: the longest), NaN when nothing was answered. */
    double millis(double percentile) {
      return completed == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }

    String statuses() {
      String statuses = String.format("2xx %,d, 404 %,d, other %,d", ok, notFound, other);
      if (failed > 0) {
        statuses += String.format(", failed %,d", failed);
      }
      if (unanswered() > 0) {
        statuses += String.format(", unanswered %,d", unanswered());
      }
      return statuses;
    }

    @Override
    public String toString() {
      return String.format(
          "%-8s %s got %,8.0f/s  p50 %7.2f  p99 %7.2f  p99.9 %7.2f  max %8.1f ms  (%s)",
          kind,
          Double.isNaN(askedPerSecond)
              ? String.format("%,d requests", asked)
              : String.format("asked %,7.0f/s", askedPerSecond),
          perSecond(),
          millis(50),
          millis(99),
          millis(99.9),
          millis(100),
          statuses());
    }
  }

  private record Request(int stream, long due, byte[] bytes) {}

  private final InetSocketAddress address;
  private final String prefix;
  private final String host;
  private final List<Stream> streams;
  private final Result[] results;

  /** Per stream, the index of its next request (open loop). */
  private final long[] next;

  private final boolean closedLoop;
  private final int maxConnections;
  private final Selector selector;
  private final Thread thread;
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();

  /** Connections without a request, the last one freed first: the fewest stay busy. */
  private final ArrayDeque<Connection> idle = new ArrayDeque<>();

  private final ByteBuffer input = ByteBuffer.allocate(64 * 1024);
  private final Consumer<SelectionKey> onReady = this::ready;
  private final long start;
  private int open;
  private volatile long stopAt = Long.MAX_VALUE;
  private volatile Throwable failure;

  private OpenLoop(URI base, List<Stream> streams, boolean closedLoop, int maxConnections)
      throws IOException {
    this.address = new InetSocketAddress(base.getHost(), base.getPort());
    this.prefix = base.getRawPath().replaceFirst("/$", "");
    this.host = base.getHost() + ":" + base.getPort();
    this.streams = streams;
    this.results = new Result[streams.size()];
    for (int i = 0; i < results.length; i++) {
      Stream stream = streams.get(i);
      results[i] = new Result(stream.kind(), closedLoop ? Double.NaN : stream.perSecond());
    }
    this.next = new long[streams.size()];
    this.closedLoop = closedLoop;
    this.maxConnections = maxConnections;
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "open-loop");
    thread.setDaemon(true);
    this.start = System.nanoTime();
    thread.start();
  }

  /** Starts {@code streams} against the server of {@code base}, their paths under its path. */
  static OpenLoop start(URI base, List<Stream> streams) throws IOException {
    for (Stream stream : streams) {
      if (!(stream.perSecond() > 0)) {
        throw new IllegalArgumentException(stream.kind() + ": a rate must be above 0");
      }
    }
    return new OpenLoop(base, streams, false, MAX_CONNECTIONS);
  }

  /** {@code streams} for {@code duration}, then their results once answered (or {@link #GRACE}). */
  static List<Result> run(URI base, List<Stream> streams, Duration duration) throws IOException {
    OpenLoop load = start(base, streams);
    Harness.sleep(duration);
    return load.stop();
  }

  /** The closed loop: {@code connections} each sending the next request once answered. */
  static Result saturate(
      URI base, String kind, Supplier<String> paths, int connections, Duration duration)
      throws IOException {
    OpenLoop load = new OpenLoop(base, List.of(new Stream(kind, 0, paths)), true, connections);
    Harness.sleep(duration);
    return load.stop().get(0);
  }

  /** Asks nothing more, waits for the answers still due, and returns each stream's figures. */
  List<Result> stop() {
    if (stopAt == Long.MAX_VALUE) {
      stopAt = System.nanoTime();
    }
    selector.wakeup();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (failure != null) {
      throw new IllegalStateException("the load generator failed", failure);
    }
    for (Result result : results) {
      result.seconds = Bench.seconds(Math.max(stopAt, result.lastAnswer) - start);
    }
    return List.of(results);
  }

  private void run() {
    try {
      if (closedLoop) {
        for (int i = 0; i < maxConnections; i++) {
          waiting.add(request(0, start));
        }
      }
      loop();
    } catch (Throwable e) {
      failure = e;
    } finally {
      for (SelectionKey key : selector.keys()) {
        ((Connection) key.attachment()).close();
      }
      try {
        selector.close();
      } catch (IOException e) {
        // nothing more to do with it
      }
    }
  }

  private void loop() throws IOException {
    while (true) {
      long now = System.nanoTime();
      long stop = stopAt;
      if (!closedLoop) {
        release(Math.min(now, stop - 1));
      }
      dispatch(now);
      long wake = now + MAX_WAIT_NANOS;
      if (now >= stop) {
        if (open == idle.size() && waiting.isEmpty() || now >= stop + GRACE.toNanos()) {
          return;
        }
        wake = Math.min(wake, stop + GRACE.toNanos());
      } else {
        wake = Math.min(wake, Math.min(stop, closedLoop ? Long.MAX_VALUE : nextDue()));
      }
      // the selector sleeps whole milliseconds: a request may be written up to one late
      long millis = (wake - now + 999_999) / 1_000_000;
      if (millis <= 0) {
        selector.selectNow(onReady);
      } else {
        selector.select(onReady, millis);
      }
    }
  }

  private long due(int stream, long index) {
    return start + (long) (index * 1e9 / streams.get(stream).perSecond());
  }

  private long nextDue() {
    long due = Long.MAX_VALUE;
    for (int i = 0; i < next.length; i++) {
      due = Math.min(due, due(i, next[i]));
    }
    return due;
  }

  /** Queues every request due by {@code until}. */
  private void release(long until) {
    for (int i = 0; i < next.length; i++) {
      for (long due = due(i, next[i]); due <= until; due = due(i, ++next[i])) {
        waiting.add(request(i, due));
      }
    }
  }

  private Request request(int stream, long due) {
    results[stream].asked++;
    String path = streams.get(stream).paths().get();
    String head = "GET " + prefix + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
    return new Request(stream, due, head.getBytes(StandardCharsets.US_ASCII));
  }

  /** Writes waiting requests on idle connections, opening new ones up to the cap. */
  private void dispatch(long now) {
    while (!waiting.isEmpty()) {
      Connection connection = idle.pollFirst();
      if (connection == null) {
        if (open >= maxConnections) {
          return;
        }
        connection = new Connection();
      }
      connection.send(waiting.poll(), now);
    }
  }

  private void ready(SelectionKey key) {
    Connection connection = (Connection) key.attachment();
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isConnectable()) {
        connection.channel.finishConnect();
        key.interestOps(SelectionKey.OP_READ);
        connection.flush();
      }
      if (key.isValid() && key.isWritable()) {
        connection.flush();
      }
      if (key.isValid() && key.isReadable()) {
        connection.read();
      }
    } catch (IOException e) {
      connection.failed();
    }
  }

  private void answered(Request request, int status, long now) {
    Result result = results[request.stream()];
    result.completed++;
    result.lastAnswer = now;
    if (status / 100 == 2) {
      result.ok++;
    } else if (status == 404) {
      result.notFound++;
    } else {
      result.other++;
    }
    result.latency.recordValue(Math.max(0, (now - request.due()) / 1000));
    if (closedLoop && now < stopAt) {
      waiting.add(request(0, now));
    }
  }

  /** One keep-alive connection, with at most one request in flight. */
  private final class Connection {
    final SocketChannel channel;
    final SelectionKey key;
    final Response response = new Response();
    Request request;
    ByteBuffer out;

    /** Responses read whole on this connection, and bytes of the current one. */
    long served;

    long received;

    boolean connected;
    boolean closed;

    Connection() {
      open++;
      SocketChannel opened = null;
      SelectionKey registered = null;
      try {
        opened = SocketChannel.open();
        opened.configureBlocking(false);
        opened.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connected = opened.connect(address);
        registered =
            opened.register(
                selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
      } catch (IOException e) {
        // send() fails the request: the server is not there
      }
      this.channel = opened;
      this.key = registered;
    }

    void send(Request next, long now) {
      request = next;
      received = 0;
      out = ByteBuffer.wrap(next.bytes());
      if (!closedLoop) {
        results[next.stream()].late.recordValue(Math.max(0, (now - next.due()) / 1000));
      }
      if (key == null) {
        failed();
        return;
      }
      try {
        if (connected) {
          flush();
        }
      } catch (IOException e) {
        failed();
      }
    }

    void flush() throws IOException {
      connected = true;
      if (out == null) {
        return;
      }
      channel.write(out);
      if (out.hasRemaining()) {
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      } else {
        out = null;
        if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
          key.interestOps(SelectionKey.OP_READ);
        }
      }
    }

    void read() throws IOException {
      int n = channel.read(input.clear());
      if (n < 0) {
        if (request != null && response.untilClose()) {
          done(false);
        } else {
          failed();
        }
        return;
      }
      if (request == null) {
        // a server talks only when asked: whatever this is, the connection is not usable
        close();
        return;
      }
      received += n;
      int end = response.feed(input.array(), 0, n);
      if (end >= 0) {
        done(end == n && !response.close);
      }
    }

    /** The current response is whole: counts it, then frees or closes the connection. */
    private void done(boolean reusable) {
      Request answeredRequest = request;
      int status = response.status;
      request = null;
      served++;
      response.reset();
      if (reusable) {
        idle.push(this);
      } else {
        close();
      }
      long now = System.nanoTime();
      answered(answeredRequest, status, now);
      dispatch(now);
    }

    /**
     * The connection broke: a request sent on a connection that served before and got no byte back
     * is sent again (the server may have closed it as idle just then; each such retry closes one
     * connection, so they end), else it failed.
     */
    void failed() {
      Request lost = request;
      request = null;
      close();
      if (lost == null) {
        return;
      }
      if (served > 0 && received == 0) {
        waiting.addFirst(lost);
      } else {
        results[lost.stream()].failed++;
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (request == null) {
        idle.remove(this);
      }
      open--;
      if (key != null) {
        key.cancel();
      }
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // closed as far as this side is concerned
      }
    }
  }

  /**
   * Just enough of an HTTP/1.1 response: its status, where it ends (Content-Length, chunks, or the
   * connection's close), and whether the connection stays open after it.
   */
  static final class Response {
    private static final int STATUS = 0;
    private static final int HEADERS = 1;
    private static final int BODY = 2;
    private static final int CHUNK_SIZE = 3;
    private static final int CHUNK = 4;
    private static final int TRAILERS = 5;
    private static final int UNTIL_CLOSE = 6;
    private static final int MAX_LINE = 64 * 1024;

    int status;
    boolean close;
    private int state;
    private long length;
    private boolean chunked;
    private long remaining;
    private byte[] line = new byte[256];
    private int lineLength;

    Response() {
      reset();
    }

    void reset() {
      state = STATUS;
      status = 0;
      close = false;
      length = -1;
      chunked = false;
      lineLength = 0;
    }

    /** Whether the body ends with the connection (no length, not chunked). */
    boolean untilClose() {
      return state == UNTIL_CLOSE;
    }

    /**
     * Reads {@code bytes[from, to)}; answers the position right after the response once it is
     * whole, else -1.
     */
    int feed(byte[] bytes, int from, int to) throws ProtocolException {
      int at = from;
      while (at < to) {
        if (state == BODY || state == CHUNK) {
          int skipped = (int) Math.min(remaining, to - at);
          at += skipped;
          remaining -= skipped;
          if (remaining == 0) {
            if (state == BODY) {
              return at;
            }
            state = CHUNK_SIZE;
          }
        } else if (state == UNTIL_CLOSE) {
          at = to;
        } else {
          int end = at;
          while (end < to && bytes[end] != '\n') {
            end++;
          }
          append(bytes, at, end);
          if (end == to) {
            return -1;
          }
          at = end + 1;
          if (line()) {
            return at;
          }
        }
      }
      return -1;
    }

    private void append(byte[] bytes, int from, int to) throws ProtocolException {
      int length = to - from;
      if (lineLength + length > line.length) {
        if (lineLength + length > MAX_LINE) {
          throw new ProtocolException("a response line longer than " + MAX_LINE + " bytes");
        }
        line = Arrays.copyOf(line, Math.max(2 * line.length, lineLength + length));
      }
      System.arraycopy(bytes, from, line, lineLength, length);
      lineLength += length;
    }

    /** Takes the line just read (without its CRLF); answers whether the response is whole. */
    private boolean line() throws ProtocolException {
      int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
      lineLength = 0;
      switch (state) {
        case STATUS -> {
          if (n < 12 || line[0] != 'H' || line[4] != '/' || line[8] != ' ') {
            throw new ProtocolException("not a status line: " + text(0, n));
          }
          status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
          close = line[7] == '0'; // HTTP/1.0 closes unless it says keep-alive
          state = HEADERS;
          return false;
        }
        case HEADERS -> {
          return n == 0 ? headersEnd() : header(n);
        }
        case CHUNK_SIZE -> {
          long size = 0;
          for (int i = 0; i < n && line[i] != ';' && line[i] != ' '; i++) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
              throw new ProtocolException("not a chunk size: " + text(0, n));
            }
            size = size * 16 + digit;
          }
          if (size == 0) {
            state = TRAILERS;
          } else {
            remaining = size + 2; // the chunk, then its CRLF
            state = CHUNK;
          }
          return false;
        }
        default -> {
          return n == 0; // a trailer, or the empty line that ends them
        }
      }
    }

    private boolean header(int n) throws ProtocolException {
      if (named("content-length:", n)) {
        try {
          length = Long.parseLong(value("content-length:", n));
        } catch (NumberFormatException e) {
          throw new ProtocolException("bad " + text(0, n));
        }
      } else if (named("transfer-encoding:", n)) {
        chunked = value("transfer-encoding:", n).toLowerCase(Locale.ROOT).contains("chunked");
      } else if (named("connection:", n)) {
        String value = value("connection:", n).toLowerCase(Locale.ROOT);
        if (value.contains("close")) {
          close = true;
        } else if (value.contains("keep-alive")) {
          close = false;
        }
      }
      return false;
    }

    private boolean headersEnd() {
      if (status / 100 == 1) {
        state = STATUS; // 100 Continue and the like: the response follows
        return false;
      }
      if (status == 204 || status == 304) {
        return true;
      }
      if (chunked) {
        state = CHUNK_SIZE;
      } else if (length >= 0) {
        remaining = length;
        state = BODY;
        return length == 0;
      } else {
        state = UNTIL_CLOSE;
        close = true;
      }
      return false;
    }

    /** Whether the line starts with {@code name} (lower case), in any case. */
    private boolean named(String name, int n) {
      if (n < name.length()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        if ((line[i] | 0x20) != name.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    private String value(String name, int n) {
      return text(name.length(), n).trim();
    }

    private String text(int from, int to) {
      return new String(line, from, to - from, StandardCharsets.US_ASCII);
    }
  }
}
