package io.squall.sharding;

import akka.kafka.ConsumerSettings;
import akka.kafka.ProducerSettings;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.squall.persistence.TlsFailures;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * What every Kafka client of Squall connects with — the consumer, the producers, the admin clients
 * and {@code squall load}: the brokers, and the kafka-clients properties of {@code
 * squall.kafka.client} (security: SASL, TLS), so that no client is configured its own way.
 */
public record KafkaClientSettings(String bootstrapServers, Map<String, String> properties) {
  private static final String CLIENT = "squall.kafka.client";
  private static final String SASL = "squall.kafka.sasl";
  private static final String PROTOCOL = "security.protocol";
  private static final String MECHANISM = "sasl.mechanism";
  private static final String JAAS = "sasl.jaas.config";

  public KafkaClientSettings {
    properties = Map.copyOf(properties);
  }

  /**
   * {@code squall.kafka.bootstrap-servers} and {@code squall.kafka.client}, with {@code
   * sasl.jaas.config} built from {@code squall.kafka.sasl}'s username and password when set.
   */
  public static KafkaClientSettings create(Config config) {
    String bootstrapServers = config.getString("squall.kafka.bootstrap-servers");
    if (bootstrapServers.isBlank()) {
      throw new ConfigException.BadValue("squall.kafka.bootstrap-servers", "must not be empty");
    }
    Map<String, String> properties = new TreeMap<>();
    config
        .getConfig(CLIENT)
        .entrySet()
        .forEach(e -> properties.put(e.getKey(), propertyValue(e.getValue().unwrapped())));
    String username = config.getString(SASL + ".username");
    if (!username.isEmpty()) {
      properties.put(JAAS, jaas(config, properties, username));
    }
    return new KafkaClientSettings(bootstrapServers, properties);
  }

  private static String jaas(Config config, Map<String, String> properties, String username) {
    String password = config.getString(SASL + ".password");
    if (password.isEmpty()) {
      throw new ConfigException.BadValue(
          SASL + ".password", "must be set when " + SASL + ".username is");
    }
    if (properties.containsKey(JAAS)) {
      throw new ConfigException.BadValue(
          CLIENT + "." + JAAS, "set either it or " + SASL + ".username, not both");
    }
    String protocol = properties.getOrDefault(PROTOCOL, "PLAINTEXT").toUpperCase(Locale.ROOT);
    if (!protocol.startsWith("SASL_")) {
      throw new ConfigException.BadValue(
          CLIENT + "." + PROTOCOL,
          "must be SASL_PLAINTEXT or SASL_SSL when " + SASL + ".username is set, was " + protocol);
    }
    // kafka-clients' own default mechanism is GSSAPI (Kerberos), which takes no password
    String mechanism = properties.computeIfAbsent(MECHANISM, m -> "PLAIN");
    String module =
        switch (mechanism.toUpperCase(Locale.ROOT)) {
          case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
          case "SCRAM-SHA-256", "SCRAM-SHA-512" ->
              "org.apache.kafka.common.security.scram.ScramLoginModule";
          default ->
              throw new ConfigException.BadValue(
                  CLIENT + "." + MECHANISM,
                  "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 with a username, was "
                      + mechanism);
        };
    return module
        + " required username=\""
        + quoted(username)
        + "\" password=\""
        + quoted(password)
        + "\";";
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** The same brokers' clients at other brokers ({@code --bootstrap-server}). */
  public KafkaClientSettings withBootstrapServers(String servers) {
    return new KafkaClientSettings(servers, properties);
  }

  /** The properties of a plain kafka-clients admin client or producer, to add one's own to. */
  public Properties toProperties() {
    Properties props = new Properties();
    props.putAll(properties);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }

  public <K, V> ConsumerSettings<K, V> applyTo(ConsumerSettings<K, V> settings) {
    return settings.withBootstrapServers(bootstrapServers).withProperties(properties);
  }

  public <K, V> ProducerSettings<K, V> applyTo(ProducerSettings<K, V> settings) {
    return settings.withBootstrapServers(bootstrapServers).withProperties(properties);
  }

  /**
   * What a user needs to hear when {@code failure} is Kafka refusing Squall's credentials or
   * rights, or a failed TLS handshake with it; empty for any other failure.
   */
  public Optional<String> refusal(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SslAuthenticationException) {
        return TlsFailures.explain(
            cause,
            "Kafka at " + bootstrapServers,
            "SQUALL_KAFKA_TRUSTSTORE",
            "SQUALL_KAFKA_KEYSTORE");
      }
      if (cause instanceof AuthenticationException) {
        return Optional.of(
            "Kafka at "
                + bootstrapServers
                + " refused Squall's credentials (authentication failed: "
                + String.valueOf(cause.getMessage()).replaceFirst("^Authentication failed: ", "")
                + ")");
      }
      if (cause instanceof AuthorizationException) {
        return Optional.of(
            "Kafka at "
                + bootstrapServers
                + " refused Squall's request (not authorized: "
                + cause.getMessage()
                + ")");
      }
    }
    return Optional.empty();
  }

  /** Never the passwords: settings end up in logs. */
  @Override
  public String toString() {
    return "KafkaClientSettings["
        + bootstrapServers
        + ", "
        + properties.entrySet().stream()
            .map(e -> e.getKey() + "=" + (secret(e.getKey()) ? "[hidden]" : e.getValue()))
            .sorted()
            .collect(Collectors.joining(", ", "{", "}"))
        + "]";
  }

  /** A kafka-clients value: a list (enabled protocols, cipher suites) as a comma-separated one. */
  private static String propertyValue(Object value) {
    return value instanceof List<?> list
        ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
        : String.valueOf(value);
  }

  /** Passwords, keys given inline, JAAS and OAuth secrets. */
  private static boolean secret(String key) {
    return key.contains("password")
        || key.contains("jaas")
        || key.contains("secret")
        || key.contains("token")
        || key.endsWith(".key")
        || key.contains(".key.");
  }
}
