package io.squall.node;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.Config;
import io.squall.persistence.testing.NoaaFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints the API's figures on a real node over real Kafka and Cassandra: freshness (a reading's
 * POST to its daily row answering with it, p50/p99 under a steady load), then requests/s and
 * latency of live state and a 31-day daily query at a fixed concurrency. Needs {@code bin/infra
 * start}.
 */
public final class ApiBenchmark {
  private static final String SFO = "724940:23234";
  private static final int POLLERS = 4;
  private static final long POLL_MILLIS = 50;
  private static final Duration FRESHNESS_WARM_UP = Duration.ofSeconds(10);
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      throw new IllegalStateException(
          "the common pool has fewer than 2 threads, unlike a node's (CommonPool): run this through"
              + " bin/squall bench api");
    }
    Config config = TestNode.config("bench_api", "akka.loglevel = WARNING");
    ActorTestKit testKit = ActorTestKit.create("ApiBenchmark", config);
    try {
      Main.Node node = Main.init(testKit.system(), NodeSettings.create(config));
      int port =
          node.http().toCompletableFuture().get(60, TimeUnit.SECONDS).localAddress().getPort();
      String api = "http://127.0.0.1:" + port + "/api/v1";
      node.aggregates().toCompletableFuture().get(120, TimeUnit.SECONDS);

      List<String> lines = NoaaFile.lines(NoaaFile.bundled("sf-2008.csv.gz"));
      for (int from = 0; from < lines.size(); from += 2000) {
        post(api, String.join("\n", lines.subList(from, Math.min(from + 2000, lines.size()))));
      }
      while (status(api + "/devices/" + SFO + "/monthly?metric=temperature&year=2008") != 200
          || !body(api + "/devices/" + SFO + "/monthly?metric=temperature&year=2008")
              .contains("2008-12")) {
        Thread.sleep(500);
      }
      Thread.sleep(3000);

      freshness(api, perSecond, Duration.ofSeconds(60));
      load(
          "GET /api/v1/devices/{id} (live state)",
          api + "/devices/" + SFO,
          concurrency,
          Duration.ofSeconds(20));
      load(
          "GET daily, 31 days",
          api + "/devices/" + SFO + "/daily?metric=temperature&from=2008-07-01&to=2008-07-31",
          concurrency,
          Duration.ofSeconds(20));
    } finally {
      testKit.shutdownTestKit();
    }
    System.exit(0);
  }

  /**
   * Readings of fresh devices, one every {@code 1/perSecond} by the clock (a slow POST delays none
   * of the next), each timed from its POST to its live state and to its daily row; those of the
   * first {@link #FRESHNESS_WARM_UP} are sent but not counted (the node's code paths for new
   * devices compile then).
   */
  private static void freshness(String api, int perSecond, Duration duration) throws Exception {
    List<Double> millis = Collections.synchronizedList(new ArrayList<>());
    List<Double> liveMillis = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> watchers = new ArrayList<>();
    ScheduledExecutorService pollers = Executors.newScheduledThreadPool(POLLERS);
    long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
    long start = System.nanoTime();
    int n = 0;
    long warmUp = FRESHNESS_WARM_UP.toNanos();
    while (n * period < warmUp + duration.toNanos()) {
      boolean counted = n * period >= warmUp;
      long due = start + n * period;
      while (System.nanoTime() < due) {
        Thread.sleep(1);
      }
      String device = "fresh-" + n++;
      String json =
          "{\"device\":\""
              + device
              + "\",\"timestamp\":\"2024-03-01T12:00:00Z\",\"metrics\":{\"temperature\":21.5}}";
      long t0 = System.nanoTime();
      CompletableFuture<HttpResponse<String>> posted =
          CLIENT.sendAsync(
              HttpRequest.newBuilder(URI.create(api + "/readings"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + TestNode.TOKEN)
                  .POST(HttpRequest.BodyPublishers.ofString(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String live = api + "/devices/" + device;
      String query =
          api + "/devices/" + device + "/daily?metric=temperature&from=2024-03-01&to=2024-03-01";
      CompletableFuture<Void> seen = new CompletableFuture<>();
      watchers.add(seen);
      posted.whenComplete(
          (response, failure) -> {
            if (failure != null || response.statusCode() != 202) {
              seen.completeExceptionally(
                  failure != null
                      ? failure
                      : new IllegalStateException(
                          "POST answered " + response.statusCode() + " " + response.body()));
              return;
            }
            new Watch(
                    live,
                    query,
                    t0,
                    counted ? liveMillis : new ArrayList<>(),
                    counted ? millis : new ArrayList<>(),
                    seen,
                    pollers,
                    new AtomicBoolean())
                .start();
          });
    }
    double seconds = (System.nanoTime() - start - warmUp) / 1e9;
    CompletableFuture.allOf(watchers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    pollers.shutdown();
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(
        "freshness, POST -> daily row answers with it, %d readings in %.0f s (%.1f/s): p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        sorted.size(),
        seconds,
        sorted.size() / seconds,
        pct(sorted, 0.50),
        pct(sorted, 0.99),
        sorted.get(sorted.size() - 1));
    List<Double> liveSorted = new ArrayList<>(liveMillis);
    Collections.sort(liveSorted);
    System.out.printf(
        "  of which POST -> live state answers with it: p50 %.0f ms, p99 %.0f ms (each polled every %d ms, at most %d GETs at once)%n",
        pct(liveSorted, 0.50), pct(liveSorted, 0.99), POLL_MILLIS, POLLERS);
  }

  /**
   * Polls a reading's live state, then its daily row, every {@value #POLL_MILLIS} ms on {@value
   * #POLLERS} shared threads, so the benchmark's own GETs stay bounded however far behind the node
   * falls. (A thread per reading polling on its own made thousands of GETs a second once readings
   * queued, and then measured mostly itself.)
   */
  private record Watch(
      String live,
      String query,
      long t0,
      List<Double> liveMillis,
      List<Double> millis,
      CompletableFuture<Void> seen,
      ScheduledExecutorService pollers,
      AtomicBoolean liveSeen) {
    void start() {
      pollers.execute(this::poll);
    }

    private void poll() {
      try {
        if (!liveSeen.get() && body(live).contains("\"readings\":1")) {
          liveSeen.set(true);
          liveMillis.add((System.nanoTime() - t0) / 1e6);
        }
        if (liveSeen.get() && body(query).contains("\"count\":1")) {
          millis.add((System.nanoTime() - t0) / 1e6);
          seen.complete(null);
          return;
        }
        pollers.schedule(this::poll, POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        seen.completeExceptionally(e);
      }
    }
  }

  /** {@code concurrency} clients asking {@code uri} back to back for {@code duration}. */
  private static void load(String label, String uri, int concurrency, Duration duration)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).GET().build();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong errors = new AtomicLong();
    long warmEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    long end = warmEnd + duration.toNanos();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      Thread client =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  long t0 = System.nanoTime();
                  try {
                    int status =
                        CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                    if (status != 200) {
                      errors.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                  if (t0 > warmEnd) {
                    latencies.add((System.nanoTime() - t0) / 1e6);
                  }
                }
              });
      client.start();
      clients.add(client);
    }
    for (Thread client : clients) {
      client.join();
    }
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf(
        "%s, concurrency %d, %d s: %,.0f req/s, p50 %.1f ms, p99 %.1f ms, errors %d%n",
        label,
        concurrency,
        duration.toSeconds(),
        sorted.size() / (double) duration.toSeconds(),
        pct(sorted, 0.50),
        pct(sorted, 0.99),
        errors.get());
  }

  private static double pct(List<Double> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
  }

  private static void post(String api, String csv) throws Exception {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(api + "/readings"))
                .header("Content-Type", "text/csv")
                .header("Authorization", "Bearer " + TestNode.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(csv))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException(
          "POST answered " + response.statusCode() + " " + response.body());
    }
  }

  private static int status(String uri) throws Exception {
    return CLIENT
        .send(
            HttpRequest.newBuilder(URI.create(uri)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String body(String uri) throws Exception {
    return CLIENT
        .send(
            HttpRequest.newBuilder(URI.create(uri)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
