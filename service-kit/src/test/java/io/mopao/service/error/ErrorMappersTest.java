package io.mopao.service.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorMappersTest {

    /** Stands in for a persistence library's optimistic-lock failure; named in the configuration like the real ones. */
    static class VersionClash extends RuntimeException {
    }

    /** A subclass counts as its configured superclass. */
    static final class StaleRow extends VersionClash {
    }

    private final ErrorMappers mappers = new ErrorMappers(() -> List.of(VersionClash.class.getName()));

    private static ErrorBody body(Response response) {
        assertEquals("application/json", response.getMediaType().toString());
        ErrorBody body = (ErrorBody) response.getEntity();
        assertEquals(response.getStatus(), body.status(), "status in the body is the HTTP status");
        return body;
    }

    private static JsonProcessingException readFailure(String json, Class<?> type) {
        return assertThrows(JsonProcessingException.class, () -> new ObjectMapper().readValue(json, type));
    }

    record Character(String name, List<String> tags, int age, Nested book, Rating rating) {
    }

    enum Rating { GENERAL, TEEN, MATURE }

    record Nested(List<Entry> entries) {
    }

    record Entry(List<String> keys) {
    }

    @Test
    void apiExceptionKeepsStatusCodeMessageAndDetails() {
        ErrorBody body = body(mappers.api(ApiException.validation("the character is invalid", List.of("name: required"))));
        assertEquals(new ErrorBody(400, "validation_failed", "the character is invalid", List.of("name: required")), body);
        assertEquals(new ErrorBody(400, "validation_failed", "content must not be empty", List.of()),
            body(mappers.api(ApiException.invalid("content must not be empty"))));
        assertEquals(new ErrorBody(412, "version_mismatch", "the character is at version 3", List.of()),
            body(mappers.api(new ApiException(412, "version_mismatch", "the character is at version 3"))));
    }

    @Test
    void retryAfterIsSentInWholeSecondsRoundedUp() {
        Response response = mappers.api(new ApiException(429, "rate_limited", "too many turns", List.of(), Duration.ofMillis(1200)));
        assertEquals(429, response.getStatus());
        assertEquals("2", String.valueOf(response.getHeaders().getFirst("Retry-After")));
        Response soon = mappers.api(new ApiException(429, "rate_limited", "too many turns", List.of(), Duration.ofMillis(10)));
        assertEquals("1", String.valueOf(soon.getHeaders().getFirst("Retry-After")));
        assertEquals(null, mappers.api(ApiException.conflict("x")).getHeaders().getFirst("Retry-After"));
    }

    @Test
    void refusesAnApiExceptionThatIsNotAnError() {
        assertThrows(IllegalArgumentException.class, () -> new ApiException(200, "ok", "fine"));
        assertThrows(IllegalArgumentException.class, () -> new ApiException(400, " ", "no code"));
    }

    @Test
    void brokenJsonNamesLineAndColumnAndNoClassName() {
        ErrorBody body = body(mappers.json(readFailure("{\"name\": ", Character.class)));
        assertEquals("malformed_json", body.code());
        assertTrue(body.message().startsWith("the request body is not valid JSON: "), body.message());
        assertTrue(body.message().contains("(line 1, column"), body.message());
        assertTrue(!body.message().contains("io.mopao") && !body.message().contains("Character"), body.message());
    }

    @Test
    void wrongTypeNamesTheFieldPathAndWhatWasExpected() {
        ErrorBody body = body(mappers.mismatch((com.fasterxml.jackson.databind.exc.MismatchedInputException)
            readFailure("{\"book\": {\"entries\": [{\"keys\": [\"a\"]}, {\"keys\": {\"x\": 1}}]}}", Character.class)));
        assertEquals("malformed_json", body.code());
        assertEquals("the request body does not fit: 'book.entries[1].keys' should be an array", body.message());
        assertEquals(List.of("book.entries[1].keys: should be an array"), body.details());

        ErrorBody number = body(mappers.json(readFailure("{\"age\": \"old\"}", Character.class)));
        assertEquals(List.of("age: should be a number"), number.details());
        ErrorBody root = body(mappers.json(readFailure("[1, 2]", Character.class)));
        assertEquals("the request body has the wrong shape: expected an object", root.message());
        ErrorBody rating = body(mappers.json(readFailure("{\"rating\": \"bogus\"}", Character.class)));
        String accepted = rating.details().getFirst();
        assertTrue(accepted.startsWith("rating: should be one of [") && accepted.contains("GENERAL") && accepted.contains("TEEN")
            && accepted.contains("MATURE"), "the names it accepts (in Jackson's order): " + accepted);
    }

    @Test
    void tooDeepJsonIsACallersMistake() {
        ObjectMapper shallow = new ObjectMapper();
        shallow.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build());
        JsonProcessingException deep = assertThrows(JsonProcessingException.class,
            () -> shallow.readTree("[".repeat(20) + "]".repeat(20)));
        ErrorBody body = body(mappers.json(deep));
        assertEquals(400, body.status());
        assertTrue(body.message().startsWith("the request body is too deeply nested or too large"), body.message());
    }

    @Test
    void jaxRsAnswersGetACodeAndAPlainMessage() {
        ErrorBody missing = body(mappers.web(new NotFoundException()));
        assertEquals(new ErrorBody(404, "not_found", "no such resource", List.of()), missing);
        ErrorBody method = body(mappers.web(new NotAllowedException("GET")));
        assertEquals("method_not_allowed", method.code());
        ErrorBody own = body(mappers.web(new WebApplicationException("the If-Match header is required here", 428)));
        assertEquals(new ErrorBody(428, "client_error", "the If-Match header is required here", List.of()), own);
    }

    @Test
    void jsonFailureWrappedByTheBodyReaderIsStillMalformedJson() {
        WebApplicationException wrapped = new WebApplicationException(readFailure("{\"name\": ", Character.class), 400);
        assertEquals("malformed_json", body(mappers.web(wrapped)).code());
    }

    @Test
    void serverSideJaxRsFailureHidesItsMessage() {
        ErrorBody body = body(mappers.web(new WebApplicationException("connection to 10.0.0.7 refused", 502)));
        assertEquals("internal_error", body.code());
        assertTrue(!body.message().contains("10.0.0.7"), body.message());
    }

    @Test
    void apiExceptionWrappedByAReactivePipelineIsAnsweredAsItself() {
        ErrorBody body = body(mappers.other(new CompletionException(ApiException.notFound("world"))));
        assertEquals(new ErrorBody(404, "not_found", "world not found", List.of()), body);
    }

    @Test
    void configuredConcurrencyFailuresAre409AnywhereInTheCauseChain() {
        assertEquals("conflict", body(mappers.other(new VersionClash())).code());
        ErrorBody wrapped = body(mappers.other(new CompletionException(new IllegalStateException("flush", new StaleRow()))));
        assertEquals(409, wrapped.status());
        assertEquals("the resource was changed concurrently; reload it and try again", wrapped.message());
        ErrorMappers unconfigured = new ErrorMappers(List::of);
        assertEquals(500, unconfigured.other(new VersionClash()).getStatus());
    }

    @Test
    void anythingElseIsA500WithoutInternals() {
        ErrorBody body = body(mappers.other(new IllegalStateException("pool io.vertx.pgclient exhausted at 10.0.0.7")));
        assertEquals("internal_error", body.code());
        assertTrue(!body.message().contains("vertx") && !body.message().contains("10.0.0.7"), body.message());
    }

    @Test
    void securityFailuresUseTheSameShape() {
        assertEquals(new ErrorBody(401, "unauthorized", "sign in first (a bearer token is required)", List.of()),
            body(mappers.unauthorized(new io.quarkus.security.UnauthorizedException())));
        assertEquals(401, body(mappers.authenticationFailed(new io.quarkus.security.AuthenticationFailedException())).status());
        assertEquals("forbidden", body(mappers.forbidden(new io.quarkus.security.ForbiddenException())).code());
    }
}
