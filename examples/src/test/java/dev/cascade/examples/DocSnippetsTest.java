package dev.cascade.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.examples.DocBlocks.Block;
import dev.cascade.examples.SnippetCompiler.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Docs that cannot drift: every Java block of README.md and docs/*.md compiles, every block quoted
 * from a source file is still in it, and every quoted output extract is still what its example
 * prints. The markers that say how a block is checked are described in {@link DocBlocks}; examples
 * that need a server have their output compared by {@code DocOutputsIT}, against a testkit server.
 */
class DocSnippetsTest {
  private static final Path ROOT = DocBlocks.repositoryRoot();
  private static final List<Block> BLOCKS = DocBlocks.of(ROOT);

  @Test
  void javaSnippets_compile() {
    assertThat(BLOCKS.stream().filter(Block::isJava)).as("Java blocks in the docs").isNotEmpty();

    List<Problem> problems = SnippetCompiler.compile(BLOCKS);

    assertThat(problems)
        .as("Java snippets of the docs that do not compile:\n%s",
            problems.stream().map(Problem::toString).collect(Collectors.joining("\n")))
        .isEmpty();
  }

  @Test
  void excerpts_areInTheirSourceFiles() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Block block : BLOCKS) {
      if (block.marker() == null || !block.marker().argument().startsWith("excerpt of ")) {
        continue;
      }
      Path source = ROOT.resolve(block.marker().argument().substring("excerpt of ".length()).strip());
      if (!Files.isRegularFile(source)) {
        failures.add(block.where() + ": no file " + ROOT.relativize(source));
        continue;
      }
      if (!containsLines(Files.readAllLines(source, StandardCharsets.UTF_8), block.lines())) {
        failures.add(block.where() + ": these lines are not in " + ROOT.relativize(source) + " (as one run of lines)");
      }
    }
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
  }

  @Test
  void quotedOutputs_matchARunOfTheirExample() throws Exception {
    List<String> failures = new ArrayList<>();
    int compared = 0;
    for (Block block : BLOCKS) {
      if (block.marker() == null || !block.marker().kind().equals("output")) {
        continue;
      }
      String[] words = block.marker().argument().split("\\s+");
      if (words.length > 1 && words[1].startsWith("needs=")) {
        continue; // DocOutputsIT
      }
      if (words.length != 1) {
        failures.add(block.where() + ": unknown output marker '" + block.marker().argument() + "'");
        continue;
      }
      String mismatch = OutputExtracts.mismatch(block.lines(), OutputExtracts.run(words[0]));
      compared++;
      if (mismatch != null) {
        failures.add(block.where() + ": the output of " + words[0] + " changed: " + mismatch);
      }
    }
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
    assertThat(compared).as("quoted outputs compared").isPositive();
  }

  // The checks themselves: each must fail when its docs are wrong.

  @Test
  void compile_brokenSnippet_reportedAtItsPageLineWithTheCompilerMessage() {
    List<Block> page =
        DocBlocks.parse(
            "docs/broken.md",
            List.of(
                "Text.",
                "```java",
                "Cache<Long, User> users = Cache.<Long, User>builder(\"users\")",
                "    .inMemory(m -> m.maximumSize(10))",
                "    .tll(Duration.ofMinutes(5))",
                "    .build();",
                "```",
                "```kotlin",
                "this is not Java and is not compiled",
                "```"));

    List<Problem> problems = SnippetCompiler.compile(page);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0).where()).isEqualTo("docs/broken.md:5");
    assertThat(problems.get(0).message()).contains("cannot find symbol").contains("tll");
  }

  @Test
  void compile_continuedSnippet_seesTheDeclarationsBeforeIt_andAMembersBlockCompilesAsMembers() {
    List<Block> page =
        DocBlocks.parse(
            "docs/two.md",
            List.of(
                "```java",
                "Cache<Long, User> named = Cache.<Long, User>builder(\"users\").inMemory(m -> m.maximumSize(10)).build();",
                "```",
                "<!-- snippet: continues -->",
                "```java",
                "named.invalidateAll();",
                "```",
                "<!-- snippet: members -->",
                "```java",
                "static int twice(int x) { return 2 * x; }",
                "```",
                "```java",
                "named.invalidateAll();   // not continued: 'named' is unknown here",
                "```"));

    List<Problem> problems = SnippetCompiler.compile(page);

    assertThat(problems).extracting(Problem::where).containsExactly("docs/two.md:13");
  }

  @Test
  void compile_unitSnippet_compilesAsItsOwnFile_errorsAtItsPageLine() {
    List<Block> page =
        DocBlocks.parse(
            "docs/unit.md",
            List.of(
                "<!-- snippet: unit -->",
                "```java",
                "package com.example;",
                "",
                "import dev.cascade.cache.Cache;",
                "",
                "public class Hello {",
                "  static Cache<String, String> cache = Cache.<String, String>builder(\"h\").unbounded().build();",
                "}",
                "```"));

    List<Problem> problems = SnippetCompiler.compile(page);

    assertThat(problems).extracting(Problem::where).containsExactly("docs/unit.md:8");
    assertThat(problems.get(0).message()).contains("unbounded");
  }

  @Test
  void parse_markerNotRightBeforeABlock_isRejected() {
    assertThatThrownBy(() -> DocBlocks.parse("docs/m.md", List.of("<!-- snippet: members -->", "", "```java", "```")))
        .hasMessageContaining("docs/m.md:1");
    assertThat(SnippetCompiler.compile(DocBlocks.parse("docs/m.md", List.of("<!-- snippet: memebers -->", "```java", "```"))))
        .extracting(Problem::message)
        .containsExactly("unknown snippet marker word 'memebers'");
  }

  @Test
  void outputs_changedFigure_isAMismatch_maskedFigureIsNot_andOrderCounts() {
    String output = "# HELP x\ncache_gets_total{result=\"hit\"} 950.0\nmean load 34 us\ncache_gets_total{result=\"miss\"} 50.0\n";

    assertThat(OutputExtracts.mismatch(List.of("cache_gets_total{result=\"hit\"} 950.0", "mean load ~197 us"), output)).isNull();
    assertThat(OutputExtracts.mismatch(List.of("cache_gets_total{result=\"miss\"} 100.0"), output))
        .contains("cache_gets_total{result=\"miss\"} 100.0");
    assertThat(OutputExtracts.mismatch(List.of("mean load 197 us"), output)).isNotNull();
    assertThat(OutputExtracts.mismatch(List.of("mean load ~197 ms"), output)).isNotNull();
    assertThat(OutputExtracts.mismatch(List.of("mean load ~1 us", "cache_gets_total{result=\"hit\"} 950.0"), output))
        .isNotNull();
  }

  @Test
  void excerpt_linesMustBeOneRunApartFromIndentation() {
    List<String> source = List.of("class A {", "  void f() {", "    int x = 1;", "    int y = 2;", "  }", "}");

    assertThat(containsLines(source, List.of("int x = 1;", "int y = 2;"))).isTrue();
    assertThat(containsLines(source, List.of("void f() {", "int y = 2;"))).isFalse();
    assertThat(containsLines(source, List.of("int x = 2;"))).isFalse();
  }

  /** Whether {@code lines} (stripped) appear in {@code source} (stripped) one after another. */
  static boolean containsLines(List<String> source, List<String> lines) {
    if (lines.isEmpty()) {
      return false;
    }
    for (int start = 0; start + lines.size() <= source.size(); start++) {
      boolean all = true;
      for (int i = 0; i < lines.size() && all; i++) {
        all = source.get(start + i).strip().equals(lines.get(i).strip());
      }
      if (all) {
        return true;
      }
    }
    return false;
  }
}
