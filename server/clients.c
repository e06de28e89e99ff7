/* clients.c -- the per-client connection limit behind a trusted proxy
 * (--trust-proxy, docs/server.md "Behind a proxy").
 *
 * libmicrohttpd's own per-IP limit counts connections by the socket's peer,
 * which behind a reverse proxy is the proxy: every user shares its one
 * address and 256 slow clients lock out all the others. With trusted proxies
 * configured, the server counts instead:
 *   - a connection from an address that is not a trusted proxy, by that
 *     address (as MHD would);
 *   - a request that came through a trusted proxy, while it is in progress,
 *     by its client: the rightmost address of X-Forwarded-For that is not a
 *     trusted proxy (what the proxies in front have appended; what is left of
 *     it the client may have made up).
 * The table is a small chained hash under one mutex: entries live while
 * their count is above zero. */
#define _POSIX_C_SOURCE 200809L
#include "clients.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRUSTED 16
#define BUCKETS 1024

typedef struct entry {
    struct entry *next;
    unsigned count;
    char key[KSRV_CLIENT_KEY];
} entry;

struct ksrv_clients {
    unsigned limit;
    int n_trusted;
    char trusted[MAX_TRUSTED][KSRV_CLIENT_KEY];
    pthread_mutex_t mu;
    entry *bucket[BUCKETS];
};

/* An address in its one text form (so ::1 and 0:0::1 are the same); 0 if
 * s is not a numeric IPv4 or IPv6 address. */
static int canon(const char *s, size_t len, char out[KSRV_CLIENT_KEY]) {
    char buf[KSRV_CLIENT_KEY];
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') s++, len -= 2; /* [v6] */
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    unsigned char a[16];
    if (inet_pton(AF_INET, buf, a) == 1) return inet_ntop(AF_INET, a, out, KSRV_CLIENT_KEY) != NULL;
    if (inet_pton(AF_INET6, buf, a) == 1)
        return inet_ntop(AF_INET6, a, out, KSRV_CLIENT_KEY) != NULL;
    return 0;
}

int ksrv_clients_new(const char *trusted, unsigned limit, ksrv_clients **out) {
    *out = NULL;
    ksrv_clients *c = calloc(1, sizeof *c);
    if (!c) return -1;
    c->limit = limit;
    pthread_mutex_init(&c->mu, NULL);
    for (const char *p = trusted; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (c->n_trusted == MAX_TRUSTED || !canon(p, len, c->trusted[c->n_trusted])) {
            ksrv_clients_free(c);
            return -1;
        }
        c->n_trusted++;
        p = e ? e + 1 : p + len;
    }
    if (c->n_trusted == 0) {
        ksrv_clients_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void ksrv_clients_free(ksrv_clients *c) {
    if (!c) return;
    for (int i = 0; i < BUCKETS; i++)
        for (entry *e = c->bucket[i], *n; e; e = n) {
            n = e->next;
            free(e);
        }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int ksrv_clients_trusted(const ksrv_clients *c, const char *addr) {
    char a[KSRV_CLIENT_KEY];
    if (!canon(addr, strlen(addr), a)) return 0;
    for (int i = 0; i < c->n_trusted; i++)
        if (!strcmp(a, c->trusted[i])) return 1;
    return 0;
}

void ksrv_clients_key(const ksrv_clients *c, const char *peer, const char *xff,
                      char key[KSRV_CLIENT_KEY]) {
    if (!canon(peer, strlen(peer), key)) snprintf(key, KSRV_CLIENT_KEY, "%s", peer);
    if (!ksrv_clients_trusted(c, peer) || !xff) return;
    /* from the right: skip the trusted proxies; the first other one is the
     * client (an entry that is no address is taken as it is: it is what a
     * proxy in front said) */
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',') start--;
        char a[KSRV_CLIENT_KEY];
        size_t len = end - start;
        int ok = canon(xff + start, len, a);
        int trusted = 0;
        for (int i = 0; ok && i < c->n_trusted; i++)
            if (!strcmp(a, c->trusted[i])) trusted = 1;
        if (!trusted) {
            if (ok) {
                memcpy(key, a, KSRV_CLIENT_KEY);
            } else {
                const char *s = xff + start;
                while (len && (*s == ' ' || *s == '\t')) s++, len--;
                while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
                if (len == 0) goto next; /* "a, , b": an empty entry is no client */
                if (len >= KSRV_CLIENT_KEY) len = KSRV_CLIENT_KEY - 1;
                memcpy(key, s, len);
                key[len] = '\0';
            }
            return;
        }
    next:
        end = start > 0 ? start - 1 : 0;
    }
}

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h % BUCKETS;
}

int ksrv_clients_enter(ksrv_clients *c, const char *key) {
    if (c->limit == 0) return 1;
    unsigned b = hash(key);
    int ok = 0;
    pthread_mutex_lock(&c->mu);
    entry *e = c->bucket[b];
    while (e && strcmp(e->key, key)) e = e->next;
    if (!e && (e = calloc(1, sizeof *e))) {
        snprintf(e->key, sizeof e->key, "%s", key);
        e->next = c->bucket[b];
        c->bucket[b] = e;
    }
    if (e && e->count < c->limit) {
        e->count++;
        ok = 1;
    }
    pthread_mutex_unlock(&c->mu);
    return ok;
}

int ksrv_clients_full(ksrv_clients *c, const char *key) {
    if (c->limit == 0) return 0;
    unsigned b = hash(key);
    pthread_mutex_lock(&c->mu);
    entry *e = c->bucket[b];
    while (e && strcmp(e->key, key)) e = e->next;
    int full = e && e->count >= c->limit;
    pthread_mutex_unlock(&c->mu);
    return full;
}

void ksrv_clients_leave(ksrv_clients *c, const char *key) {
    if (c->limit == 0) return;
    unsigned b = hash(key);
    pthread_mutex_lock(&c->mu);
    entry **pp = &c->bucket[b];
    while (*pp && strcmp((*pp)->key, key)) pp = &(*pp)->next;
    entry *e = *pp;
    if (e && e->count > 0 && --e->count == 0) {
        *pp = e->next;
        free(e);
    }
    pthread_mutex_unlock(&c->mu);
}
