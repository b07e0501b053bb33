package dev.cascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.testkit.RedisServerExtension;
import dev.cascade.examples.DocBlocks.Block;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quoted outputs of examples that need a Redis ({@code <!-- output of <class> needs=redis -->}):
 * each example runs against a Redis the testkit starts (never one on 6379), with its URI as the
 * first argument, and its output must still contain the quoted lines ({@link OutputExtracts}).
 */
class DocOutputsIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  @Test
  void quotedOutputsOfRedisExamples_matchARunAgainstATestkitRedis() throws Exception {
    List<String> failures = new ArrayList<>();
    int compared = 0;
    for (Block block : DocBlocks.of(DocBlocks.repositoryRoot())) {
      if (block.marker() == null || !block.marker().kind().equals("output")) {
        continue;
      }
      String[] words = block.marker().argument().split("\\s+");
      if (words.length != 2 || !words[1].equals("needs=redis")) {
        continue; // DocSnippetsTest
      }
      String mismatch = OutputExtracts.mismatch(block.lines(), OutputExtracts.run(words[0], redis.uri()));
      compared++;
      if (mismatch != null) {
        failures.add(block.where() + ": the output of " + words[0] + " changed: " + mismatch);
      }
    }
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
    assertThat(compared).as("quoted outputs of Redis examples compared").isPositive();
  }
}
