package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on RedisTier over TLS, as the least-privilege ACL user of docs/security.md: every
 * test passes, and the server denied nothing ({@code ACL LOG} is empty after the class).
 */
class RedisTlsAclContractIT extends RedisTierContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.tlsWithAcl(SecureAccess.documented());

  @Override
  RedisSetup redis() {
    return redis;
  }

  @AfterAll
  static void nothingWasDenied() {
    assertThat(redis.server().command(0, "ACL", "LOG")).as("commands the server denied the ACL user").asList().isEmpty();
  }
}
