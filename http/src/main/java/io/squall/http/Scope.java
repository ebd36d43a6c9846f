package io.squall.http;

import java.util.Locale;

/** What a bearer token may do: read figures, write readings, administer (rebuild). */
public enum Scope {
  READ,
  WRITE,
  ADMIN;

  /** The scope as tokens files and answers spell it: {@code read}, {@code write}, {@code admin}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope spelled {@code label}, or an error naming the three there are. */
  public static Scope of(String label) {
    for (Scope scope : values()) {
      if (scope.label().equals(label.strip())) {
        return scope;
      }
    }
    throw new IllegalArgumentException(
        "unknown scope '" + label.strip() + "' (expected read, write or admin)");
  }
}
