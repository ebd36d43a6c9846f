package io.squall.projections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps {@code io.squall.projections} free of its {@code internal}: no cycle between the two. */
class PackageDependenciesTest {

  @Test
  void shouldNotReferToTheInternalPackageFromThePublicOne() throws IOException {
    Path sources = Path.of("src/main/java/io/squall/projections");
    try (Stream<Path> files = Files.list(sources)) {
      List<Path> java = files.filter(file -> file.toString().endsWith(".java")).toList();
      assertTrue(java.contains(sources.resolve("AggregatesProjection.java")), "read " + java);
      List<String> offending =
          java.stream()
              .filter(file -> read(file).contains("io.squall.projections.internal"))
              .map(file -> file.getFileName().toString())
              .sorted()
              .toList();
      assertEquals(List.of(), offending, "public classes that refer to internal");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
