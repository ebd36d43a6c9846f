package io.squall.persistence;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.Optional;

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
   * What a user needs to hear when {@code failure} is Cassandra refusing Squall's credentials;
   * empty for any other failure.
   */
  public static Optional<String> refusal(Throwable failure, List<String> contactPoints) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      Optional<AuthenticationException> refused = authentication(cause);
      if (refused.isPresent()) {
        return Optional.of(
            "Cassandra at "
                + String.join(",", contactPoints)
                + " refused Squall's credentials (authentication failed: "
                + refused.get().getMessage()
                + ")");
      }
    }
    return Optional.empty();
  }

  private static Optional<AuthenticationException> authentication(Throwable cause) {
    if (cause instanceof AuthenticationException refused) {
      return Optional.of(refused);
    }
    if (cause instanceof AllNodesFailedException all) {
      return all.getAllErrors().values().stream()
          .flatMap(List::stream)
          .filter(AuthenticationException.class::isInstance)
          .map(AuthenticationException.class::cast)
          .findFirst();
    }
    return Optional.empty();
  }
}
