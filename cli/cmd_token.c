/* cmd_token.c -- `kontakt token`: API tokens of the HTTP server. */
#define _POSIX_C_SOURCE 200809L
#include "dbutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: kontakt token create --jobcenter J --role caseworker|manager|auditor [--db FILE]\n"
    "       kontakt token revoke ID [--db FILE]\n"
    "       kontakt token check TOKEN [--db FILE]\n"
    "\n"
    "create prints a new token (once: only its SHA-256 is stored) and its ID;\n"
    "revoke withdraws token ID; check prints the jobcentre and role of a token\n"
    "(exit 2 for an unknown or revoked one).\n";

int cmd_token(int argc, char **argv) {
    db_common c = {0};
    const char *sub = NULL, *arg = NULL, *jc = NULL, *role = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int r = db_base_opt(&c, argc, argv, &i, help);
        if (r == 2) return EXIT_OK;
        if (r < 0) return EXIT_INVALID;
        if (r) continue;
        if (!strcmp(a, "--jobcenter") && v) {
            jc = v;
            i++;
        } else if (!strcmp(a, "--role") && v) {
            role = v;
            i++;
        } else if (a[0] != '-' && !sub) {
            sub = a;
        } else if (a[0] != '-' && !arg) {
            arg = a;
        } else {
            fprintf(stderr, "kontakt: token: bad argument '%s'\n\n%s", a, help);
            return EXIT_INVALID;
        }
    }
    int create = sub && !strcmp(sub, "create"), revoke = sub && !strcmp(sub, "revoke"),
        check = sub && !strcmp(sub, "check");
    if (!(create || revoke || check) || (create && (arg || !jc || !role)) || (!create && !arg)) {
        fprintf(stderr, "kontakt: token: what to do is missing or incomplete\n\n%s", help);
        return EXIT_INVALID;
    }
    int r = create ? ks_role_parse(role) : 0;
    if (r < 0) {
        fprintf(stderr, "kontakt: --role takes caseworker, manager or auditor, got '%s'\n", role);
        return EXIT_INVALID;
    }
    long id = 0;
    if (revoke) {
        char *end;
        errno = 0;
        id = strtol(arg, &end, 10);
        if (!*arg || *end || errno || id < 1) {
            fprintf(stderr, "kontakt: ID must be a token number, got '%s'\n", arg);
            return EXIT_INVALID;
        }
    }
    ks_store *s;
    int st = db_open(&c, create ? KS_OPEN_CREATE : 0, &s);
    if (st) return st;
    ks_error e = {0};
    char action[96];
    if (create) {
        char token[KS_TOKEN_LEN + 1];
        if (ks_token_create(s, jc, (ks_role)r, token, &id, &e) == KS_OK) {
            printf("%s\nid %ld, jobcentre %s, role %s (the token is shown only now)\n", token, id, jc,
                   role);
            snprintf(action, sizeof action, "token create %ld", id);
            db_log(s, &c, NULL, action);
        } else {
            st = db_fail(&e);
        }
    } else if (revoke) {
        if (ks_token_revoke(s, id, &e) == KS_OK) {
            printf("token %ld revoked\n", id);
            snprintf(action, sizeof action, "token revoke %ld", id);
            db_log(s, &c, NULL, action);
        } else {
            st = db_fail(&e);
        }
    } else {
        ks_token_info info;
        if (ks_token_check(s, arg, &info, &e) == KS_OK)
            printf("id %ld, jobcentre %s, role %s\n", info.id, info.jobcenter, ks_role_name(info.role));
        else st = db_fail(&e);
    }
    ks_close(s);
    return st;
}
