package io.mopao.story.rest;

import io.mopao.story.service.SessionService;
import io.quarkus.security.identity.SecurityIdentity;
import java.security.Principal;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller as a player: the token's {@code sub} and {@code preferred_username}. */
public final class Players {

    private Players() {
    }

    public static SessionService.Player of(SecurityIdentity identity) {
        Principal principal = identity.getPrincipal();
        if (principal instanceof JsonWebToken jwt) {
            String name = jwt.getClaim("preferred_username");
            return new SessionService.Player(jwt.getSubject(), name == null ? jwt.getSubject() : name);
        }
        return new SessionService.Player(principal.getName(), principal.getName());
    }
}
