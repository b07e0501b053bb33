package dev.cascade.cache.redis;

import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How a test reaches a {@link RedisServerExtension#standaloneWithTls()} server: as the ACL user that
 * docs/security.md documents (its {@code ACL SETUSER} line is read from {@code cascade-acl.txt},
 * which the docs quote, so that the two cannot differ), over TLS with the server's certificate
 * checked. Variants take one permission away, give a wrong password or trust the wrong authority.
 * Immutable.
 */
record SecureAccess(List<String> aclSetUser, String user, String password, Function<RedisServerExtension, Path> trusted) {
  static final String PASSWORD = "s3cret-for-the-test-" + Long.toHexString(Double.doubleToLongBits(Math.random()));

  /** The documented line, with the test's password in place of {@code <password>}. */
  static SecureAccess documented() {
    String line;
    try (InputStream in = SecureAccess.class.getResourceAsStream("/cascade-acl.txt")) {
      line = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> words = Arrays.asList(line.split("\\s+"));
    if (words.size() < 4 || !words.get(0).equals("ACL") || !words.get(1).equals("SETUSER")) {
      throw new IllegalStateException("cascade-acl.txt is not an ACL SETUSER line: " + line);
    }
    List<String> args = new ArrayList<>();
    for (String word : words.subList(1, words.size())) {
      args.add(word.replace("<password>", PASSWORD));
    }
    return new SecureAccess(List.copyOf(args), words.get(2), PASSWORD, server -> server.certificates().caCertificate());
  }

  /** Returns the documented rules' permissions ({@code +command}, {@code ~keys}, {@code &channels}) in order. */
  List<String> permissions() {
    return aclSetUser.stream().filter(word -> word.startsWith("+") || word.startsWith("~") || word.startsWith("&")).toList();
  }

  /** Returns the same access with {@code permission} (such as {@code +eval}) taken out of the rules. */
  SecureAccess without(String permission) {
    if (!aclSetUser.contains(permission)) {
      throw new IllegalArgumentException("no " + permission + " in " + aclSetUser);
    }
    List<String> args = new ArrayList<>(aclSetUser);
    args.remove(permission);
    return new SecureAccess(List.copyOf(args), user, password, trusted);
  }

  /** Returns the same access with the client sending {@code wrong} as its password. */
  SecureAccess withClientPassword(String wrong) {
    return new SecureAccess(aclSetUser, user, wrong, trusted);
  }

  /** Returns the same access with the client trusting an authority that did not sign the server's certificate. */
  SecureAccess trustingTheWrongAuthority() {
    return new SecureAccess(aclSetUser, user, password, server -> server.certificates().untrustedCaCertificate());
  }

  /** Sets the user on {@code server} (over its plain port, as the default user): {@code ACL SETUSER ...}. */
  void grant(RedisServerExtension server) {
    List<Object> command = new ArrayList<>();
    command.add("ACL");
    command.addAll(aclSetUser);
    server.command(0, command.toArray());
  }

  /** Asserts that {@code server}'s {@code ACL LOG} is empty: it denied the ACL user nothing. */
  static void assertNothingDenied(RedisServerExtension server) {
    org.assertj.core.api.Assertions.assertThat(server.command(0, "ACL", "LOG"))
        .as("commands the server denied the ACL user")
        .asList()
        .isEmpty();
  }

  /** Returns a client for {@code server}'s TLS port that authenticates as the user. */
  RedisClient client(RedisServerExtension server) {
    RedisURI uri =
        RedisURI.builder()
            .withHost("127.0.0.1")
            .withPort(server.tlsPort())
            .withSsl(true)
            .withVerifyPeer(SslVerifyMode.FULL)
            .withAuthentication(user, password.toCharArray())
            .build();
    RedisClient client = RedisClient.create(RedisTests.resources(), uri);
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .sslOptions(SslOptions.builder().trustManager(trusted.apply(server).toFile()).build())
            .build());
    return client;
  }
}
