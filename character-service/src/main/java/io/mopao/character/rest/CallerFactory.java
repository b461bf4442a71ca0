package io.mopao.character.rest;

import io.mopao.character.service.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The {@link Caller} of the current request, from the validated token (subject, preferred_username, realm roles). */
@ApplicationScoped
public class CallerFactory {

    private final SecurityIdentity identity;

    public CallerFactory(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Caller caller(String traceparent) {
        if (identity.isAnonymous()) {
            return Caller.anonymous(traceparent);
        }
        String subject = identity.getPrincipal().getName();
        String name = subject;
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            subject = jwt.getSubject() != null ? jwt.getSubject() : subject;
            String preferred = jwt.getClaim("preferred_username");
            name = preferred != null ? preferred : subject;
        }
        return new Caller(subject, name, identity.getRoles(), traceparent);
    }
}
