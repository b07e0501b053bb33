package dev.cascade.cache.redis;

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
    SecureAccess.assertNothingDenied(redis.server());
  }
}
