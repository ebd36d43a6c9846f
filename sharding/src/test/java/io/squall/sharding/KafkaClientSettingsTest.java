package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;

class KafkaClientSettingsTest {
  private static KafkaClientSettings settings(String... lines) {
    return KafkaClientSettings.create(
        ConfigFactory.parseString(String.join("\n", lines))
            .withFallback(ConfigFactory.parseResources("kafka.conf"))
            .resolve());
  }

  @Test
  void shouldGiveNoPropertyButTheBrokersByDefault() {
    KafkaClientSettings settings = settings();
    assertEquals(Map.of(), settings.properties());
    Properties props = settings.toProperties();
    assertEquals(Map.of("bootstrap.servers", "127.0.0.1:9092"), Map.copyOf(props));
  }

  @Test
  void shouldBuildThePlainJaasConfigFromUsernameAndPassword() {
    KafkaClientSettings settings =
        settings(
            "squall.kafka.client.security.protocol = SASL_SSL",
            "squall.kafka.client.ssl.truststore.location = /etc/squall/ca.p12",
            "squall.kafka.sasl.username = squall",
            "squall.kafka.sasl.password = \"pa\\\"ss\"");
    assertEquals("SASL_SSL", settings.properties().get("security.protocol"));
    assertEquals("PLAIN", settings.properties().get("sasl.mechanism"));
    assertEquals("/etc/squall/ca.p12", settings.properties().get("ssl.truststore.location"));
    assertEquals(
        "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"squall\" password=\"pa\\\"ss\";",
        settings.properties().get("sasl.jaas.config"));
  }

  @Test
  void shouldJoinListsAndHideEverySecretWhenPrinted() {
    KafkaClientSettings settings =
        settings(
            "squall.kafka.client.security.protocol = SSL",
            "squall.kafka.client.ssl.enabled.protocols = [TLSv1.3, TLSv1.2]",
            "squall.kafka.client.ssl.keystore.key = \"-----BEGIN PRIVATE KEY----- abc\"",
            "squall.kafka.client.ssl.keystore.password = hunter2",
            "squall.kafka.client.sasl.oauthbearer.client.secret = s3cr3t");
    assertEquals("TLSv1.3,TLSv1.2", settings.properties().get("ssl.enabled.protocols"));
    String printed = settings.toString();
    for (String secret : new String[] {"BEGIN PRIVATE KEY", "hunter2", "s3cr3t"}) {
      assertFalse(printed.contains(secret), printed);
    }
    assertTrue(printed.contains("security.protocol=SSL"), printed);
  }

  @Test
  void shouldUseTheScramModuleForScram() {
    KafkaClientSettings settings =
        settings(
            "squall.kafka.client.security.protocol = SASL_PLAINTEXT",
            "squall.kafka.client.sasl.mechanism = SCRAM-SHA-512",
            "squall.kafka.sasl.username = squall",
            "squall.kafka.sasl.password = secret");
    assertTrue(
        settings
            .properties()
            .get("sasl.jaas.config")
            .startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required"));
  }

  @Test
  void shouldRefuseAUsernameWithoutPasswordOrOverPlaintextNamingTheKey() {
    ConfigException noPassword =
        assertThrows(
            ConfigException.class,
            () ->
                settings(
                    "squall.kafka.client.security.protocol = SASL_PLAINTEXT",
                    "squall.kafka.sasl.username = squall"));
    assertTrue(noPassword.getMessage().contains("squall.kafka.sasl.password"));
    ConfigException plaintext =
        assertThrows(
            ConfigException.class,
            () ->
                settings("squall.kafka.sasl.username = squall", "squall.kafka.sasl.password = x"));
    assertTrue(plaintext.getMessage().contains("squall.kafka.client.security.protocol"));
  }

  @Test
  void shouldNeverShowThePasswordInItsDescription() {
    KafkaClientSettings settings =
        settings(
            "squall.kafka.client.security.protocol = SASL_PLAINTEXT",
            "squall.kafka.client.ssl.truststore.password = trust-secret",
            "squall.kafka.sasl.username = squall",
            "squall.kafka.sasl.password = sasl-secret");
    String described = settings.toString() + IngestSettings.create(withIngest(settings)).toString();
    assertFalse(described.contains("secret"), described);
    assertTrue(described.contains("security.protocol=SASL_PLAINTEXT"), described);
  }

  @Test
  void shouldNameKafkaAndAuthenticationWhenTheBrokerRefusesTheCredentials() {
    KafkaClientSettings settings = settings();
    assertEquals(
        "Kafka at 127.0.0.1:9092 refused Squall's credentials (authentication failed: bad)",
        settings
            .refusal(new RuntimeException(new SaslAuthenticationException("bad")))
            .orElseThrow());
    assertTrue(settings.refusal(new RuntimeException("timeout")).isEmpty());
  }

  @Test
  void shouldNameAFailedTlsHandshakeRatherThanCredentials() {
    KafkaClientSettings settings = settings();
    SslAuthenticationException handshake =
        new SslAuthenticationException(
            "SSL handshake failed",
            new SSLHandshakeException("Received fatal alert: certificate_required"));
    String said = settings.refusal(new RuntimeException(handshake)).orElseThrow();
    assertTrue(said.startsWith("Kafka at 127.0.0.1:9092 refused Squall's TLS certificate"), said);
    assertTrue(said.contains("SQUALL_KAFKA_KEYSTORE"), said);
  }

  private static com.typesafe.config.Config withIngest(KafkaClientSettings settings) {
    return ConfigFactory.parseString(
            "squall.kafka.sasl.username = squall\n"
                + "squall.kafka.sasl.password = sasl-secret\n"
                + "squall.kafka.client.security.protocol = SASL_PLAINTEXT")
        .withFallback(ConfigFactory.parseResources("kafka.conf"))
        .resolve();
  }
}
