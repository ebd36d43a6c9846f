package io.squall.http;

import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.HttpsConnectionContext;
import akka.pki.pem.DERPrivateKeyLoader;
import akka.pki.pem.PEMDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for the API from PEM files laid out as a Kubernetes TLS Secret (or cert-manager's) mounts
 * them: {@code tls.key} (RSA, PKCS#1 or unencrypted PKCS#8) and {@code tls.crt} (the certificate,
 * then any intermediates).
 */
final class ServerTls {
  private static final char[] NO_PASSWORD = new char[0];

  private ServerTls() {}

  static HttpsConnectionContext fromPem(Path dir) {
    Path key = dir.resolve("tls.key");
    Path cert = dir.resolve("tls.crt");
    try {
      PrivateKey privateKey = DERPrivateKeyLoader.load(PEMDecoder.decode(Files.readString(key)));
      Certificate[] chain;
      try (InputStream in = Files.newInputStream(cert)) {
        chain =
            CertificateFactory.getInstance("X.509")
                .generateCertificates(in)
                .toArray(Certificate[]::new);
      }
      if (chain.length == 0) {
        throw new IllegalArgumentException(cert + " holds no certificate");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("squall", privateKey, NO_PASSWORD, chain);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return ConnectionContext.httpsServer(context);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "squall.http.tls-dir (SQUALL_HTTP_TLS_DIR) is "
              + dir
              + ", which must hold tls.key (an RSA key, PEM) and tls.crt (PEM): "
              + e.getMessage(),
          e);
    }
  }
}
