package io.mopao.service.input;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses requests that carry the NUL character ({@link NulCharacters}) with a 400 {@code nul_character}: in the path,
 * in a query parameter's name or value, or in a JSON or text body; in a JSON body also half of an escaped UTF-16
 * surrogate pair ({@code lone_surrogate}). Every service that depends on the kit gets it.
 * Other bodies (images, card files) are bytes; a service that reads text out of them checks it there.
 */
@Provider
public class NulGuard implements ReaderInterceptor {

    @ServerRequestFilter
    public void uri(UriInfo uri) {
        if (NulCharacters.in(uri.getPath(true))) {
            throw NulCharacters.refused("the request path");
        }
        MultivaluedMap<String, String> query = uri.getQueryParameters(true);
        for (Map.Entry<String, List<String>> p : query.entrySet()) {
            if (NulCharacters.in(p.getKey())) {
                throw NulCharacters.refused("a query parameter's name");
            }
            for (String value : p.getValue()) {
                if (value != null && NulCharacters.in(value)) {
                    throw NulCharacters.refused("the query parameter '" + p.getKey() + "'");
                }
            }
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        MediaType type = context.getMediaType();
        if (type == null || type.isWildcardType() || MediaType.APPLICATION_OCTET_STREAM_TYPE.isCompatible(type)) {
            // no declared type: the resource decides how to read it; what becomes an object or a string is text
            if (!bytes(context.getType())) {
                context.setInputStream(NulCharacters.checkedJson(context.getInputStream(), "the request body"));
            }
            return context.proceed();
        }
        if (!byteScannable(type)) {
            return context.proceed();
        }
        if (isJson(type)) {
            context.setInputStream(NulCharacters.checkedJson(context.getInputStream(), "the request body"));
        } else if ("text".equalsIgnoreCase(type.getType())) {
            context.setInputStream(NulCharacters.checkedText(context.getInputStream(), "the request body"));
        }
        return context.proceed();
    }

    /** Whether a resource reads the body as raw bytes (an upload: image, card file, archive). */
    static boolean bytes(Class<?> target) {
        return target == byte[].class || java.io.InputStream.class.isAssignableFrom(target)
            || java.io.File.class.isAssignableFrom(target) || java.nio.file.Path.class.isAssignableFrom(target);
    }

    /** Bytes of a UTF-8 (or ASCII) body: a zero byte is a NUL and a backslash is a backslash; not so in UTF-16. */
    static boolean byteScannable(MediaType type) {
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        return charset == null || "utf-8".equalsIgnoreCase(charset) || "utf8".equalsIgnoreCase(charset)
            || "us-ascii".equalsIgnoreCase(charset);
    }

    /** {@code application/json} and {@code application/*+json}. */
    static boolean isJson(MediaType type) {
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        return "application".equalsIgnoreCase(type.getType()) && ("json".equals(subtype) || subtype.endsWith("+json"));
    }
}
