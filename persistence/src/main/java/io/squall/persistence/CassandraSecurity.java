package io.squall.persistence;

import akka.stream.alpakka.cassandra.DriverConfigLoaderFromConfig;
import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Switches on the driver's own authentication and TLS for every Cassandra session of Squall: its
 * {@code PlainTextAuthProvider} when {@code advanced.auth-provider.username} is set, its {@code
 * DefaultSslEngineFactory} when {@code squall.cassandra.tls} is on. A driver setting alone cannot
 * say "only when a username is given".
 */
public final class CassandraSecurity {
  private static final String AUTH = "advanced.auth-provider";
  private static final String SSL = "advanced.ssl-engine-factory";

  private CassandraSecurity() {}

  /**
   * {@code driver} (a {@code datastax-java-driver} section) with auth and TLS as {@code root} asks.
   */
  public static Config driverConfig(Config driver, Config root) {
    Config result = driver;
    if (driver.hasPath(AUTH + ".username") && !driver.hasPath(AUTH + ".class")) {
      if (!driver.hasPath(AUTH + ".password")) {
        throw new ConfigException.BadValue(
            "datastax-java-driver." + AUTH + ".password",
            "must be set when the username is (SQUALL_CASSANDRA_PASSWORD)");
      }
      result =
          result.withValue(AUTH + ".class", ConfigValueFactory.fromAnyRef("PlainTextAuthProvider"));
    }
    if (root.getBoolean("squall.cassandra.tls") && !driver.hasPath(SSL + ".class")) {
      result =
          result.withValue(
              SSL + ".class", ConfigValueFactory.fromAnyRef("DefaultSslEngineFactory"));
    }
    return result;
  }

  /**
   * Why no session of {@code root}'s {@code datastax-java-driver} connects, if Cassandra refused
   * its credentials or certificate: a throwaway session, built on {@code executor} (it resolves the
   * contact points), that tries each contact point once and is closed once it connects, however
   * late. The node's own sessions retry their first connection forever ({@code reconnect-on-init}),
   * so to them a refusal looks like a timeout. Empty when it connects, or fails for another reason.
   */
  public static CompletionStage<Optional<String>> diagnose(Config root, Executor executor) {
    Config driver =
        driverConfig(root.getConfig("datastax-java-driver"), root)
            .withValue("advanced.reconnect-on-init", ConfigValueFactory.fromAnyRef(false))
            .withValue(
                "advanced.metrics.factory.class",
                ConfigValueFactory.fromAnyRef("DefaultMetricsFactory"))
            .withValue(
                "advanced.metrics.session.enabled", ConfigValueFactory.fromIterable(List.of()))
            .withValue("advanced.metrics.node.enabled", ConfigValueFactory.fromIterable(List.of()));
    List<String> contactPoints = driver.getStringList("basic.contact-points");
    CompletableFuture<CqlSession> session =
        CompletableFuture.supplyAsync(
                () ->
                    CqlSession.builder()
                        .withConfigLoader(DriverConfigLoaderFromConfig.fromConfig(driver))
                        .buildAsync(),
                executor)
            .thenCompose(building -> building);
    session.thenAccept(CqlSession::closeAsync);
    return session.handle(
        (connected, failure) ->
            connected != null ? Optional.<String>empty() : refusal(failure, contactPoints));
  }

  /**
   * What a user needs to hear when {@code failure} is Cassandra refusing Squall's credentials, or a
   * failed TLS handshake with it; empty for any other failure.
   */
  public static Optional<String> refusal(Throwable failure, List<String> contactPoints) {
    String server = "Cassandra at " + String.join(",", contactPoints);
    List<Throwable> errors = errors(failure);
    for (Throwable error : errors) {
      if (error instanceof AuthenticationException refused) {
        return Optional.of(
            server
                + " refused Squall's credentials (authentication failed: "
                + refused.getMessage()
                + ")");
      }
    }
    return errors.stream()
        .flatMap(
            error ->
                TlsFailures.explain(
                    error, server, "SQUALL_CASSANDRA_TRUSTSTORE", "SQUALL_CASSANDRA_KEYSTORE")
                    .stream())
        .findFirst();
  }

  /** {@code failure}'s causes, and each node's errors where the driver tried several. */
  private static List<Throwable> errors(Throwable failure) {
    List<Throwable> errors = new ArrayList<>();
    for (Throwable cause = failure;
        cause != null && !errors.contains(cause);
        cause = cause.getCause()) {
      errors.add(cause);
      if (cause instanceof AllNodesFailedException all) {
        all.getAllErrors().values().forEach(errors::addAll);
      }
    }
    return errors;
  }
}
