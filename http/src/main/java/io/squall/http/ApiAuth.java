package io.squall.http;

import static akka.http.javadsl.server.Directives.optionalHeaderValueByType;
import static akka.http.javadsl.server.Directives.respondWithHeader;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call what: a route wrapped in {@link #require} answers 401 without a known bearer token
 * and 403 when the token lacks the scope; reads pass without a token while {@code open-reads} is
 * on. The tokens file is read again every {@code reload-interval}, so adding or revoking a token
 * (or a Kubernetes Secret update) needs no restart; a file that no longer reads keeps the tokens it
 * had.
 */
public final class ApiAuth {
  private static final Logger log = LoggerFactory.getLogger(ApiAuth.class);
  private static final String REALM = "squall";

  private final HttpSettings.Auth settings;
  private volatile ApiTokens tokens;
  private volatile String loaded = "";

  private ApiAuth(HttpSettings.Auth settings, ApiTokens tokens) {
    this.settings = settings;
    this.tokens = tokens;
  }

  /** The tokens of {@code settings}, reloaded on {@code system}'s scheduler. */
  public static ApiAuth create(ActorSystem<?> system, HttpSettings.Auth settings) {
    ApiAuth auth = new ApiAuth(settings, ApiTokens.none());
    settings
        .tokensFile()
        .ifPresentOrElse(
            file -> {
              auth.reload(file, true);
              system
                  .scheduler()
                  .scheduleWithFixedDelay(
                      settings.reloadInterval(),
                      settings.reloadInterval(),
                      () -> auth.reload(file, false),
                      system.executionContext());
            },
            () ->
                log.warn(
                    "Squall has no API tokens (SQUALL_API_TOKENS_FILE is not set): writes and"
                        + " administration answer 401; see the README's Security section"));
    return auth;
  }

  /** With fixed tokens and no file (tests). */
  static ApiAuth of(ApiTokens tokens, boolean openReads) {
    return new ApiAuth(new HttpSettings.Auth(Optional.empty(), openReads, null), tokens);
  }

  private void reload(Path file, boolean first) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      if (first || !loaded.isEmpty()) {
        log.warn(
            "The API tokens file {} cannot be read ({}); {}",
            file,
            e.getClass().getSimpleName(),
            loaded.isEmpty()
                ? "writes and administration answer 401 until it can"
                : "keeping its last tokens");
      }
      loaded = ""; // said once; a file back with the same lines is read again
      return;
    }
    if (text.equals(loaded)) {
      return;
    }
    try {
      tokens = ApiTokens.parse(text, file.toString());
      loaded = text;
      log.info("Squall reads {} API token(s) from {}", tokens.size(), file);
    } catch (IllegalArgumentException e) {
      if (first) {
        throw e;
      }
      log.warn(
          "The API tokens file changed but is wrong, keeping its last tokens: {}", e.getMessage());
    }
  }

  /**
   * {@code inner} for callers whose bearer token has {@code scope}; {@code what} names the call.
   */
  public Route require(Scope scope, String what, Supplier<Route> inner) {
    if (scope == Scope.READ && settings.openReads()) {
      return inner.get();
    }
    return optionalHeaderValueByType(
        Authorization.class,
        header -> {
          if (header.isEmpty()) {
            return unauthorized(
                what
                    + " needs a bearer token with the "
                    + scope.label()
                    + " scope (Authorization: Bearer <token>)"
                    + (tokens.isEmpty() ? "; this node has no tokens configured" : ""));
          }
          if (!header.get().credentials().scheme().equalsIgnoreCase("bearer")) {
            return unauthorized(
                "Squall takes bearer tokens only (Authorization: Bearer <token>), not "
                    + header.get().credentials().scheme());
          }
          Optional<ApiTokens.Entry> entry = tokens.find(header.get().credentials().token());
          if (entry.isEmpty()) {
            return unauthorized("the bearer token is not one of this node's tokens");
          }
          if (!entry.get().scopes().contains(scope)) {
            return forbidden(scope, what, entry.get());
          }
          return inner.get();
        });
  }

  private static Route unauthorized(String detail) {
    return respondWithHeader(
        WWWAuthenticate.create(HttpChallenge.create("Bearer", REALM)),
        () -> JsonSupport.error(StatusCodes.UNAUTHORIZED, "unauthorized", detail));
  }

  private static Route forbidden(Scope scope, String what, ApiTokens.Entry entry) {
    return respondWithHeader(
        WWWAuthenticate.create(
            HttpChallenge.create(
                "Bearer", REALM, Map.of("error", "insufficient_scope", "scope", scope.label()))),
        () ->
            JsonSupport.error(
                StatusCodes.FORBIDDEN,
                "forbidden",
                "token '"
                    + entry.name()
                    + "' may not do this: "
                    + what
                    + " needs the "
                    + scope.label()
                    + " scope"));
  }
}
