package io.mopao.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TurnMdcTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void putsTheTurnsIdsAndTheTraceAndSpanOfItsTraceparent() {
        try (TurnMdc mdc = TurnMdc.open("t1", "s1", null, "m1", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")) {
            assertEquals("t1", MDC.get(TurnMdc.TURN));
            assertEquals("s1", MDC.get(TurnMdc.SESSION));
            assertNull(MDC.get(TurnMdc.ATTEMPT));
            mdc.attempt("a1");
            assertEquals("a1", MDC.get(TurnMdc.ATTEMPT));
            assertEquals("m1", MDC.get(TurnMdc.MODEL));
            assertEquals("0af7651916cd43dd8448eb211c80319c", MDC.get(TurnMdc.TRACE));
            assertEquals("b7ad6b7169203331", MDC.get(TurnMdc.SPAN));
        }
        for (String key : new String[] {TurnMdc.TURN, TurnMdc.SESSION, TurnMdc.ATTEMPT, TurnMdc.MODEL, TurnMdc.TRACE, TurnMdc.SPAN}) {
            assertNull(MDC.get(key), key + " is cleared when the turn's scope closes");
        }
    }

    @Test
    void closingANestedScopeRestoresTheOuterOne() {
        MDC.put("unrelated", "kept");
        try (TurnMdc outer = TurnMdc.open("outer", "s-outer", "a-outer", "m", null)) {
            try (TurnMdc inner = TurnMdc.open("inner", null, null, "m", "not a traceparent")) {
                assertEquals("inner", MDC.get(TurnMdc.TURN));
                assertNull(MDC.get(TurnMdc.SESSION), "a scope without a session does not show the outer one's");
                assertNull(MDC.get(TurnMdc.TRACE));
            }
            assertEquals("outer", MDC.get(TurnMdc.TURN));
            assertEquals("s-outer", MDC.get(TurnMdc.SESSION));
            assertEquals("a-outer", MDC.get(TurnMdc.ATTEMPT));
        }
        assertNull(MDC.get(TurnMdc.TURN));
        assertEquals("kept", MDC.get("unrelated"));
    }
}
