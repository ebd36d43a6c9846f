package io.squall.http;

import static akka.http.javadsl.server.Directives.complete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.testing.TestCertificates;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The API's certificate renewed while the node serves, in a directory laid out as Kubernetes mounts
 * a TLS Secret: {@code tls.key} and {@code tls.crt} link through {@code ..data}, which an update
 * swaps for a new directory at once.
 */
class HttpsRotationTest {
  @Test
  void shouldServeARenewedCertificateToNewConnectionsAndKeepTheLastOneForABrokenPair()
      throws Exception {
    Path root = Files.createTempDirectory("squall-https-rotation");
    Path first = TestCertificates.selfSigned(root.resolve("first"), "127.0.0.1");
    Path second = TestCertificates.selfSigned(root.resolve("second"), "127.0.0.1");
    // the second key with the first certificate: what a renewal half written looks like
    Path mismatched = Files.createDirectories(root.resolve("mismatched"));
    Files.copy(second.resolve("tls.key"), mismatched.resolve("tls.key"));
    Files.copy(first.resolve("tls.crt"), mismatched.resolve("tls.crt"));
    Path mount = Files.createDirectories(root.resolve("mount"));
    Files.createSymbolicLink(mount.resolve("..data"), first);
    Files.createSymbolicLink(mount.resolve("tls.key"), Path.of("..data/tls.key"));
    Files.createSymbolicLink(mount.resolve("tls.crt"), Path.of("..data/tls.crt"));

    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RotatingKeyManager.class);
    logger.addAppender(logged);
    Config config =
        ConfigFactory.parseString(
                "squall.http.port = 0\n"
                    + "squall.http.tls-reload-interval = 200ms\n"
                    + "squall.http.tls-dir = \""
                    + mount
                    + "\"")
            .withFallback(ConfigFactory.parseResources("http.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    ActorTestKit testKit = ActorTestKit.create("HttpsRotationTest", config);
    try {
      int port =
          HttpServer.start(testKit.system(), HttpSettings.create(config), complete("hello"))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS)
              .localAddress()
              .getPort();
      assertEquals(serial(first), servedSerial(port));

      swap(mount, mismatched);
      Thread.sleep(600);
      assertEquals(serial(first), servedSerial(port));
      assertEquals(serial(first), servedSerial(port));
      ILoggingEvent warning =
          logged.list.stream().filter(e -> e.getLevel() == Level.WARN).findFirst().orElseThrow();
      assertTrue(
          warning.getFormattedMessage().contains(mount.resolve("tls.key").toString())
              && warning.getFormattedMessage().contains(mount.resolve("tls.crt").toString())
              && warning.getFormattedMessage().contains("is not the RSA key"),
          warning.getFormattedMessage());
      assertEquals(
          1, logged.list.stream().filter(e -> e.getLevel() == Level.WARN).count(), "told once");

      swap(mount, second);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!servedSerial(port).equals(serial(second)) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(serial(second), servedSerial(port));
    } finally {
      logger.detachAppender(logged);
      testKit.shutdownTestKit();
    }
  }

  /** Points {@code ..data} at {@code dir} in one rename, as Kubernetes' atomic writer does. */
  private static void swap(Path mount, Path dir) throws Exception {
    Path next = mount.resolve("..data_tmp");
    Files.createSymbolicLink(next, dir);
    Files.move(
        next,
        mount.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static BigInteger serial(Path dir) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve("tls.crt"))) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getSerialNumber();
    }
  }

  /** The serial number of the certificate a new TLS connection to {@code port} is shown. */
  private static BigInteger servedSerial(int port) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustingAll()}, null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** Trusts any server: the test reads which certificate it is shown, not whether to trust it. */
  private static final class TrustingAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
