package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.internal.core.metadata.DefaultEndPoint;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSecurityTest {
  private static Config root(String... lines) {
    return ConfigFactory.parseString(String.join("\n", lines))
        .withFallback(ConfigFactory.parseResources("persistence.conf"))
        .withFallback(
            ConfigFactory.parseString("akka.cluster.split-brain-resolver.stable-after=20s"))
        .resolve();
  }

  private static Config driver(Config root) {
    return CassandraSecurity.driverConfig(root.getConfig("datastax-java-driver"), root);
  }

  @Test
  void shouldLeaveAuthenticationAndTlsOffByDefault() {
    Config driver = driver(root());
    assertFalse(driver.hasPath("advanced.auth-provider.class"));
    assertFalse(driver.hasPath("advanced.ssl-engine-factory.class"));
  }

  @Test
  void shouldUseThePlainTextAuthProviderWhenAUsernameIsSet() {
    Config driver =
        driver(
            root(
                "datastax-java-driver.advanced.auth-provider.username = squall",
                "datastax-java-driver.advanced.auth-provider.password = secret"));
    assertEquals("PlainTextAuthProvider", driver.getString("advanced.auth-provider.class"));
    assertEquals("squall", driver.getString("advanced.auth-provider.username"));
  }

  @Test
  void shouldRefuseAUsernameWithoutPasswordNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> driver(root("datastax-java-driver.advanced.auth-provider.username = squall")));
    assertTrue(e.getMessage().contains("advanced.auth-provider.password"), e.getMessage());
  }

  @Test
  void shouldUseTheDefaultSslEngineFactoryWhenTlsIsOn() {
    Config driver =
        driver(
            root(
                "squall.cassandra.tls = on",
                "datastax-java-driver.advanced.ssl-engine-factory.truststore-path = /ca.p12"));
    assertEquals("DefaultSslEngineFactory", driver.getString("advanced.ssl-engine-factory.class"));
    assertTrue(driver.getBoolean("advanced.ssl-engine-factory.hostname-validation"));
  }

  @Test
  void shouldNameCassandraAndAuthenticationWhenItRefusesTheCredentials() {
    AuthenticationException refused =
        new AuthenticationException(
            new DefaultEndPoint(new InetSocketAddress("127.0.0.1", 9042)), "bad password");
    String refusal =
        CassandraSecurity.refusal(new RuntimeException(refused), List.of("127.0.0.1:9042"))
            .orElseThrow();
    assertTrue(
        refusal.startsWith(
            "Cassandra at 127.0.0.1:9042 refused Squall's credentials (authentication failed: "),
        refusal);
    assertTrue(CassandraSecurity.refusal(new RuntimeException("timeout"), List.of("x")).isEmpty());
  }
}
