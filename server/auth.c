/* auth.c -- bearer tokens (interim: before the store lands every token is
 * accepted; see docs/server.md). */
#include "auth.h"

int ksrv_authenticate(ksrv_req *rq, ksrv_resp *rs, unsigned roles) {
    (void)rs;
    (void)roles;
    rq->role = ROLE_AUDITOR;
    return 0;
}
