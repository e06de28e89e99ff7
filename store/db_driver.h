/* db_driver.h -- what a backend of db.h provides (db_sqlite.c, db_pg.c);
 * db.c dispatches each call of db.h to it. Each driver's connection and
 * statement structs begin with the generic ones below. */
#ifndef KS_DB_DRIVER_H
#define KS_DB_DRIVER_H

#include "db.h"

typedef struct ks_db_driver {
    ks_db_kind kind;
    void (*close)(ks_db *db);
    int (*exec)(ks_db *db, const char *sql);
    int (*prepare)(ks_db *db, const char *sql, ks_q **out);
    const char *(*errmsg)(const ks_db *db);
    ks_db_errclass (*errclass)(const ks_db *db);
    long (*changes)(const ks_db *db);
    int (*in_tx)(const ks_db *db);
    void *(*native)(ks_db *db);
    int (*bind_text)(ks_q *q, int i, const char *s, int n); /* s != NULL */
    int (*bind_int64)(ks_q *q, int i, long long v);
    int (*bind_null)(ks_q *q, int i);
    int (*step)(ks_q *q);
    int (*column_count)(ks_q *q);
    int (*is_null)(ks_q *q, int col);
    const char *(*text)(ks_q *q, int col);
    int (*bytes)(ks_q *q, int col);
    long long (*int64)(ks_q *q, int col);
    void (*reset)(ks_q *q);
    void (*clear)(ks_q *q);
    void (*finalize)(ks_q *q);
    void (*set_timeout)(ks_db *db, long ms); /* NULL: the backend has no deadline */
    long (*timeout)(const ks_db *db);
} ks_db_driver;

struct ks_db {
    const ks_db_driver *drv;
};

struct ks_q {
    ks_db *db;
};

/* Each driver's open. */
int ks__db_sqlite_open(const char *path, unsigned flags, ks_db **out, char *errbuf, size_t errlen);
/* db_sqlite.c: a bind without a copy (ks_q_bind_text_static); s != NULL. */
int ks__db_sqlite_bind_static(ks_q *q, int i, const char *s, int n);
int ks__db_pg_open(const char *uri, unsigned flags, ks_db **out, char *errbuf, size_t errlen);

#endif
