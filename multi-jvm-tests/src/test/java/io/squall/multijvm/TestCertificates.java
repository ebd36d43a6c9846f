package io.squall.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for remoting over TLS, laid out as a cert-manager Secret mounts them: {@code
 * tls.key}, {@code tls.crt} and the issuing CA's {@code ca.crt} in one directory. Made by openssl:
 * RSA keys, a node certificate signed by a root CA, subject {@code CN=squall} on every node.
 */
final class TestCertificates {
  private TestCertificates() {}

  /** A new CA of its own and a node certificate it signed, in {@code dir}. */
  static Path issue(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:squall\n");
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "ca.key",
          "-out",
          "ca.crt",
          "-days",
          "2",
          "-subj",
          "/CN=" + caName);
      openssl(
          dir,
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "tls.key",
          "-out",
          "tls.csr",
          "-subj",
          "/CN=squall");
      openssl(
          dir,
          "x509",
          "-req",
          "-in",
          "tls.csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-out",
          "tls.crt",
          "-days",
          "2",
          "-extfile",
          "san.ext");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("openssl.log").toFile())
            .start();
    try {
      if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl "
                + String.join(" ", args)
                + " failed: "
                + Files.readString(dir.resolve("openssl.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
