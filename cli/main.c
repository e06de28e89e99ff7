/* main.c -- `kontakt`: dispatch to a subcommand. */
#include "cli.h"
#include "dbutil.h"

#include <string.h>

static const char usage[] =
    "usage: kontakt <command> [options]\n"
    "\n"
    "Computes the obligations of the Danish kontaktforløb (job conversations and the\n"
    "duties around them) for cases in the JSON format of spec/case-format.md.\n"
    "\n"
    "commands:\n"
    "  plan FILE      the plan of a case (FILE - = stdin); --ndjson for one case per line\n"
    "  explain FILE   how each obligation of a case's plan was derived\n"
    "  rules          the rule catalogue with its sources\n"
    "  serve          the HTTP API and web UI (--db FILE --listen ADDR:PORT)\n"
    "  db ...         the case store: import, record, show, export (`kontakt db --help`)\n"
    "  token ...      API tokens of the HTTP server: create, revoke, check\n"
    "  version        the program's version\n"
    "\n"
    "`kontakt <command> --help` describes a command's options.\n"
    "Exit status: 0 success, 2 invalid input, 1 other failure.\n";

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_INVALID : EXIT_OK;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "plan") == 0) return cmd_plan(argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0) return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0) return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 1, argv + 1);
    if (strcmp(cmd, "db") == 0) return cmd_db(argc - 1, argv + 1);
    if (strcmp(cmd, "token") == 0) return cmd_token(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (argc > 2 && strcmp(argv[2], "--help") == 0) {
            puts("usage: kontakt version\n\nPrints the version of kontakt and of its rule catalogue.");
            return EXIT_OK;
        }
        printf("kontakt %s (rule catalogue g2014-g2024; newer law from 2026-07-01 not modelled)\n",
               KT_VERSION);
        return EXIT_OK;
    }
    fprintf(stderr, "kontakt: unknown command '%s'\n\n%s", cmd, usage);
    return EXIT_INVALID;
}
