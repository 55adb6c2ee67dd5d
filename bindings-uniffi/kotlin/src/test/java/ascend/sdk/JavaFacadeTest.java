package ascend.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java-friendly facade as a Spring service would call it: futures, blocking calls, typed exceptions. */
class JavaFacadeTest {
    private static MockServer mock;
    private static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        mock = new MockServer();
        tmp = Files.createTempDirectory("ascend-java");
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    private static JavaAscendClient client() {
        return new JavaAscendClient(JavaAscend.config("test-api-key-0001", mock.getUrl(), "java-agent", "Java Agent",
                FailMode.CLOSED, tmp.resolve("spool.jsonl").toString()));
    }

    @Test
    void futuresBlockingCallsAndTypedErrors() throws Exception {
        mock.reset();
        mock.script(List.of(Map.of(
                "match", Map.of("method", "POST", "path", "/api/v1/actions/submit"), "repeat", true,
                "respond", Map.of("body", Map.of("id", 9, "status", "approved", "risk_score", 20.0)))));
        try (JavaAscendClient client = client()) {
            CompletableFuture<AuthorizationDecision> future =
                    client.evaluateActionAsync(JavaAscend.action("query", "db", null, "{\"a\": {\"b\": [1, 2]}}", false));
            AuthorizationDecision r = future.get(30, TimeUnit.SECONDS);
            assertEquals(Decision.ALLOWED, r.getDecision());
            assertEquals("9", r.getActionId());
            assertEquals(20.0, r.getRiskScore());
            assertEquals("approved", Ascend.getStatus(r), "derived fields read through the core, from Java too");

            AuthorizationDecision blocking = client.evaluateAction(JavaAscend.action("query", "db"));
            assertEquals(Decision.ALLOWED, blocking.getDecision());

            AscendException.Validation e = assertThrows(AscendException.Validation.class,
                    () -> client.evaluateAction(JavaAscend.action("query", " ")));
            assertEquals("resource", e.getField());
            assertEquals("VALIDATION_ERROR", JavaAscend.code(e));

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> client.evaluateActionAsync(JavaAscend.action(" ", "db")).get(30, TimeUnit.SECONDS));
            assertTrue(failed.getCause() instanceof AscendException.Validation, String.valueOf(failed.getCause()));
        }
    }

    @Test
    void cancellingAFutureStopsTheWait() throws Exception {
        mock.reset();
        mock.script(List.of(Map.of(
                "match", Map.of("method", "GET", "path_prefix", "/api/v1/actions/"), "repeat", true,
                "respond", Map.of("body", Map.of("id", 41, "status", "pending")))));
        try (JavaAscendClient client = client()) {
            CompletableFuture<AuthorizationDecision> wait = client.waitForDecisionAsync("41", 60_000, 20);
            Thread.sleep(300);
            assertTrue(wait.cancel(true));
            assertTrue(wait.isCancelled());
            // The coroutine is cancelled asynchronously (on a Default thread): once it has been, polling stops for good.
            Thread.sleep(500);
            int after = mock.requests().getFirst().size();
            Thread.sleep(500);
            assertEquals(after, mock.requests().getFirst().size(), "no polls after the future was cancelled");
        }
    }
}
