package io.squall.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API's bearer tokens as a tokens file holds them: only each token's SHA-256, its scopes and a
 * name, one per line ({@code sha256:<hex> read,write loader}); {@code #} starts a comment. A token
 * presented is hashed and compared with every entry in constant time, so neither the file nor the
 * timing of an answer gives a token away.
 */
public final class ApiTokens {
  private static final String PREFIX = "sqt_";
  private static final String HASH = "sha256:";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A token of the file: what it may do, and a name for answers and logs. */
  public record Entry(Set<Scope> scopes, String name) {}

  /** An entry with the hash it is found by. */
  private record Stored(byte[] hash, Entry entry) {}

  private final List<Stored> entries;

  private ApiTokens(List<Stored> entries) {
    this.entries = List.copyOf(entries);
  }

  public static ApiTokens none() {
    return new ApiTokens(List.of());
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** The entry of {@code token}, after comparing it with every entry (never stopping early). */
  public Optional<Entry> find(String token) {
    byte[] presented = sha256(token);
    Entry found = null;
    for (Stored stored : entries) {
      if (MessageDigest.isEqual(stored.hash(), presented) && found == null) {
        found = stored.entry();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The tokens of {@code file}; a line that cannot be read is an error naming file and line. */
  public static ApiTokens read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  static ApiTokens parse(String text, String source) {
    List<Stored> entries = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int comment = line.indexOf('#');
      if (comment >= 0) {
        line = line.substring(0, comment).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      try {
        entries.add(entry(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new ApiTokens(entries);
  }

  private static Stored entry(String line) {
    String[] fields = line.split("\\s+");
    if (fields.length < 2 || fields.length > 3) {
      throw new IllegalArgumentException(
          "expected 'sha256:<64 hex digits> <scopes> [name]', found " + fields.length + " fields");
    }
    if (!fields[0].startsWith(HASH) || fields[0].length() != HASH.length() + 64) {
      throw new IllegalArgumentException(
          "a token is stored as sha256:<64 hex digits> (squall token makes one), never in clear");
    }
    byte[] hash;
    try {
      hash = HexFormat.of().parseHex(fields[0].substring(HASH.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the hash is not hexadecimal");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String scope : fields[1].split(",")) {
      scopes.add(Scope.of(scope));
    }
    return new Stored(
        hash, new Entry(Set.copyOf(scopes), fields.length == 3 ? fields[2] : "unnamed"));
  }

  /** A new random token: {@code sqt_} and 256 random bits, URL-safe. */
  public static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The tokens file line of {@code token}: its hash, never the token itself. */
  public static String line(String token, Set<Scope> scopes, String name) {
    if (name.isBlank() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '#')) {
      throw new IllegalArgumentException(
          "a token's name is one word without '#', was '" + name + "'");
    }
    return HASH
        + HexFormat.of().formatHex(sha256(token))
        + " "
        + scopes.stream().sorted().map(Scope::label).collect(Collectors.joining(","))
        + " "
        + name;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return entries.stream()
        .map(e -> e.entry().name() + " " + Arrays.toString(e.entry().scopes().toArray()))
        .collect(Collectors.joining(", ", "ApiTokens[", "]"));
  }
}
