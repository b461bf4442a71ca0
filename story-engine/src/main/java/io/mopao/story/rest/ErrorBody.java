package io.mopao.story.rest;

import java.util.List;

/** The one error shape of every Mopao service. */
public record ErrorBody(int status, String code, String message, List<String> details) {
}
