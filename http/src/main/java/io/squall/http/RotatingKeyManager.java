package io.squall.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's key and certificate, read again from their directory when a connection opens at most
 * every reload interval, as Akka's {@code RotatingKeysSSLEngineProvider} does for remoting: a
 * renewed certificate is served to new connections without a restart. The files' content is
 * compared, not their times, since a Secret update swaps the symlinked directory they are read
 * through. A changed pair that cannot be used (unreadable, or a key that is not the certificate's)
 * leaves the last one in use, with a warning naming the files.
 */
final class RotatingKeyManager extends X509ExtendedKeyManager {
  private static final Logger log = LoggerFactory.getLogger(RotatingKeyManager.class);

  /**
   * A pair as served, under an alias of its own: a handshake that began with one pair finds that
   * pair's key and chain even if the next one is read meanwhile.
   */
  private record Served(String alias, byte[] digest, ServerTls.Pair pair) {}

  private final Path key;
  private final Path cert;
  private final long intervalNanos;
  private volatile Served current;
  private volatile Served previous;
  private volatile long checkedAt;

  /** How many pairs were served, which names the next one's alias. */
  private int generation = 1;

  /** What the last warning was about, so that a broken pair is told once, not every check. */
  private String warned;

  private RotatingKeyManager(Path dir, Duration interval, Served first) {
    this.key = dir.resolve("tls.key");
    this.cert = dir.resolve("tls.crt");
    this.intervalNanos = interval.toNanos();
    this.current = first;
    this.previous = first;
    this.checkedAt = System.nanoTime();
  }

  /** The pair of {@code dir}, which must be usable now: a node does not start without it. */
  static RotatingKeyManager start(Path dir, Duration interval) {
    try {
      byte[] keyPem = Files.readAllBytes(dir.resolve("tls.key"));
      byte[] certPem = Files.readAllBytes(dir.resolve("tls.crt"));
      Served first =
          new Served("squall-1", digest(keyPem, certPem), ServerTls.parse(keyPem, certPem));
      return new RotatingKeyManager(dir, interval, first);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "squall.http.tls-dir (SQUALL_HTTP_TLS_DIR) is "
              + dir
              + ", which must hold tls.key (an RSA key, PEM) and tls.crt (PEM): "
              + e.getMessage(),
          e);
    }
  }

  private void reloadIfDue() {
    if (System.nanoTime() - checkedAt >= intervalNanos) {
      reload();
    }
  }

  /** Reads both files and serves them if they changed and make a pair. */
  synchronized void reload() {
    long now = System.nanoTime();
    if (now - checkedAt < intervalNanos) {
      return;
    }
    checkedAt = now;
    byte[] keyPem;
    byte[] certPem;
    try {
      keyPem = Files.readAllBytes(key);
      certPem = Files.readAllBytes(cert);
    } catch (IOException e) {
      warnOnce("unreadable " + e, e.toString());
      return;
    }
    byte[] digest = digest(keyPem, certPem);
    if (Arrays.equals(digest, current.digest())) {
      warned = null;
      return;
    }
    ServerTls.Pair pair;
    try {
      pair = ServerTls.parse(keyPem, certPem);
    } catch (GeneralSecurityException | RuntimeException e) {
      warnOnce("wrong " + Arrays.toString(digest), e.getMessage());
      return;
    }
    generation++;
    previous = current;
    current = new Served("squall-" + generation, digest, pair);
    warned = null;
    X509Certificate served = pair.chain()[0];
    log.info(
        "Squall's HTTPS serves the new certificate of {}: {}, serial {}, valid until {}",
        cert,
        served.getSubjectX500Principal(),
        served.getSerialNumber().toString(16),
        served.getNotAfter().toInstant());
  }

  private void warnOnce(String state, String problem) {
    if (!state.equals(warned)) {
      warned = state;
      log.warn(
          "Squall's HTTPS keeps its certificate (serial {}): {} and {} changed but cannot be used:"
              + " {}",
          current.pair().chain()[0].getSerialNumber().toString(16),
          key,
          cert,
          problem);
    }
  }

  private static byte[] digest(byte[] keyPem, byte[] certPem) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(keyPem);
      sha256.update(certPem);
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Served served(String alias) {
    Served now = current;
    if (now.alias().equals(alias)) {
      return now;
    }
    Served before = previous;
    return before.alias().equals(alias) ? before : null;
  }

  private String alias(String keyType) {
    reloadIfDue();
    Served now = current;
    return now.pair().key().getAlgorithm().equals(keyType) ? now.alias() : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Served served = served(alias);
    return served == null ? null : served.pair().chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Served served = served(alias);
    return served == null ? null : served.pair().key();
  }

  /** The API asks no client for a certificate. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
