package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.server.Route;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The tokens file as an operator edits it while a node runs: issue, revoke, a typo, deletion. */
class ApiTokensReloadTest {
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("ApiTokensReloadTest");
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String line(String token, String name) {
    return ApiTokens.line(token, EnumSet.of(Scope.WRITE), name) + "\n";
  }

  private static int status(Route route, String token) throws Exception {
    return route
        .handler(testKit.system())
        .apply(HttpRequest.POST("/").addHeader(Authorization.oauth2(token)))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .status()
        .intValue();
  }

  /**
   * Replaces {@code file}'s text in one rename, as Kubernetes updates a mounted Secret: a reload
   * never reads it half written (an empty file would revoke every token).
   */
  private static void write(Path file, String text) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, text);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The warnings logged so far. */
  private static List<String> warnings(ListAppender<ILoggingEvent> log) {
    synchronized (log) {
      return log.list.stream()
          .filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** Waits (up to 5 s, the file is read every 100 ms) until {@code token} answers {@code code}. */
  private static void awaitStatus(Route route, String token, int code) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (status(route, token) != code && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(code, status(route, token));
  }

  @Test
  void shouldFollowTheFileWithoutARestartAndFailClosedWhenItIsGone() throws Exception {
    Path file = Files.createTempDirectory("squall-tokens").resolve("tokens");
    String first = ApiTokens.newToken();
    String second = ApiTokens.newToken();
    write(file, line(first, "first"));
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(ApiAuth.class);
    logger.addAppender(log);
    try {
      ApiAuth auth =
          ApiAuth.create(
              testKit.system(),
              new HttpSettings.Auth(Optional.of(file), true, Duration.ofMillis(100)));
      Route route = auth.require(Scope.WRITE, "POST /", () -> complete("written"));
      assertEquals(200, status(route, first));
      assertEquals(401, status(route, second));

      // rotate: the new token is added, then the old one removed
      write(file, line(first, "first") + line(second, "second"));
      awaitStatus(route, second, 200);
      write(file, line(second, "second"));
      awaitStatus(route, first, 401);

      // a typo keeps the tokens there were, once a reload has read it and said so
      write(file, line(second, "second") + "sha256:oops write typo\n");
      String typo = "keeping its last tokens: " + file + " line 2: ";
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (warnings(log).stream().noneMatch(w -> w.contains(typo))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          warnings(log).stream().anyMatch(w -> w.contains(typo)),
          "no reload read the typo within 10 s; warnings: " + warnings(log));
      assertEquals(200, status(route, second), "the token the file had before the typo");
      assertEquals(401, status(route, first), "a token revoked before the typo");

      // an emptied file, then a deleted one, leave no token at all
      write(file, "");
      awaitStatus(route, second, 401);
      write(file, line(second, "second"));
      awaitStatus(route, second, 200);
      Files.delete(file);
      awaitStatus(route, second, 401);
    } finally {
      logger.detachAppender(log);
    }
  }

  @Test
  void shouldRefuseToStartWithAWrongLine() throws Exception {
    Path file = Files.createTempFile("squall-tokens", "");
    Files.writeString(file, "sqt_in_clear write ops\n");

    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ApiAuth.create(
                    testKit.system(),
                    new HttpSettings.Auth(Optional.of(file), true, Duration.ofSeconds(10))));
    assertTrue(error.getMessage().startsWith(file + " line 1: "), error.getMessage());
  }
}
