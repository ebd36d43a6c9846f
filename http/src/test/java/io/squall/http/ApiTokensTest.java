package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ApiTokensTest {
  @Test
  void shouldFindATokenByItsHashAndNeverStoreTheToken() {
    String token = ApiTokens.newToken();
    String line = ApiTokens.line(token, EnumSet.of(Scope.WRITE, Scope.READ), "loader");

    assertFalse(line.contains(token.substring(4)), line);
    assertTrue(line.startsWith("sha256:") && line.endsWith(" read,write loader"), line);
    ApiTokens tokens = ApiTokens.parse("# tokens\n\n" + line + "  # the loader\n", "tokens");
    assertEquals(EnumSet.of(Scope.READ, Scope.WRITE), tokens.find(token).orElseThrow().scopes());
    assertEquals("loader", tokens.find(token).orElseThrow().name());
    assertTrue(tokens.find(ApiTokens.newToken()).isEmpty());
    assertTrue(tokens.find(token + "x").isEmpty());
  }

  @Test
  void shouldMakeADifferentTokenEachTime() {
    String token = ApiTokens.newToken();
    assertTrue(token.matches("sqt_[A-Za-z0-9_-]{43}"), token);
    assertFalse(token.equals(ApiTokens.newToken()));
  }

  @Test
  void shouldNameTheFileAndLineOfAWrongEntry() {
    String good = ApiTokens.line(ApiTokens.newToken(), EnumSet.of(Scope.ADMIN), "ops");
    IllegalArgumentException clear =
        assertThrows(
            IllegalArgumentException.class,
            () -> ApiTokens.parse(good + "\nsqt_secret admin ops\n", "/etc/squall/tokens"));
    assertTrue(clear.getMessage().startsWith("/etc/squall/tokens line 2: "), clear.getMessage());
    assertTrue(clear.getMessage().contains("never in clear"), clear.getMessage());

    IllegalArgumentException scope =
        assertThrows(
            IllegalArgumentException.class,
            () -> ApiTokens.parse(good.replace("admin", "root"), "tokens"));
    assertEquals(
        "tokens line 1: unknown scope 'root' (expected read, write or admin)", scope.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ApiTokens.line(ApiTokens.newToken(), EnumSet.of(Scope.READ), "two words"));
  }
}
