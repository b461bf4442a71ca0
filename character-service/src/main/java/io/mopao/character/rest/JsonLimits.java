package io.mopao.character.rest;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Request bodies get the same limits as card JSON: bounded nesting ({@code mopao.character.json-max-depth}), no
 * duplicate keys. Reads the property directly: the object mapper is built before config mappings are available.
 */
@Singleton
public class JsonLimits implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        int depth = ConfigProvider.getConfig().getOptionalValue("mopao.character.json-max-depth", Integer.class).orElse(64);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(depth).build());
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    }
}
