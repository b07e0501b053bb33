package dev.cascade.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The fenced code blocks of README.md and docs/*.md, each with the marker comment that precedes it,
 * if any. A marker is an HTML comment (invisible in rendered Markdown) on the line right before the
 * opening fence:
 *
 * <ul>
 *   <li>{@code <!-- snippet: members -->}: the Java block is class members (methods, fields, nested
 *       classes), not statements.
 *   <li>{@code <!-- snippet: unit -->}: the Java block is a whole source file (package, imports, a
 *       public type), compiled as it is.
 *   <li>{@code <!-- snippet: continues -->}: the Java block goes on from the previous Java block of
 *       the same page (same kind), in one compilation unit: it may use what that block declared.
 *   <li>{@code <!-- snippet: excerpt of <path> -->}: the Java block is quoted from a compiled source
 *       file (relative to the repository root); its lines must appear there, consecutively, with
 *       the same text apart from indentation.
 *   <li>{@code <!-- output of <main class> -->}, optionally followed by {@code needs=redis} or
 *       {@code needs=memcached} (the example then runs against a testkit server, given its address
 *       as the first argument): the block is an extract of what that example prints: its lines must
 *       appear in the output in this order. A number written {@code ~123} in the extract stands for any number (durations
 *       and other figures that differ from run to run).
 * </ul>
 *
 * A Java block without a marker is statements. Blocks in other languages are not checked. Not
 * thread-safe; used by one test at a time.
 */
final class DocBlocks {
  private static final Pattern MARKER = Pattern.compile("^<!--\\s*(snippet:|output of)\\s*(.*?)\\s*-->\\s*$");
  private static final Pattern FENCE = Pattern.compile("^```\\s*([A-Za-z0-9_+-]*)\\s*$");

  /** One fenced block: where it is, its language (empty if none), its marker and its lines. */
  record Block(String file, int firstLine, String language, @Nullable Marker marker, List<String> lines) {
    String where() {
      return file + ":" + firstLine;
    }

    boolean isJava() {
      return language.equals("java");
    }
  }

  /** A marker comment: {@code snippet} or {@code output}, and what follows the keyword. */
  record Marker(String kind, String argument, int line) {}

  private DocBlocks() {}

  /** Returns the repository root: the nearest directory at or above the working directory with README.md and docs/. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no README.md and docs/ at or above " + Path.of("").toAbsolutePath());
  }

  /** Returns the blocks of README.md and of every docs/*.md under {@code root}, page by page. */
  static List<Block> of(Path root) {
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    for (Path page : pages) {
      try {
        blocks.addAll(parse(root.relativize(page).toString(), Files.readAllLines(page, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return blocks;
  }

  /**
   * Returns the fenced blocks of one page. A marker that is not followed by a fence, or a fence
   * left open, throws {@link IllegalArgumentException} naming the line.
   */
  static List<Block> parse(String file, List<String> lines) {
    List<Block> blocks = new ArrayList<>();
    Marker pending = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher marker = MARKER.matcher(line.strip());
      if (marker.matches()) {
        pending = new Marker(marker.group(1).startsWith("snippet") ? "snippet" : "output", marker.group(2), i + 1);
        continue;
      }
      Matcher fence = FENCE.matcher(line);
      if (fence.matches()) {
        int start = i + 1;
        List<String> body = new ArrayList<>();
        i++;
        while (i < lines.size() && !lines.get(i).startsWith("```")) {
          body.add(lines.get(i));
          i++;
        }
        if (i == lines.size()) {
          throw new IllegalArgumentException(file + ":" + start + ": code block is never closed");
        }
        blocks.add(new Block(file, start + 1, fence.group(1), pending, List.copyOf(body)));
        pending = null;
        continue;
      }
      if (pending != null) {
        throw new IllegalArgumentException(
            file + ":" + pending.line() + ": a marker must be on the line right before a code block");
      }
    }
    if (pending != null) {
      throw new IllegalArgumentException(file + ":" + pending.line() + ": a marker with no code block after it");
    }
    return blocks;
  }
}
