package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} against the code: every environment variable Squall reads has a row
 * there, and every {@code SQUALL_*} name the page mentions is read somewhere.
 *
 * <p>What counts as reading a variable:
 *
 * <ul>
 *   <li>{@code ${?SQUALL_X}} (or {@code ${SQUALL_X}}) outside comments in any module's {@code
 *       src/main/resources/*.conf}, and {@code ${SQUALL_X}} or {@code ${SQUALL_X:-default}} in its
 *       {@code src/main/resources/*.xml} (Logback);
 *   <li>in main Java code, and in the benchmarks {@code bin/squall bench} runs (test sources named
 *       {@code Bench*.java} or {@code *Benchmark.java}): {@code getenv("SQUALL_X")}, {@code
 *       getenv().get("SQUALL_X")}, {@code env.get("SQUALL_X")} on an environment map named {@code
 *       env}, a helper given that map then the name ({@code withList(config, env, "SQUALL_X",
 *       ...)}), and picocli's {@code ${env:SQUALL_X}}. A {@code getenv} with a name that is not a
 *       literal fails the test, since no rule here could see it;
 *   <li>in {@code bin/*}, {@code .ci/run} and the {@code Dockerfile}, outside comment lines: an
 *       expansion, {@code $SQUALL_X} or {@code ${SQUALL_X...}} ({@code :-default}, {@code
 *       -default}, quoted or not). A variable a script only sets for a child process ({@code
 *       SQUALL_X=v java ...}, {@code export SQUALL_X=v}, {@code ENV SQUALL_X=v}) is not read by
 *       that script: the child that reads it is what counts.
 * </ul>
 *
 * <p>A variable is documented when it is alone, in backticks, in the first cell of a table row.
 * Variables only tests read are left out of the page, and so of this test.
 */
class ConfigurationReferenceTest {
  private static final String REFERENCE = "docs/configuration.md";
  private static final Path ROOT = projectRoot();

  private static final Pattern NAME = Pattern.compile("SQUALL_[A-Z0-9_]+");
  private static final Pattern IN_HOCON = Pattern.compile("\\$\\{\\??(SQUALL_[A-Z0-9_]+)\\}");
  private static final Pattern IN_LOGBACK = Pattern.compile("\\$\\{(SQUALL_[A-Z0-9_]+)(:-[^}]*)?}");
  private static final Pattern IN_SCRIPT = Pattern.compile("\\$\\{?[#!]?(SQUALL_[A-Z0-9_]+)");
  private static final Pattern IN_JAVA =
      Pattern.compile(
          "(?:(?:getenv\\(\\)|\\benv)\\s*\\.\\s*(?:get|getOrDefault|containsKey)\\(|getenv\\(|"
              + "\\benv\\s*,)\\s*\"(SQUALL_[A-Z0-9_]+)\"");
  private static final Pattern IN_PICOCLI = Pattern.compile("\\$\\{env:(SQUALL_[A-Z0-9_]+)}");
  private static final Pattern GETENV_BY_OTHER_NAME = Pattern.compile("getenv\\(\\s*[^\")\\s]");
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`(SQUALL_[A-Z0-9_]+)`\\s*\\|");

  @Test
  void shouldDocumentEveryVariableSquallReads() {
    Map<String, List<String>> rows = rows();
    List<String> undocumented = new ArrayList<>();
    reads()
        .forEach(
            (variable, where) -> {
              if (!rows.containsKey(variable)) {
                undocumented.add(
                    variable + " is read by " + String.join(", ", where) + " but has no row");
              }
            });
    assertEquals(List.of(), undocumented, "variables missing from " + REFERENCE);
  }

  @Test
  void shouldReadEveryVariableTheReferenceNames() {
    Map<String, List<String>> reads = reads();
    List<String> unread = new ArrayList<>();
    matches(NAME, 0, text(REFERENCE), REFERENCE)
        .forEach(
            (variable, where) -> {
              if (!reads.containsKey(variable)) {
                unread.add(variable + " at " + String.join(", ", where) + " is read nowhere");
              }
            });
    assertEquals(
        List.of(), unread, "variables in " + REFERENCE + " that no .conf, code or script reads");
  }

  @Test
  void shouldGiveEachVariableOneRow() {
    List<String> repeated = new ArrayList<>();
    rows()
        .forEach(
            (variable, where) -> {
              if (where.size() > 1) {
                repeated.add(variable + " has rows at " + String.join(", ", where));
              }
            });
    assertEquals(List.of(), repeated, REFERENCE);
  }

  @Test
  void shouldReadTheEnvironmentOnlyByNamesThisTestSees() {
    List<String> hidden = new ArrayList<>();
    for (Path file : javaReaders()) {
      String relative = relative(file);
      matches(GETENV_BY_OTHER_NAME, 0, text(relative), relative)
          .values()
          .forEach(where -> where.forEach(at -> hidden.add(at + " calls getenv with a variable")));
    }
    assertEquals(List.of(), hidden, "read the environment by literal names, which this test sees");
  }

  /** Each variable read, with where; fails when a kind of source yields none (a moved file). */
  private static Map<String, List<String>> reads() {
    Map<String, List<String>> reads = new TreeMap<>();
    Map<String, List<String>> conf = new TreeMap<>();
    Map<String, List<String>> code = new TreeMap<>();
    Map<String, List<String>> scripts = new TreeMap<>();
    for (Path resources : existing(modules().map(m -> m.resolve("src/main/resources")))) {
      for (Path file : list(resources)) {
        String name = file.getFileName().toString();
        String relative = relative(file);
        if (name.endsWith(".conf")) {
          add(conf, matches(IN_HOCON, 1, withoutLines(text(relative), "#", "//"), relative));
        } else if (name.endsWith(".xml")) {
          String xml = blank(text(relative), Pattern.compile("(?s)<!--.*?-->"));
          add(conf, matches(IN_LOGBACK, 1, xml, relative));
        }
      }
    }
    for (Path file : javaReaders()) {
      String relative = relative(file);
      add(code, matches(IN_JAVA, 1, text(relative), relative));
      add(code, matches(IN_PICOCLI, 1, text(relative), relative));
    }
    List<Path> scriptFiles = new ArrayList<>(walk(ROOT.resolve("bin"), name -> true));
    scriptFiles.addAll(existing(Stream.of(ROOT.resolve(".ci/run"), ROOT.resolve("Dockerfile"))));
    for (Path file : scriptFiles) {
      String relative = relative(file);
      add(scripts, matches(IN_SCRIPT, 1, withoutLines(text(relative), "#"), relative));
    }
    assertFalse(conf.isEmpty(), "no ${?SQUALL_...} found in any module's src/main/resources");
    assertFalse(code.isEmpty(), "no getenv(\"SQUALL_...\") found in main Java code");
    assertFalse(scripts.isEmpty(), "no $SQUALL_... found in bin/*");
    add(reads, conf);
    add(reads, code);
    add(reads, scripts);
    return reads;
  }

  /** The variables with a row in the reference, with the lines of their rows. */
  private static Map<String, List<String>> rows() {
    Map<String, List<String>> rows = new TreeMap<>();
    String[] lines = text(REFERENCE).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher row = ROW.matcher(lines[i]);
      if (row.find()) {
        rows.computeIfAbsent(row.group(1), v -> new ArrayList<>()).add(REFERENCE + ":" + (i + 1));
      }
    }
    return rows;
  }

  /** Main Java sources of every module, and the benchmarks' sources. */
  private static List<Path> javaReaders() {
    List<Path> files = new ArrayList<>();
    for (Path module : modules().toList()) {
      files.addAll(walk(module.resolve("src/main/java"), name -> name.endsWith(".java")));
      files.addAll(
          walk(
              module.resolve("src/test/java"),
              name -> name.startsWith("Bench") || name.endsWith("Benchmark.java")));
    }
    assertFalse(files.isEmpty(), "no Java sources under " + ROOT);
    return files;
  }

  private static Map<String, List<String>> matches(
      Pattern pattern, int group, String text, String file) {
    Map<String, List<String>> found = new TreeMap<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      int line = (int) text.substring(0, matcher.start()).chars().filter(c -> c == '\n').count();
      found
          .computeIfAbsent(matcher.group(group), v -> new ArrayList<>())
          .add(file + ":" + (line + 1));
    }
    return found;
  }

  private static void add(Map<String, List<String>> into, Map<String, List<String>> from) {
    from.forEach(
        (variable, where) -> into.computeIfAbsent(variable, v -> new ArrayList<>()).addAll(where));
  }

  /** {@code text} with every line that starts with one of {@code prefixes} left empty. */
  private static String withoutLines(String text, String... prefixes) {
    return String.join(
        "\n",
        Stream.of(text.split("\n", -1))
            .map(line -> Stream.of(prefixes).anyMatch(line.strip()::startsWith) ? "" : line)
            .toList());
  }

  /** {@code text} with what {@code pattern} matches blanked, line breaks kept. */
  private static String blank(String text, Pattern pattern) {
    return pattern.matcher(text).replaceAll(m -> m.group().replaceAll("[^\n]", " "));
  }

  /** The repository's root: the nearest directory up whose pom.xml lists the node module. */
  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (Files.isRegularFile(pom) && read(pom).contains("<module>node</module>")) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no pom.xml with <module>node</module> above " + Path.of("").toAbsolutePath());
  }

  private static Stream<Path> modules() {
    return list(ROOT).stream()
        .filter(dir -> Files.isDirectory(dir.resolve("src")))
        .filter(dir -> !dir.getFileName().toString().startsWith("."));
  }

  private static List<Path> existing(Stream<Path> paths) {
    return paths.filter(Files::exists).toList();
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> walk(Path dir, Predicate<String> name) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> name.test(file.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String relative(Path file) {
    return ROOT.relativize(file).toString();
  }

  private static String text(String relative) {
    return read(ROOT.resolve(relative));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
