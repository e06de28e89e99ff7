/* test_openapi.c -- server/openapi.json describes exactly the routes the
 * router knows, and is a well-formed OpenAPI 3 document. */
#include "testutil.h"
#include "kontakt_server.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static json_t *load(void) {
    size_t len;
    const char *doc = ksrv_openapi(&len);
    json_error_t err;
    json_t *root = json_loadb(doc, len, 0, &err);
    if (!root) fprintf(stderr, "openapi.json: %d:%d: %s\n", err.line, err.column, err.text);
    return root;
}

static void test_is_openapi3(void **state) {
    (void)state;
    json_t *root = load();
    assert_non_null(root);
    const char *v = json_string_value(json_object_get(root, "openapi"));
    assert_non_null(v);
    assert_int_equal(v[0], '3');
    assert_non_null(json_object_get(root, "info"));
    assert_true(json_is_object(json_object_get(root, "paths")));
    json_decref(root);
}

static void test_routes_in_document(void **state) {
    (void)state;
    json_t *root = load();
    json_t *paths = json_object_get(root, "paths");
    for (size_t i = 0; i < ksrv_route_count(); i++) {
        const char *m, *p;
        ksrv_route_get(i, &m, &p);
        char lower[16];
        size_t k = 0;
        for (; m[k] && k + 1 < sizeof lower; k++) lower[k] = (char)(m[k] | 0x20);
        lower[k] = '\0';
        json_t *op = json_object_get(json_object_get(paths, p), lower);
        if (!op) fprintf(stderr, "route %s %s is not in openapi.json\n", m, p);
        assert_non_null(op);
        assert_non_null(json_object_get(op, "responses"));
    }
    json_decref(root);
}

static void test_document_in_routes(void **state) {
    (void)state;
    json_t *root = load();
    json_t *paths = json_object_get(root, "paths");
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item) {
        const char *method;
        json_t *op;
        json_object_foreach(item, method, op) {
            if (strcmp(method, "parameters") == 0 || strcmp(method, "summary") == 0 ||
                strcmp(method, "description") == 0)
                continue;
            int found = 0;
            for (size_t i = 0; i < ksrv_route_count() && !found; i++) {
                const char *m, *p;
                ksrv_route_get(i, &m, &p);
                found = strcasecmp(m, method) == 0 && strcmp(p, path) == 0;
            }
            if (!found) fprintf(stderr, "openapi.json has %s %s; the router does not\n", method, path);
            assert_true(found);
        }
    }
    json_decref(root);
}

/* Every $ref points at something that exists. */
static void check_refs(json_t *root, json_t *v) {
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            if (strcmp(k, "$ref") == 0) {
                const char *ref = json_string_value(x);
                assert_non_null(ref);
                assert_true(strncmp(ref, "#/", 2) == 0);
                char buf[256];
                snprintf(buf, sizeof buf, "%s", ref + 2);
                json_t *at = root;
                for (char *save, *tok = strtok_r(buf, "/", &save); tok && at;
                     tok = strtok_r(NULL, "/", &save))
                    at = json_object_get(at, tok);
                if (!at) fprintf(stderr, "dangling $ref %s\n", ref);
                assert_non_null(at);
            } else {
                check_refs(root, x);
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) check_refs(root, x);
    }
}

static void test_refs_resolve(void **state) {
    (void)state;
    json_t *root = load();
    check_refs(root, root);
    json_decref(root);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_openapi3),
        cmocka_unit_test(test_routes_in_document),
        cmocka_unit_test(test_document_in_routes),
        cmocka_unit_test(test_refs_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
