package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.http.ApiTokens;
import io.squall.http.Scope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's usage errors (exit code 2, a message naming the fault), and tokens. */
class CliTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "status --url|Missing required parameter for option '--url'",
        "status -o yaml|Invalid value for option '--output'",
        "journal|Missing required parameter: 'DEVICE'",
        "journal x --from yesterday|'yesterday' is neither",
        "load|Missing required parameter: 'FILE'",
        "token --name ci|Missing required option: '--scopes=SCOPE'",
        "token --scopes read,root --name ci|unknown scope 'root' (expected read, write or admin)",
        "token --scopes read --name two#words|a token's name is one word without '#'",
        "nosuch|Unmatched argument"
      })
  void shouldExitTwoOnAUsageErrorNamingIt(String caseAndMessage) throws Exception {
    String[] parts = caseAndMessage.split("\\|");
    StringWriter err = new StringWriter();
    int code = Cli.commandLine().setErr(new PrintWriter(err)).execute(parts[0].split(" "));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains(parts[1]), err.toString());
  }

  @Test
  void shouldPrintANewTokenOnceAndAppendOnlyItsHashToTheTokensFile() throws Exception {
    Path file = Files.createTempDirectory("squall-cli").resolve("tokens");
    String loader = newToken(file, "write,read", "loader");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    // an operator's edit without a newline at the end
    Files.writeString(file, "# ops, below", StandardOpenOption.APPEND);
    String ops = newToken(file, "admin", "ops");

    String stored = Files.readString(file);
    assertFalse(stored.contains(loader) || stored.contains(ops), stored);
    ApiTokens tokens = ApiTokens.read(file);
    assertEquals(EnumSet.of(Scope.READ, Scope.WRITE), tokens.find(loader).orElseThrow().scopes());
    assertEquals("loader", tokens.find(loader).orElseThrow().name());
    assertEquals(EnumSet.of(Scope.ADMIN), tokens.find(ops).orElseThrow().scopes());
  }

  /** {@code squall token --append file}: the token it printed. */
  private static String newToken(Path file, String scopes, String name) {
    StringWriter out = new StringWriter();
    int code =
        Cli.commandLine()
            .setOut(new PrintWriter(out))
            .execute("token", "--scopes", scopes, "--name", name, "--append", file.toString());
    assertEquals(0, code, out.toString());
    Matcher printed = Pattern.compile("sqt_[A-Za-z0-9_-]{43}").matcher(out.toString());
    assertTrue(printed.find(), out.toString());
    return printed.group();
  }
}
