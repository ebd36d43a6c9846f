package io.squall.persistence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keys and certificates for tests, made by openssl and laid out as a Kubernetes TLS Secret (or
 * cert-manager's) mounts them: {@code tls.key} (RSA, PEM), {@code tls.crt} and, for a CA-signed
 * one, the issuing CA's {@code ca.crt} in one directory.
 */
public final class TestCertificates {
  private TestCertificates() {}

  /** A new root CA named {@code caName} and a certificate for {@code CN=squall} it signed. */
  public static Path issue(Path dir, String caName) {
    return make(
        dir,
        List.of(
            "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj",
            "/CN=" + caName),
        List.of("req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj", "/CN=squall"),
        List.of(
            "x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 2"
                + " -extfile san.ext"));
  }

  /**
   * A certificate for {@code CN=name} signed by the CA of {@code caDir} (made by {@link #issue}),
   * with that CA's {@code ca.crt} beside it.
   */
  public static Path signedBy(Path caDir, Path dir, String name) {
    try {
      Files.createDirectories(dir);
      for (String file : List.of("ca.crt", "ca.key")) {
        Files.copy(caDir.resolve(file), dir.resolve(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    make(
        dir,
        List.of("req -newkey rsa:2048 -nodes -keyout tls.key -out tls.csr -subj", "/CN=" + name),
        List.of(
            "x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days 2"));
    return dir;
  }

  /** A self-signed certificate for the address {@code ip}. */
  public static Path selfSigned(Path dir, String ip) {
    return make(
        dir,
        List.of(
            "req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.crt -days 2 -subj",
            "/CN=" + ip,
            "-addext",
            "subjectAltName=IP:" + ip));
  }

  /**
   * Runs openssl in {@code dir} once per command: its first element split at spaces, the others
   * (names with spaces) as they are.
   */
  @SafeVarargs
  private static Path make(Path dir, List<String>... commands) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:squall\n");
      for (List<String> command : commands) {
        List<String> args = new ArrayList<>(List.of(command.get(0).split(" ")));
        args.addAll(command.subList(1, command.size()));
        openssl(dir, args);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(args);
    Path log = dir.resolve("openssl.log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl " + String.join(" ", args) + " failed: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
