/*
 * json_locate.c -- maps an RFC 6901 JSON pointer to the line and column where
 * the value it names begins in the JSON text.
 *
 * The scanner walks only what the pointer needs: it enters the containers on
 * the path, compares their keys (decoding escapes on the fly) and skips every
 * other value without decoding it. It allocates nothing and never recurses;
 * nesting while skipping is kept in a fixed bit stack, so hostile input such
 * as 100000 '[' cannot exhaust the C stack.
 *
 * Choices the header leaves open:
 *  - A UTF-8 byte order mark is not part of the text: columns on line 1 count
 *    from the byte after it, as an editor shows them.
 *  - A pointer that is not RFC 6901 (no leading '/', or '~' not followed by
 *    '0' or '1') names nothing to walk towards: -1 at the document's value.
 *  - Only the path and the values skipped on the way are checked, not the
 *    whole text; a container found to lack a member has been scanned to its
 *    end, so 1 is only returned for a well-formed ancestor.
 */
#include "json_locate.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Containers nested deeper than this make the text "not JSON enough". */
#define MAX_DEPTH 512

/* The text being scanned and the offset of the next byte to read. */
struct cursor {
    const char *text;
    size_t len;
    size_t pos;
};

/* One pointer token still in its escaped form ("a~1b" names the key "a/b");
 * its '~' escapes have been checked before it is compared. */
struct token {
    const char *chars;
    size_t len;
};

/* Running comparison of a key, decoded byte by byte, with a token. */
struct key_match {
    const struct token *want;
    size_t at;  /* next unread byte of want->chars */
    bool equal; /* every key byte so far matched */
};

/* How looking for one token inside a container ended. */
enum step_result {
    STEP_FOUND,   /* cursor is on the member's or element's value */
    STEP_MISSING, /* the container ended without it */
    STEP_BROKEN,  /* the text is not JSON; cursor is where it went wrong */
};

/* The byte at the cursor, or -1 at the end of the text. */
static int peek(const struct cursor *c) {
    return c->pos < c->len ? (unsigned char)c->text[c->pos] : -1;
}

static bool accept(struct cursor *c, char ch) {
    if (peek(c) != (unsigned char)ch)
        return false;
    c->pos++;
    return true;
}

static void skip_whitespace(struct cursor *c) {
    while (c->pos < c->len) {
        char ch = c->text[c->pos];
        if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
            return;
        c->pos++;
    }
}

static bool is_digit(int ch) {
    return ch >= '0' && ch <= '9';
}

static int hex_value(int ch) {
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* RFC 6901 allows '~' only as "~0" or "~1"; anything else is not a pointer. */
static bool token_is_well_formed(const struct token *t) {
    for (size_t i = 0; i < t->len; i++)
        if (t->chars[i] == '~' && (i + 1 >= t->len || (t->chars[i + 1] != '0' && t->chars[i + 1] != '1')))
            return false;
    return true;
}

/* The array index a token names, or SIZE_MAX when it names none (not a
 * decimal without leading zeros, "-" for past-the-end, or too large to exist). */
static size_t token_array_index(const struct token *t) {
    if (t->len == 0 || (t->len > 1 && t->chars[0] == '0'))
        return SIZE_MAX;
    size_t index = 0;
    for (size_t i = 0; i < t->len; i++) {
        if (!is_digit((unsigned char)t->chars[i]))
            return SIZE_MAX;
        size_t digit = (size_t)(t->chars[i] - '0');
        if (index > (SIZE_MAX - 1 - digit) / 10)
            return SIZE_MAX; /* no text of size_t bytes has that many elements */
        index = index * 10 + digit;
    }
    return index;
}

static void match_byte(struct key_match *m, unsigned char b) {
    if (!m->equal)
        return;
    if (m->at >= m->want->len) {
        m->equal = false;
        return;
    }
    unsigned char want = (unsigned char)m->want->chars[m->at++];
    if (want == '~') /* well-formed, so an escape digit follows */
        want = m->want->chars[m->at++] == '0' ? '~' : '/';
    if (want != b)
        m->equal = false;
}

/* Feeds the UTF-8 form of a \u escape; a lone surrogate gets the 3-byte form
 * no real pointer can contain, so it simply never matches. */
static void match_code_point(struct key_match *m, uint32_t cp) {
    if (cp < 0x80) {
        match_byte(m, (unsigned char)cp);
    } else if (cp < 0x800) {
        match_byte(m, (unsigned char)(0xC0 | (cp >> 6)));
        match_byte(m, (unsigned char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        match_byte(m, (unsigned char)(0xE0 | (cp >> 12)));
        match_byte(m, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
        match_byte(m, (unsigned char)(0x80 | (cp & 0x3F)));
    } else {
        match_byte(m, (unsigned char)(0xF0 | (cp >> 18)));
        match_byte(m, (unsigned char)(0x80 | ((cp >> 12) & 0x3F)));
        match_byte(m, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
        match_byte(m, (unsigned char)(0x80 | (cp & 0x3F)));
    }
}

static bool match_complete(const struct key_match *m) {
    return m->equal && m->at == m->want->len;
}

/* Reads the four hex digits of a \u escape; on failure the cursor stays on
 * the first bad byte. */
static bool read_hex4(struct cursor *c, uint32_t *out) {
    uint32_t value = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hex_value(peek(c));
        if (digit < 0)
            return false;
        value = (value << 4) | (uint32_t)digit;
        c->pos++;
    }
    *out = value;
    return true;
}

/* Reads the \u escape whose 'u' was just consumed, joining a surrogate pair
 * into one code point when the low half follows. */
static bool read_unicode_escape(struct cursor *c, uint32_t *cp) {
    if (!read_hex4(c, cp))
        return false;
    if (*cp < 0xD800 || *cp > 0xDBFF)
        return true;
    if (c->len - c->pos < 2 || c->text[c->pos] != '\\' || c->text[c->pos + 1] != 'u')
        return true; /* lone high surrogate */
    size_t after_high = c->pos;
    c->pos += 2;
    uint32_t low;
    if (read_hex4(c, &low) && low >= 0xDC00 && low <= 0xDFFF) {
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (low - 0xDC00);
        return true;
    }
    c->pos = after_high; /* not a pair: the next escape is read on its own */
    return true;
}

/* Reads the string whose opening quote is at the cursor and leaves the cursor
 * after its closing quote. When m is not NULL the decoded bytes are compared
 * with m's token. Raw control bytes are let through: rejecting them would not
 * help find anything. */
static bool read_string(struct cursor *c, struct key_match *m) {
    if (!accept(c, '"'))
        return false;
    for (;;) {
        int ch = peek(c);
        if (ch < 0)
            return false;
        c->pos++;
        if (ch == '"')
            return true;
        if (ch != '\\') {
            if (m)
                match_byte(m, (unsigned char)ch);
            continue;
        }
        int escape = peek(c);
        unsigned char decoded;
        switch (escape) {
        case '"':
        case '\\':
        case '/': decoded = (unsigned char)escape; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u': {
            c->pos++;
            uint32_t cp;
            if (!read_unicode_escape(c, &cp))
                return false;
            if (m)
                match_code_point(m, cp);
            continue;
        }
        default: return false; /* cursor stays on the bad escape */
        }
        c->pos++;
        if (m)
            match_byte(m, decoded);
    }
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool skip_number(struct cursor *c) {
    accept(c, '-');
    if (!accept(c, '0')) {
        if (!is_digit(peek(c)))
            return false;
        while (is_digit(peek(c)))
            c->pos++;
    }
    if (accept(c, '.')) {
        if (!is_digit(peek(c)))
            return false;
        while (is_digit(peek(c)))
            c->pos++;
    }
    if (accept(c, 'e') || accept(c, 'E')) {
        if (!accept(c, '+'))
            accept(c, '-');
        if (!is_digit(peek(c)))
            return false;
        while (is_digit(peek(c)))
            c->pos++;
    }
    return true;
}

/* true, false or null; on a mismatch the cursor stays on the literal's start. */
static bool skip_literal(struct cursor *c, const char *word) {
    size_t n = strlen(word);
    if (c->len - c->pos < n || memcmp(c->text + c->pos, word, n) != 0)
        return false;
    c->pos += n;
    return true;
}

/* Skips a string, number or literal; false for anything else (containers
 * included). */
static bool skip_scalar(struct cursor *c) {
    int ch = peek(c);
    if (ch == '"')
        return read_string(c, NULL);
    if (ch == '-' || is_digit(ch))
        return skip_number(c);
    if (ch == 't')
        return skip_literal(c, "true");
    if (ch == 'f')
        return skip_literal(c, "false");
    if (ch == 'n')
        return skip_literal(c, "null");
    return false;
}

/* Reads `"key" :` and the whitespace after it, leaving the cursor on the
 * member's value. */
static bool read_member_name(struct cursor *c, struct key_match *m) {
    skip_whitespace(c);
    if (peek(c) != '"' || !read_string(c, m))
        return false;
    skip_whitespace(c);
    if (!accept(c, ':'))
        return false;
    skip_whitespace(c);
    return true;
}

/* Skips the value at the cursor. `depth` containers are already open around
 * it; together with the ones opened here they may not exceed MAX_DEPTH. The
 * kind of each open container is one bit, so no recursion is needed. */
static bool skip_value(struct cursor *c, int depth) {
    unsigned char is_object[MAX_DEPTH / CHAR_BIT + 1] = {0};
    int open = 0;
    for (;;) {
        /* The cursor is where a value must start. */
        skip_whitespace(c);
        int ch = peek(c);
        if (ch != '{' && ch != '[') {
            if (!skip_scalar(c))
                return false;
        } else {
            if (depth + open >= MAX_DEPTH)
                return false;
            bool object = ch == '{';
            if (object)
                is_object[open / CHAR_BIT] |= (unsigned char)(1u << (open % CHAR_BIT));
            else
                is_object[open / CHAR_BIT] &= (unsigned char)~(1u << (open % CHAR_BIT));
            open++;
            c->pos++;
            skip_whitespace(c);
            if (!accept(c, object ? '}' : ']')) {
                if (object && !read_member_name(c, NULL))
                    return false;
                continue; /* to the first value inside */
            }
            open--; /* empty container: done with it already */
        }
        /* A value just ended: close containers until one has more values. */
        for (;;) {
            if (open == 0)
                return true;
            bool object = (is_object[(open - 1) / CHAR_BIT] >> ((open - 1) % CHAR_BIT)) & 1u;
            skip_whitespace(c);
            if (accept(c, ',')) {
                if (object && !read_member_name(c, NULL))
                    return false;
                break;
            }
            if (!accept(c, object ? '}' : ']'))
                return false;
            open--;
        }
    }
}

/* The cursor is on '{', which makes `depth` open containers. Looks for the
 * first member named by `name`. */
static enum step_result find_member(struct cursor *c, const struct token *name, int depth) {
    c->pos++;
    skip_whitespace(c);
    if (accept(c, '}'))
        return STEP_MISSING;
    for (;;) {
        struct key_match m = {.want = name, .at = 0, .equal = true};
        if (!read_member_name(c, &m))
            return STEP_BROKEN;
        if (match_complete(&m))
            return STEP_FOUND; /* the first of duplicate keys wins */
        if (!skip_value(c, depth))
            return STEP_BROKEN;
        skip_whitespace(c);
        if (accept(c, '}'))
            return STEP_MISSING;
        if (!accept(c, ','))
            return STEP_BROKEN;
    }
}

/* The cursor is on '[', which makes `depth` open containers. Looks for the
 * element at `index` (SIZE_MAX: one that cannot exist). */
static enum step_result find_element(struct cursor *c, size_t index, int depth) {
    c->pos++;
    skip_whitespace(c);
    if (accept(c, ']'))
        return STEP_MISSING;
    for (size_t i = 0;; i++) {
        skip_whitespace(c);
        if (i == index)
            return STEP_FOUND;
        if (!skip_value(c, depth))
            return STEP_BROKEN;
        skip_whitespace(c);
        if (accept(c, ']'))
            return STEP_MISSING;
        if (!accept(c, ','))
            return STEP_BROKEN;
    }
}

/* Follows the pointer from the value at the cursor, leaving the cursor on the
 * value to report. Returns 0, 1 or -1 as kt_json_locate does. */
static int walk(struct cursor *c, const char *pointer) {
    if (pointer == NULL || (pointer[0] != '\0' && pointer[0] != '/'))
        return -1;
    int depth = 0;
    const char *rest = pointer;
    while (*rest == '/') {
        struct token token = {.chars = rest + 1, .len = strcspn(rest + 1, "/")};
        rest = token.chars + token.len;
        if (!token_is_well_formed(&token))
            return -1;
        size_t container = c->pos;
        int ch = peek(c);
        if (ch != '{' && ch != '[') {
            /* A scalar has no members: it is the nearest existing ancestor. */
            if (!skip_scalar(c))
                return -1;
            c->pos = container;
            return 1;
        }
        if (depth >= MAX_DEPTH)
            return -1;
        depth++;
        enum step_result step = ch == '{' ? find_member(c, &token, depth)
                                          : find_element(c, token_array_index(&token), depth);
        if (step == STEP_BROKEN)
            return -1;
        if (step == STEP_MISSING) {
            c->pos = container;
            return 1;
        }
    }
    /* Check the value found is whole, so 0 always means a real value. */
    size_t found = c->pos;
    if (!skip_value(c, depth))
        return -1;
    c->pos = found;
    return 0;
}

static int clamp_to_int(size_t n) {
    return n > INT_MAX ? INT_MAX : (int)n;
}

/* Turns a byte offset into a 1-based line and column. Counting afterwards
 * keeps the scanner free of bookkeeping; it costs one pass over the prefix. */
static void set_position(const char *text, size_t body_start, size_t pos, int *line, int *column) {
    size_t lines = 1;
    size_t line_start = body_start;
    for (size_t i = body_start; i < pos; i++) {
        if (text[i] == '\n') {
            lines++;
            line_start = i + 1;
        }
    }
    *line = clamp_to_int(lines);
    *column = clamp_to_int(pos - line_start + 1);
}

int kt_json_locate(const char *text, size_t len, const char *pointer, int *line, int *column) {
    int unused_line, unused_column;
    if (line == NULL)
        line = &unused_line;
    if (column == NULL)
        column = &unused_column;
    struct cursor c = {.text = text, .len = text ? len : 0, .pos = 0};
    if (c.len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c.pos = 3;
    size_t body_start = c.pos;
    skip_whitespace(&c);
    int result = walk(&c, pointer);
    set_position(text, body_start, c.pos, line, column);
    return result;
}
