package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's usage errors: exit code 2 and a message that names the fault. */
class CliTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "status --url|Missing required parameter for option '--url'",
        "status -o yaml|Invalid value for option '--output'",
        "journal|Missing required parameter: 'DEVICE'",
        "journal x --from yesterday|'yesterday' is neither",
        "load|Missing required parameter: 'FILE'",
        "nosuch|Unmatched argument"
      })
  void shouldExitTwoOnAUsageErrorNamingIt(String caseAndMessage) throws Exception {
    String[] parts = caseAndMessage.split("\\|");
    StringWriter err = new StringWriter();
    int code = Cli.commandLine().setErr(new PrintWriter(err)).execute(parts[0].split(" "));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains(parts[1]), err.toString());
  }
}
