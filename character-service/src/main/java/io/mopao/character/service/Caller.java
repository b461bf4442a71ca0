package io.mopao.character.service;

import java.util.Set;

/**
 * Who is calling: the token's subject and display name and its realm roles; anonymous when {@code userId} is null.
 *
 * @param userId Keycloak subject ({@code sub}), null for anonymous callers
 * @param name display name ({@code preferred_username})
 * @param roles realm roles
 * @param traceparent W3C trace context of the request, passed on to events (may be null)
 */
public record Caller(String userId, String name, Set<String> roles, String traceparent) {

    public static final String PLAYER = "player";
    public static final String CREATOR = "creator";
    public static final String MODERATOR = "moderator";
    public static final String ADMIN = "admin";

    public Caller {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public static Caller anonymous(String traceparent) {
        return new Caller(null, null, Set.of(), traceparent);
    }

    public boolean anonymous() {
        return userId == null;
    }

    public boolean admin() {
        return roles.contains(ADMIN);
    }

    /** Moderators (and admins) may read and hide any character. */
    public boolean moderator() {
        return roles.contains(MODERATOR) || admin();
    }

    /** Creators (and admins) may create and import characters. */
    public boolean creator() {
        return roles.contains(CREATOR) || admin();
    }

    public boolean owns(String ownerId) {
        return userId != null && userId.equals(ownerId);
    }
}
