package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The API over HTTPS from a key and certificate in PEM files, as a TLS Secret mounts them. */
class HttpsIT {
  @Test
  void shouldServeHttpsOnlyWithTheCertificateOfItsTlsDirectory() throws Exception {
    Path dir = Files.createTempDirectory("squall-https");
    TestCertificates.selfSigned(dir, "127.0.0.1");
    Config config =
        ConfigFactory.parseString("squall.http.port = 0\nsquall.http.tls-dir = \"" + dir + "\"")
            .withFallback(ConfigFactory.parseResources("http.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorTestKit testKit = ActorTestKit.create("HttpsIT", config);
    try {
      ServerBinding binding =
          HttpServer.start(
                  testKit.system(),
                  HttpSettings.create(config),
                  path("hello", () -> complete("hello over TLS")))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      int port = binding.localAddress().getPort();

      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(dir)).build();
      HttpResponse<String> secure =
          trusting.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/hello")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, secure.statusCode());
      assertEquals("hello over TLS", secure.body());

      // plain HTTP on that port gets no answer, and a client that does not trust the key none
      // either
      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
      IOException untrusted =
          assertThrows(
              IOException.class,
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/hello"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()));
      assertTrue(untrusted instanceof javax.net.ssl.SSLHandshakeException, untrusted.toString());
    } finally {
      testKit.shutdownTestKit();
    }
  }

  /** A client context that trusts the certificate of {@code dir} alone. */
  private static SSLContext trusting(Path dir) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("tls.crt"))) {
      trust.setCertificateEntry(
          "squall", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }
}
