package io.mopao.world.service;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling: the token's {@code sub}, display name and realm roles; anonymous callers have a null id.
 *
 * @param id Keycloak subject, null when anonymous
 * @param name preferred_username (or the id)
 * @param creator has role creator or admin
 * @param moderator has role moderator or admin
 * @param admin has role admin
 */
public record CurrentUser(String id, String name, boolean creator, boolean moderator, boolean admin) {

    public static final CurrentUser ANONYMOUS = new CurrentUser(null, null, false, false, false);

    public static CurrentUser of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return ANONYMOUS;
        }
        String id = identity.getPrincipal().getName();
        String name = id;
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            id = jwt.getSubject() != null ? jwt.getSubject() : id;
            String preferred = jwt.getClaim("preferred_username");
            name = preferred != null ? preferred : id;
        }
        boolean admin = identity.hasRole("admin");
        return new CurrentUser(id, name, admin || identity.hasRole("creator"), admin || identity.hasRole("moderator"), admin);
    }

    public boolean anonymous() {
        return id == null;
    }

    /** True when this user may change content owned by {@code ownerId}. */
    public boolean mayEdit(String ownerId) {
        return admin || (id != null && id.equals(ownerId));
    }
}
