package io.squall.persistence;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * What a user needs to hear when a TLS handshake with Kafka or Cassandra failed: which side refused
 * the other's certificate, and the setting to check. The clients' own messages ("SSL handshake
 * failed", "Unexpected error on channel") name neither.
 */
public final class TlsFailures {
  private TlsFailures() {}

  /**
   * The explanation when {@code failure} is a failed TLS handshake with {@code server} (as "Kafka
   * at host:port"), naming the variables of the trust store and key store; empty otherwise.
   */
  public static Optional<String> explain(
      Throwable failure, String server, String truststoreVariable, String keystoreVariable) {
    SSLException tls = null;
    boolean untrusted = false;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLException ssl) {
        tls = tls == null ? ssl : tls;
      }
      untrusted |=
          cause instanceof CertPathBuilderException || cause instanceof CertificateException;
      if (cause.getCause() == cause) {
        break;
      }
    }
    if (tls == null) {
      return Optional.empty();
    }
    String reason = root(failure);
    if (reason.contains("No subject alternative") || reason.contains("No name matching")) {
      return Optional.of(
          "the TLS certificate of "
              + server
              + " does not name the address Squall connects to ("
              + reason
              + "): connect by a name or address the certificate holds");
    }
    if (reason.contains("CertificateExpiredException")) {
      return Optional.of("the TLS certificate of " + server + " has expired (" + reason + ")");
    }
    if (untrusted) {
      return Optional.of(
          "Squall does not trust the TLS certificate of "
              + server
              + " ("
              + reason
              + "): its CA must be in "
              + truststoreVariable);
    }
    if (reason.contains("certificate_required")
        || reason.contains("bad_certificate")
        || reason.contains("unknown_ca")
        || reason.contains("certificate_unknown")) {
      return Optional.of(
          server
              + " refused Squall's TLS certificate ("
              + reason
              + "): "
              + keystoreVariable
              + " must hold a key and certificate signed by a CA it trusts");
    }
    return Optional.of("the TLS handshake with " + server + " failed (" + reason + ")");
  }

  private static String root(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
