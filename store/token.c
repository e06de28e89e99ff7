/* token.c -- API tokens (only their SHA-256 is stored) and the access log. */
#define _DEFAULT_SOURCE /* getrandom */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const char *const role_names[KS_ROLE_COUNT] = {"caseworker", "manager", "auditor"};

const char *ks_role_name(ks_role r) { return (unsigned)r < KS_ROLE_COUNT ? role_names[r] : ""; }

int ks_role_parse(const char *s) {
    for (int i = 0; i < KS_ROLE_COUNT; i++)
        if (s && strcmp(s, role_names[i]) == 0) return i;
    return -1;
}

void ks_sha256_hex(const void *data, size_t len, char hex[65]) {
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof d, d);
    static const char x[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = x[d[i] >> 4];
        hex[2 * i + 1] = x[d[i] & 15];
    }
    hex[64] = '\0';
}

static int random_bytes(unsigned char *b, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

int ks_token_create(ks_store *s, const char *jobcenter, ks_role role, char token[KS_TOKEN_LEN + 1],
                    long *id, ks_error *err) {
    token[0] = '\0';
    if (ks__check_id("jobcentre", jobcenter, err) != KS_OK) return KS_EINVALID;
    if ((unsigned)role >= KS_ROLE_COUNT)
        return ks__fail(err, KS_EINVALID, "the role is caseworker, manager or auditor");
    unsigned char r[32];
    if (random_bytes(r, sizeof r)) return ks__fail(err, KS_EIO, "no random numbers: %s", strerror(errno));
    static const char x[] = "0123456789abcdef";
    memcpy(token, "kt_", 3);
    for (int i = 0; i < 32; i++) {
        token[3 + 2 * i] = x[r[i] >> 4];
        token[4 + 2 * i] = x[r[i] & 15];
    }
    token[KS_TOKEN_LEN] = '\0';
    char hash[65], now[25];
    ks_sha256_hex(token, KS_TOKEN_LEN, hash);
    ks__now(s, now);
    ks_q *st;
    if (ks_db_prepare(s->db, "INSERT INTO tokens(hash, jobcenter, role, created_at) VALUES (?1, ?2, ?3, ?4) "
                             "RETURNING id", &st) != 0)
        return ks__dbfail(s, err, "tokens");
    ks_q_bind_text_static(st, 1, hash, -1);
    ks_q_bind_text_static(st, 2, jobcenter, -1);
    ks_q_bind_text_static(st, 3, role_names[role], -1);
    ks_q_bind_text_static(st, 4, now, -1);
    int rc = ks_q_step(st) == KS_Q_ROW ? KS_OK : ks__dbfail(s, err, "tokens");
    if (rc == KS_OK && id) *id = (long)ks_q_int64(st, 0);
    if (rc == KS_OK && ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "tokens");
    ks_q_finalize(st);
    if (rc != KS_OK) token[0] = '\0';
    return rc;
}

int ks_token_check(ks_store *s, const char *token, ks_token_info *out, ks_error *err) {
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != KS_TOKEN_LEN)
        return ks__fail(err, KS_EDENIED, "unknown token");
    char hash[65];
    ks_sha256_hex(token, KS_TOKEN_LEN, hash);
    ks_q *st;
    if (ks_db_prepare(s->db, "SELECT id, jobcenter, role, revoked_at FROM tokens WHERE hash = ?1", &st) != 0)
        return ks__dbfail(s, err, "tokens");
    ks_q_bind_text_static(st, 1, hash, -1);
    int r = ks_q_step(st), rc;
    if (r == KS_Q_ROW) {
        if (!ks_q_is_null(st, 3)) {
            rc = ks__fail(err, KS_EDENIED, "the token was revoked");
        } else {
            out->id = (long)ks_q_int64(st, 0);
            snprintf(out->jobcenter, sizeof out->jobcenter, "%s",
                     ks_q_text(st, 1));
            out->role = (ks_role)ks_role_parse(ks_q_text(st, 2));
            rc = KS_OK;
        }
    } else if (r == KS_Q_DONE) {
        rc = ks__fail(err, KS_EDENIED, "unknown token");
    } else {
        rc = ks__dbfail(s, err, "tokens");
    }
    ks_q_finalize(st);
    return rc;
}

int ks_token_revoke(ks_store *s, long id, ks_error *err) {
    char now[25];
    ks__now(s, now);
    ks_q *st;
    if (ks_db_prepare(s->db, "UPDATE tokens SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1", &st) != 0)
        return ks__dbfail(s, err, "tokens");
    ks_q_bind_int64(st, 1, id);
    ks_q_bind_text_static(st, 2, now, -1);
    int rc = ks_q_step(st) == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "tokens");
    if (rc == KS_OK && ks_db_changes(s->db) == 0)
        rc = ks__fail(err, KS_ENOTFOUND, "no token %ld", id);
    ks_q_finalize(st);
    return rc;
}

static void bind_opt(ks_q *st, int i, const char *v) {
    if (v && *v) ks_q_bind_text_static(st, i, v, -1);
    else ks_q_bind_null(st, i);
}

int ks_access_log_append(ks_store *s, const char *who, const char *jobcenter, const char *case_id,
                         const char *action, ks_error *err) {
    char now[25];
    ks__now(s, now);
    ks_q *st;
    if (ks_db_prepare(s->db, "INSERT INTO access_log(at, who, jobcenter, case_id, action) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)", &st) != 0)
        return ks__dbfail(s, err, "access_log");
    ks_q_bind_text_static(st, 1, now, -1);
    ks_q_bind_text_static(st, 2, who && *who ? who : "unknown", -1);
    bind_opt(st, 3, jobcenter);
    bind_opt(st, 4, case_id);
    ks_q_bind_text_static(st, 5, action ? action : "", -1);
    int rc = ks_q_step(st) == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "access_log");
    ks_q_finalize(st);
    return rc;
}

int ks_access_log_append_batch(ks_store *s, const ks_access_row *rows, size_t n, ks_error *err) {
    if (n == 0) return KS_OK;
    char now[25];
    ks__now(s, now);
    int rc = ks__begin(s, err);
    if (rc != KS_OK) return rc;
    ks_q *st;
    if (ks_db_prepare(s->db, "INSERT INTO access_log(at, who, jobcenter, case_id, action) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)", &st) != 0) {
        rc = ks__dbfail(s, err, "access_log");
        ks__rollback(s);
        return rc;
    }
    for (size_t i = 0; i < n && rc == KS_OK; i++) {
        const ks_access_row *r = &rows[i];
        ks_q_bind_text_static(st, 1, now, -1);
        ks_q_bind_text_static(st, 2, r->who && *r->who ? r->who : "unknown", -1);
        bind_opt(st, 3, r->jobcenter);
        bind_opt(st, 4, r->case_id);
        ks_q_bind_text_static(st, 5, r->action ? r->action : "", -1);
        if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "access_log");
        ks_q_reset(st);
    }
    ks_q_finalize(st);
    if (rc != KS_OK) {
        ks__rollback(s);
        return rc;
    }
    return ks__commit(s, err); /* one commit, one sync, for the whole batch */
}

static const char *col(ks_q *st, int i) {
    const char *t = ks_q_text(st, i);
    return t ? t : "";
}

int ks_access_log_list(ks_store *s, const char *case_id,
                       int (*fn)(void *ctx, const ks_access_entry *e), void *ctx, ks_error *err) {
    ks_q *st;
    const char *sql = case_id ? "SELECT seq, at, who, jobcenter, case_id, action FROM access_log "
                                "WHERE case_id = ?1 ORDER BY seq"
                              : "SELECT seq, at, who, jobcenter, case_id, action FROM access_log "
                                "ORDER BY seq";
    if (ks_db_prepare(s->db, sql, &st) != 0)
        return ks__dbfail(s, err, "access_log");
    if (case_id) ks_q_bind_text_static(st, 1, case_id, -1);
    int r;
    while ((r = ks_q_step(st)) == KS_Q_ROW) {
        ks_access_entry e = {(long)ks_q_int64(st, 0), col(st, 1), col(st, 2),
                             col(st, 3), col(st, 4), col(st, 5)};
        if (fn(ctx, &e)) {
            r = KS_Q_DONE;
            break;
        }
    }
    int rc = r == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "access_log");
    ks_q_finalize(st);
    return rc;
}

void ks__content_identity(const char *canon, char out[KS_CONTENT_ID_LEN + 1]) {
    char hex[65];
    ks_sha256_hex(canon, strlen(canon), hex);
    out[0] = 'h';
    memcpy(out + 1, hex, KS_CONTENT_ID_LEN - 1);
    out[KS_CONTENT_ID_LEN] = '\0';
}

/* ---- the access-log row of a write, in its transaction --------------------------- */

int ks_log_next_write(ks_store *s, const char *who, const char *jobcenter, const char *case_id,
                      const char *action, int with_seq) {
    s->log_pending = who != NULL;
    s->log_seq = with_seq;
    if (!who) return KS_OK;
    snprintf(s->log_who, sizeof s->log_who, "%s", *who ? who : "unknown");
    snprintf(s->log_jobcenter, sizeof s->log_jobcenter, "%s", jobcenter ? jobcenter : "");
    snprintf(s->log_case, sizeof s->log_case, "%s", case_id ? case_id : "");
    snprintf(s->log_action, sizeof s->log_action, "%s", action ? action : "");
    return KS_OK;
}

int ks__write_pending_log(ks_store *s, long seq, ks_error *err) {
    if (!s->log_pending) return KS_OK;
    s->log_pending = 0;
    if (seq > 0 && s->log_seq) {
        size_t n = strlen(s->log_action);
        snprintf(s->log_action + n, sizeof s->log_action - n, " %ld", seq);
    }
    char now[25];
    ks__now(s, now);
    ks_q *st;
    /* a jobcentre not given is the case's, read in the same transaction */
    if (ks_db_prepare(s->db,
                      "INSERT INTO access_log(at, who, jobcenter, case_id, action) "
                      "VALUES (?1, ?2, coalesce(?3, (SELECT jobcenter FROM cases WHERE id = ?4)),"
                      " ?4, ?5)",
                      &st) != 0)
        return ks__dbfail(s, err, "access_log");
    ks_q_bind_text_static(st, 1, now, -1);
    ks_q_bind_text_static(st, 2, s->log_who, -1);
    bind_opt(st, 3, s->log_jobcenter);
    bind_opt(st, 4, s->log_case);
    ks_q_bind_text_static(st, 5, s->log_action, -1);
    int rc = ks_q_step(st) == KS_Q_DONE ? KS_OK : ks__dbfail(s, err, "access_log");
    ks_q_finalize(st);
    return rc;
}

/* ---- idempotency keys ---------------------------------------------------------------- */

int ks_idem_get(ks_store *s, const char *scope, const char *key, const char *request,
                int *status, char **response, ks_error *err) {
    *response = NULL;
    ks_q *st;
    if (ks_db_prepare(s->db, "SELECT request, status, response FROM idempotency "
                             "WHERE scope = ?1 AND key = ?2", &st) != 0)
        return ks__dbfail(s, err, "idempotency");
    ks_q_bind_text_static(st, 1, scope, -1);
    ks_q_bind_text_static(st, 2, key, -1);
    int r = ks_q_step(st), rc;
    if (r == KS_Q_ROW) {
        if (strcmp(col(st, 0), request) != 0) {
            rc = ks__fail(err, KS_EINVALID, "the key was used for another request");
        } else {
            *status = (int)ks_q_int64(st, 1);
            *response = strdup(col(st, 2));
            rc = *response ? KS_OK : ks__fail(err, KS_ENOMEM, "out of memory");
        }
    } else if (r == KS_Q_DONE) {
        rc = ks__fail(err, KS_ENOTFOUND, "no such key");
    } else {
        rc = ks__dbfail(s, err, "idempotency");
    }
    ks_q_finalize(st);
    return rc;
}

/* The same time two days earlier (was SQLite's strftime(..., '-2 days')). */
static void two_days_before(const char now[25], char out[25]) {
    kt_date d;
    memcpy(out, now, 25);
    if (kt_date_parse(now, 10, &d) != KT_OK) return;
    char day[11];
    kt_date_format(d - 2, day);
    memcpy(out, day, 10);
}

int ks_idem_put(ks_store *s, const char *scope, const char *key, const char *request, int status,
                const char *response, ks_error *err) {
    char now[25];
    ks__now(s, now);
    int rc = ks__begin(s, err);
    if (rc != KS_OK) return rc;
    ks_q *st = NULL;
    /* keys are kept at least 24 hours; those older than 48 go */
    char old[25];
    two_days_before(now, old);
    if (ks_db_prepare(s->db, "DELETE FROM idempotency WHERE created_at < ?1", &st) != 0)
        rc = ks__dbfail(s, err, "idempotency");
    else {
        ks_q_bind_text(st, 1, old, -1);
        if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "idempotency");
    }
    ks_q_finalize(st);
    st = NULL;
    if (rc == KS_OK &&
        ks_db_prepare(s->db, "INSERT INTO idempotency(scope, key, request, status, response, "
                             "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                             "ON CONFLICT(scope, key) DO NOTHING", &st) != 0)
        rc = ks__dbfail(s, err, "idempotency");
    if (rc == KS_OK) {
        ks_q_bind_text_static(st, 1, scope, -1);
        ks_q_bind_text_static(st, 2, key, -1);
        ks_q_bind_text_static(st, 3, request, -1);
        ks_q_bind_int64(st, 4, status);
        ks_q_bind_text_static(st, 5, response, -1);
        ks_q_bind_text_static(st, 6, now, -1);
        if (ks_q_step(st) != KS_Q_DONE) rc = ks__dbfail(s, err, "idempotency");
        else if (ks_db_changes(s->db) == 0)
            rc = ks__fail(err, KS_EINVALID, "the key was kept meanwhile for another answer");
    }
    ks_q_finalize(st);
    if (rc != KS_OK) {
        ks__rollback(s);
        return rc;
    }
    return ks__commit(s, err);
}
