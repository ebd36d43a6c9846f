package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.server.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    Files.writeString(file, line(first, "first"));
    ApiAuth auth =
        ApiAuth.create(
            testKit.system(),
            new HttpSettings.Auth(Optional.of(file), true, Duration.ofMillis(100)));
    Route route = auth.require(Scope.WRITE, "POST /", () -> complete("written"));
    assertEquals(200, status(route, first));
    assertEquals(401, status(route, second));

    // rotate: the new token is added, then the old one removed
    Files.writeString(file, line(first, "first") + line(second, "second"));
    awaitStatus(route, second, 200);
    Files.writeString(file, line(second, "second"));
    awaitStatus(route, first, 401);

    // a typo keeps the tokens there were
    Files.writeString(file, line(second, "second") + "sha256:oops write typo\n");
    Thread.sleep(500);
    assertEquals(200, status(route, second));

    // an emptied file, then a deleted one, leave no token at all
    Files.writeString(file, "");
    awaitStatus(route, second, 401);
    Files.writeString(file, line(second, "second"));
    awaitStatus(route, second, 200);
    Files.delete(file);
    awaitStatus(route, second, 401);
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
