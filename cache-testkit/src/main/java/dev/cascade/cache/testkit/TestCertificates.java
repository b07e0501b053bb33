package dev.cascade.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for one test run with the {@code openssl} command: a certificate authority, a
 * server certificate it signed for {@code 127.0.0.1} and {@code localhost}, and a second authority
 * that signed nothing (to show that a client trusting the wrong authority is refused). Every file
 * is PEM, valid for two days, under the directory given. Immutable once made; thread-safe.
 */
public final class TestCertificates {
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /**
   * Makes the certificates in {@code dir} (created if needed; files there are replaced).
   *
   * @throws IllegalStateException if {@code openssl} is missing or fails (its output is in the message)
   */
  public static TestCertificates create(Path dir) {
    String openssl =
        ServerProcess.findBinary("openssl")
            .orElseThrow(() -> new IllegalStateException("no openssl on the PATH to make test certificates (Debian: apt-get install openssl)"));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(dir, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=Cascade test CA");
    run(dir, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt",
        "-days", "2", "-subj", "/CN=Cascade untrusted test CA");
    run(dir, openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    run(dir, openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.crt", "-days", "2", "-extfile", "server.ext");
    return new TestCertificates(dir);
  }

  /** Returns the authority's certificate: what a client trusts. */
  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** Returns the certificate of an authority that signed nothing here. */
  public Path untrustedCaCertificate() {
    return dir.resolve("other-ca.crt");
  }

  /** Returns the server's certificate, signed by {@link #caCertificate()}. */
  public Path serverCertificate() {
    return dir.resolve("server.crt");
  }

  /** Returns the server's private key (unencrypted PEM). */
  public Path serverKey() {
    return dir.resolve("server.key");
  }

  private static void run(Path dir, String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    try {
      Process process = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(
            "openssl failed: " + String.join(" ", args) + "\n" + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + args.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while making test certificates", e);
    }
  }
}
