/* clients.h -- connections per client behind trusted proxies (clients.c). */
#ifndef KSRV_CLIENTS_H
#define KSRV_CLIENTS_H

#define KSRV_CLIENT_KEY 64 /* an address in text, or what X-Forwarded-For named */

typedef struct ksrv_clients ksrv_clients;

/* trusted: comma-separated numeric addresses of the proxies (at most 16);
 * limit: per client, 0 = none. -1 if an address is not one, or no memory. */
int ksrv_clients_new(const char *trusted, unsigned limit, ksrv_clients **out);
void ksrv_clients_free(ksrv_clients *c);
/* 1 if addr is one of the trusted proxies. */
int ksrv_clients_trusted(const ksrv_clients *c, const char *addr);
/* The client a request is counted for: the peer itself, or when the peer is
 * a trusted proxy, the rightmost X-Forwarded-For entry (xff: every such
 * header, joined by commas; may be NULL) that is not a trusted proxy. */
void ksrv_clients_key(const ksrv_clients *c, const char *peer, const char *xff,
                      char key[KSRV_CLIENT_KEY]);
/* Counts one more for key: 1, or 0 (nothing counted) if it has the limit. */
int ksrv_clients_enter(ksrv_clients *c, const char *key);
/* 1 if key has the limit now (for the accept policy: nothing is counted). */
int ksrv_clients_full(ksrv_clients *c, const char *key);
/* Counts one less for key. */
void ksrv_clients_leave(ksrv_clients *c, const char *key);

#endif
