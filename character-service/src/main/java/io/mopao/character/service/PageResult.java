package io.mopao.character.service;

import java.util.List;

/**
 * One page of results.
 *
 * @param items the page's items
 * @param page page index (0-based)
 * @param size page size asked for
 * @param total number of matching items
 */
public record PageResult<T>(List<T> items, int page, int size, long total) {
}
