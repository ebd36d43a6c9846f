package io.squall.http;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.HttpsConnectionContext;
import akka.pki.pem.DERPrivateKeyLoader;
import akka.pki.pem.PEMDecoder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for the API from PEM files laid out as a Kubernetes TLS Secret (or cert-manager's) mounts
 * them: {@code tls.key} (RSA, PKCS#1 or unencrypted PKCS#8) and {@code tls.crt} (the certificate,
 * then any intermediates), read again when they change ({@link RotatingKeyManager}).
 */
final class ServerTls {
  private ServerTls() {}

  /** A private key and the certificate chain whose first certificate holds its public key. */
  record Pair(PrivateKey key, X509Certificate[] chain) {}

  static HttpsConnectionContext create(HttpSettings.Tls tls) {
    RotatingKeyManager keys = RotatingKeyManager.start(tls.dir(), tls.reloadInterval());
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, null, null);
      return ConnectionContext.httpsServer(context);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM offers no TLS context", e);
    }
  }

  /**
   * The pair of {@code tls.key} and {@code tls.crt} as read; a key that does not match the
   * certificate (one file renewed, not yet the other) is refused here, not at every handshake.
   */
  static Pair parse(byte[] keyPem, byte[] certPem) throws GeneralSecurityException {
    PrivateKey key =
        DERPrivateKeyLoader.load(PEMDecoder.decode(new String(keyPem, StandardCharsets.US_ASCII)));
    X509Certificate[] chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(certPem))
            .stream()
            .map(X509Certificate.class::cast)
            .toArray(X509Certificate[]::new);
    if (chain.length == 0) {
      throw new IllegalArgumentException("tls.crt holds no certificate");
    }
    if (!(key instanceof RSAKey rsa)
        || !(chain[0].getPublicKey() instanceof RSAKey certified)
        || !rsa.getModulus().equals(certified.getModulus())) {
      throw new IllegalArgumentException(
          "tls.key is not the RSA key of tls.crt's certificate "
              + chain[0].getSubjectX500Principal());
    }
    return new Pair(key, chain);
  }
}
