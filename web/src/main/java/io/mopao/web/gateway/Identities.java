package io.mopao.web.gateway;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The signed-in user of a request, as established by the OIDC session cookie (proactive authentication). */
final class Identities {

    private Identities() {
    }

    static Optional<SecurityIdentity> of(RoutingContext ctx) {
        if (ctx.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous()) {
            return Optional.of(user.getSecurityIdentity());
        }
        return Optional.empty();
    }

    /** The user's current access token (refreshed by quarkus-oidc before it expires), if signed in. */
    static Optional<String> accessToken(RoutingContext ctx) {
        return of(ctx).map(id -> id.getCredential(AccessTokenCredential.class)).map(AccessTokenCredential::getToken);
    }
}
