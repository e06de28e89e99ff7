/* cmd_serve.c -- `kontakt serve`: the HTTP API and the web UI until SIGINT
 * or SIGTERM. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "kontakt_server.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char help[] =
    "usage: kontakt serve --db FILE [--listen ADDR:PORT] [options]\n"
    "\n"
    "Serves the engine and the store over HTTP, with the web UI at /\n"
    "(docs/server.md). Stops cleanly on SIGINT or SIGTERM.\n"
    "\n"
    "options:\n"
    "  --db FILE             the store (kontakt db ...)\n"
    "  --listen ADDR:PORT    numeric address and port (127.0.0.1:8080; [::1]:8080;\n"
    "                        port 0 = any free port, printed at start)\n"
    "  --threads N           worker threads (2)\n"
    "  --max-connections N   connections in all (4096)\n"
    "  --per-ip N            connections from one address, 0 = no limit (256)\n"
    "  --trust-proxy ADDRS   comma-separated addresses of reverse proxies: a request\n"
    "                        through one counts for its X-Forwarded-For client\n"
    "  --timeout SECONDS     close a connection idle this long (30)\n"
    "  --max-body BYTES      larger request bodies get 413 (1048576)\n"
    "  --today DATE          use DATE as today (default: KONTAKT_TODAY, else the clock)\n"
    "  --quiet               no start line\n";

static void log_stderr(void *ctx, const char *line) {
    (void)ctx;
    fprintf(stderr, "kontakt serve: %s\n", line);
}

/* "127.0.0.1:8080", "[::1]:8080" -> host (in buf), port. */
static int parse_listen(const char *v, char *host, size_t size, uint16_t *port) {
    const char *colon;
    size_t hl;
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (!close || close[1] != ':') return -1;
        hl = (size_t)(close - v - 1);
        v++;
        colon = close + 1;
    } else {
        colon = strrchr(v, ':');
        if (!colon) return -1;
        hl = (size_t)(colon - v);
    }
    if (hl == 0 || hl >= size) return -1;
    memcpy(host, v, hl);
    host[hl] = '\0';
    int p;
    if (cli_parse_int_arg("--listen port", colon + 1, 0, 65535, &p)) return -1;
    *port = (uint16_t)p;
    return 0;
}

/* More descriptors allow more connections: raise the soft limit to the hard. */
static void raise_nofile(unsigned want) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    rlim_t need = (rlim_t)want + 64;
    if (rl.rlim_cur >= need) return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
}

int cmd_serve(int argc, char **argv) {
    ksrv_config cfg;
    ksrv_config_init(&cfg);
    cfg.log = log_stderr;
    char host[64] = "127.0.0.1";
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
            continue;
        } else if (!v) {
            fprintf(stderr, "kontakt: serve: '%s' needs a value, or is unknown\n\n%s", a, help);
            return EXIT_INVALID;
        } else if (strcmp(a, "--db") == 0) {
            cfg.db_path = v;
        } else if (strcmp(a, "--listen") == 0) {
            if (parse_listen(v, host, sizeof host, &cfg.port)) {
                fprintf(stderr, "kontakt: serve: --listen takes ADDR:PORT, got '%s'\n", v);
                return EXIT_INVALID;
            }
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_int_arg(a, v, 1, 256, &n)) return EXIT_INVALID;
            cfg.threads = (unsigned)n;
        } else if (strcmp(a, "--max-connections") == 0) {
            if (cli_parse_int_arg(a, v, 1, 1000000, &n)) return EXIT_INVALID;
            cfg.max_connections = (unsigned)n;
        } else if (strcmp(a, "--per-ip") == 0) {
            if (cli_parse_int_arg(a, v, 0, 1000000, &n)) return EXIT_INVALID;
            cfg.per_ip_limit = (unsigned)n;
        } else if (strcmp(a, "--trust-proxy") == 0) {
            if (!v || !*v) {
                fprintf(stderr, "kontakt: serve: --trust-proxy takes ADDR[,ADDR...]\n");
                return EXIT_INVALID;
            }
            cfg.trust_proxy = v;
        } else if (strcmp(a, "--timeout") == 0) {
            if (cli_parse_int_arg(a, v, 1, 86400, &n)) return EXIT_INVALID;
            cfg.timeout_s = (unsigned)n;
        } else if (strcmp(a, "--max-body") == 0) {
            if (cli_parse_int_arg(a, v, 1, 1 << 30, &n)) return EXIT_INVALID;
            cfg.max_body = (size_t)n;
        } else if (strcmp(a, "--today") == 0) {
            if (cli_parse_date_arg(a, v, &cfg.today)) return EXIT_INVALID;
        } else {
            fprintf(stderr, "kontakt: serve: unknown option '%s'\n\n%s", a, help);
            return EXIT_INVALID;
        }
        i++;
    }
    /* Without --today the server follows the clock day by day, unless
     * KONTAKT_TODAY pins it (the one way every command is given a day). */
    if (cfg.today == KT_NO_DATE && cli_today_pinned(&cfg.today) < 0) return EXIT_INVALID;
    if (!cfg.db_path) {
        fprintf(stderr, "kontakt: serve: --db FILE is missing\n\n%s", help);
        return EXIT_INVALID;
    }
    cfg.host = host;
    raise_nofile(cfg.max_connections);

    /* Block the signals in every thread (the server's inherit the mask) and
     * take them here with sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    ksrv_server *s;
    int rc = ksrv_start(&cfg, &s);
    if (rc != KSRV_OK) {
        fprintf(stderr, "kontakt: serve: %s:%u: %s\n", host, (unsigned)cfg.port,
                ksrv_strerror(rc));
        return rc == KSRV_EARG ? EXIT_INVALID : EXIT_FAIL;
    }
    if (!quiet) {
        int v6 = strchr(host, ':') != NULL;
        fprintf(stderr, "kontakt: serving http://%s%s%s:%u/ (%u threads, store %s)\n", v6 ? "[" : "",
                host, v6 ? "]" : "", (unsigned)ksrv_port(s), cfg.threads, cfg.db_path);
    }
    int sig = 0;
    sigwait(&set, &sig);
    if (!quiet) fprintf(stderr, "kontakt: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    ksrv_stop(s);
    return EXIT_OK;
}
