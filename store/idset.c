/* idset.c -- a set of strings (case ids), for telling the first line of a
 * case in an import file from a later one. Open addressing with linear
 * probing over FNV-1a hashes; the strings are copied into large blocks, so a
 * million ids cost a few dozen allocations. Used by one thread at a time. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = 1 << 20 };

typedef struct block {
    struct block *next;
    size_t used;
    char data[BLOCK];
} block;

struct ks_idset {
    const char **slot; /* NULL = empty */
    size_t cap, n;     /* cap a power of two, n < cap * 3/4 */
    block *blocks;
};

static uint64_t fnv1a(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

ks_idset *ks__idset_new(void) {
    ks_idset *set = calloc(1, sizeof *set);
    if (!set) return NULL;
    set->cap = 1024;
    if (!(set->slot = calloc(set->cap, sizeof *set->slot))) {
        free(set);
        return NULL;
    }
    return set;
}

void ks__idset_free(ks_idset *set) {
    if (!set) return;
    for (block *b = set->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(set->slot);
    free(set);
}

static size_t find(const ks_idset *set, const char *id, uint64_t h) {
    size_t i = (size_t)h & (set->cap - 1);
    while (set->slot[i] && strcmp(set->slot[i], id) != 0) i = (i + 1) & (set->cap - 1);
    return i;
}

static int grow(ks_idset *set) {
    size_t cap = set->cap * 2;
    const char **slot = calloc(cap, sizeof *slot);
    if (!slot) return -1;
    const char **old = set->slot;
    size_t old_cap = set->cap;
    set->slot = slot;
    set->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i]) set->slot[find(set, old[i], fnv1a(old[i]))] = old[i];
    free(old);
    return 0;
}

static const char *copy(ks_idset *set, const char *id) {
    size_t n = strlen(id) + 1;
    if (n > BLOCK) return NULL;
    if (!set->blocks || set->blocks->used + n > BLOCK) {
        block *b = malloc(sizeof *b);
        if (!b) return NULL;
        b->next = set->blocks;
        b->used = 0;
        set->blocks = b;
    }
    char *p = set->blocks->data + set->blocks->used;
    memcpy(p, id, n);
    set->blocks->used += n;
    return p;
}

int ks__idset_add(ks_idset *set, const char *id) {
    if ((set->n + 1) * 4 > set->cap * 3 && grow(set)) return -1;
    uint64_t h = fnv1a(id);
    size_t i = find(set, id, h);
    if (set->slot[i]) return 0;
    if (!(set->slot[i] = copy(set, id))) return -1;
    set->n++;
    return 1;
}

int ks__idset_has(const ks_idset *set, const char *id) {
    return set->slot[find(set, id, fnv1a(id))] != NULL;
}
