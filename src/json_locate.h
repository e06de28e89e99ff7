/*
 * json_locate.h -- where a JSON pointer's value stands in the source text.
 *
 * jansson keeps no source positions, so when validation rejects a value the
 * original text is walked again to report the line and column of that value.
 */
#ifndef KT_JSON_LOCATE_H
#define KT_JSON_LOCATE_H

#include <stddef.h>

/* Finds the value that the RFC 6901 JSON pointer `pointer` names in the JSON
 * text `text` (len bytes, not NUL-terminated necessarily) and sets *line and
 * *column (1-based; column counts bytes from the line's start) to where that
 * value begins. For the pointer "" the whole document's first value.
 * If the pointer names a member that does not exist, or an array index past the
 * end, it locates the nearest existing ancestor value (the object or array that
 * lacks it) and returns 1. Returns 0 when the exact value was found, 1 when an
 * ancestor was located instead, -1 if the text is not JSON enough to walk
 * (then *line and *column are set to where scanning stopped). */
int kt_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column);

#endif
