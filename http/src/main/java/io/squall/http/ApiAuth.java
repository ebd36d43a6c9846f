package io.squall.http;

import static akka.http.javadsl.server.Directives.optionalHeaderValueByType;
import static akka.http.javadsl.server.Directives.respondWithHeader;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Authorization;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  /** The file's text that {@link #tokens} came from; null when nothing was read. */
  private String loaded;

  /** What the last warning was about, so that a state is told once, not every reload. */
  private String warned;

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
                      () -> auth.reloadQuietly(file),
                      system.dispatchers().lookup(DispatcherSelector.blocking()));
            },
            () ->
                log.warn(
                    "Squall has no API tokens (SQUALL_API_TOKENS_FILE is not set): writes and"
                        + " administration answer 401; see docs/security.md"));
    return auth;
  }

  /** With fixed tokens and no file (tests). */
  static ApiAuth of(ApiTokens tokens, boolean openReads) {
    return new ApiAuth(new HttpSettings.Auth(Optional.empty(), openReads, null), tokens);
  }

  /** A reload that never ends the schedule: a failure is logged and the next reload tries again. */
  private void reloadQuietly(Path file) {
    try {
      reload(file, false);
    } catch (RuntimeException e) {
      log.error("Squall could not read the API tokens file {} again", file, e);
    }
  }

  /**
   * Reads {@code file} if it changed. A file that does not exist means no tokens (deleting it
   * revokes them all); one that cannot be read or parsed keeps the tokens there were, except at
   * start, where a wrong line stops the node.
   */
  synchronized void reload(Path file, boolean first) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      tokens = ApiTokens.none();
      loaded = null;
      warnOnce(
          "missing",
          "The API tokens file {} does not exist: no tokens, writes and administration answer 401",
          file);
      return;
    } catch (IOException e) {
      warnOnce(
          "unreadable " + e,
          "The API tokens file {} cannot be read ({}); keeping its last tokens",
          file,
          e.toString());
      return;
    }
    if (text.equals(loaded)) {
      return;
    }
    try {
      tokens = ApiTokens.parse(text, file.toString());
      loaded = text;
      warned = null;
      log.info("Squall reads {} API token(s) from {}", tokens.size(), file);
    } catch (IllegalArgumentException e) {
      if (first) {
        throw e;
      }
      warnOnce(
          "wrong " + text,
          "The API tokens file changed but is wrong, keeping its last tokens: {}",
          e.getMessage());
    }
  }

  private void warnOnce(String state, String message, Object... arguments) {
    if (!state.equals(warned)) {
      warned = state;
      log.warn(message, arguments);
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
