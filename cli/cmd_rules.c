/* cmd_rules.c -- `kontakt rules`: the catalogue with its sources. */
#include "cli.h"

#include <string.h>

static const char help[] =
    "usage: kontakt rules [--on DATE] [--format json|text] [--generation G=DATE]\n"
    "\n"
    "Prints the rule catalogue: every generation with its first day and law, and\n"
    "every rule with its id, kind, window terms, holders and source. With --on,\n"
    "only the generation in force on DATE.\n";

int cmd_rules(int argc, char **argv) {
    kt_engine *e;
    if (kt_engine_new(&e) != KT_OK) return EXIT_FAIL;
    kt_date on = KT_NO_DATE;
    int text = 0, status = EXIT_OK;
    for (int i = 1; i < argc && status == EXIT_OK; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            kt_engine_free(e);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--on") == 0) {
            if (cli_parse_date_arg("--on", v, &on)) status = EXIT_INVALID;
            i++;
        } else if (strcmp(argv[i], "--format") == 0 && v && (!strcmp(v, "json") || !strcmp(v, "text"))) {
            text = strcmp(v, "text") == 0;
            i++;
        } else if (strcmp(argv[i], "--generation") == 0 && v && kt_engine_set_generation_arg(e, v) == KT_OK) {
            i++;
        } else {
            fprintf(stderr, "kontakt: rules: bad option '%s'\n\n%s", argv[i], help);
            status = EXIT_INVALID;
        }
    }
    if (status == EXIT_OK) {
        int rc = text ? kt_rules_write_text(e, on, cli_write_file, stdout)
                      : kt_rules_write_json(e, on, cli_write_file, stdout);
        if (!text) fputc('\n', stdout);
        if (rc != KT_OK) status = EXIT_FAIL;
    }
    kt_engine_free(e);
    return status;
}
