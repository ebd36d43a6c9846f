package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertPathBuilderException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsFailuresTest {
  private static final String SERVER = "Kafka at 127.0.0.1:9095";

  private static Optional<String> explain(Throwable failure) {
    return TlsFailures.explain(failure, SERVER, "SQUALL_X_TRUSTSTORE", "SQUALL_X_KEYSTORE");
  }

  @Test
  void shouldSaySquallDoesNotTrustTheServerWhenItsCaIsUnknown() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(
        new CertPathBuilderException(
            "unable to find valid certification path to requested target"));
    assertEquals(
        Optional.of(
            "Squall does not trust the TLS certificate of Kafka at 127.0.0.1:9095"
                + " (CertPathBuilderException: unable to find valid certification path to"
                + " requested target): its CA must be in SQUALL_X_TRUSTSTORE"),
        explain(new RuntimeException("SSL handshake failed", handshake)));
  }

  @Test
  void shouldSayTheServerRefusedSquallsCertificateOnItsAlert() {
    String said =
        explain(new SSLHandshakeException("Received fatal alert: certificate_required"))
            .orElseThrow();
    assertTrue(
        said.startsWith("Kafka at 127.0.0.1:9095 refused Squall's TLS certificate (SSLHandshake"),
        said);
    assertTrue(
        said.endsWith("SQUALL_X_KEYSTORE must hold a key and certificate signed by a CA it trusts"),
        said);
  }

  @Test
  void shouldSayTheCertificateDoesNotNameTheAddressWhenHostNamesDiffer() {
    SSLHandshakeException handshake = new SSLHandshakeException("No subject alternative names");
    handshake.initCause(
        new java.security.cert.CertificateException(
            "No subject alternative names matching IP address 10.0.0.7 found"));
    String said = explain(handshake).orElseThrow();
    assertTrue(
        said.startsWith(
            "the TLS certificate of Kafka at 127.0.0.1:9095 does not name the address Squall"
                + " connects to (CertificateException: No subject alternative names matching IP"
                + " address 10.0.0.7 found)"),
        said);
  }

  @Test
  void shouldNameAnyOtherFailedHandshakeAndNothingElse() {
    assertEquals(
        Optional.of(
            "the TLS handshake with Kafka at 127.0.0.1:9095 failed (SSLHandshakeException: no"
                + " cipher suites in common)"),
        explain(new SSLHandshakeException("no cipher suites in common")));
    assertEquals(Optional.empty(), explain(new RuntimeException("connection refused")));
  }
}
