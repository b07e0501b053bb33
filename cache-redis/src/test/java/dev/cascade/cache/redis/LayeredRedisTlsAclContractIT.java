package dev.cascade.cache.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The layered contract (L1, RedisTier and the invalidation channel) over TLS, as the least-privilege
 * ACL user of docs/security.md: every test passes, and the server denied nothing.
 */
class LayeredRedisTlsAclContractIT extends LayeredRedisContract {
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
