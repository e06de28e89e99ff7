/* problem.c -- errors as application/problem+json (RFC 7807). Every problem
 * body has type, title, status, detail and instance; an invalid input adds
 * "problems": [{pointer, message, expected, line, column}], one per problem
 * found, as the command line prints them. */
#include "srv.h"

#include <string.h>

const char *ksrv_reason(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

static void head(ksrv_resp *rs, int status, const char *type, const char *title,
                 const char *detail, const char *instance) {
    kt_sb_free(&rs->body);
    kt_sb_init_grow(&rs->body, SB_DEFAULT_MAX);
    rs->status = status;
    rs->content_type = "application/problem+json";
    rs->static_body = NULL;
    kt_sb_str(&rs->body, "{\"type\":");
    if (type) {
        kt_sb_str(&rs->body, "\"urn:kontakt:problem:");
        kt_sb_str(&rs->body, type);
        kt_sb_chr(&rs->body, '"');
    } else {
        kt_sb_str(&rs->body, "\"about:blank\"");
    }
    kt_sb_str(&rs->body, ",\"title\":");
    kt_sb_json_str(&rs->body, title ? title : ksrv_reason(status));
    kt_sb_str(&rs->body, ",\"status\":");
    kt_sb_int(&rs->body, status);
    if (detail) {
        kt_sb_str(&rs->body, ",\"detail\":");
        kt_sb_json_str(&rs->body, detail);
    }
    if (instance) {
        kt_sb_str(&rs->body, ",\"instance\":");
        kt_sb_json_str(&rs->body, instance);
    }
}

void ksrv_problem(ksrv_resp *rs, int status, const char *type, const char *title,
                  const char *detail, const char *instance) {
    head(rs, status, type, title, detail, instance);
    kt_sb_chr(&rs->body, '}');
}

static void one(kt_sb *b, const char *pointer, const char *parameter, const char *message,
                const char *expected, int line, int column) {
    kt_sb_str(b, "{\"pointer\":");
    kt_sb_json_str(b, pointer);
    if (parameter) {
        kt_sb_str(b, ",\"parameter\":");
        kt_sb_json_str(b, parameter);
    }
    kt_sb_str(b, ",\"message\":");
    kt_sb_json_str(b, message);
    kt_sb_str(b, ",\"expected\":");
    kt_sb_json_str(b, expected ? expected : "");
    kt_sb_fmt(b, ",\"line\":%d,\"column\":%d}", line, column);
}

void ksrv_problem_case(ksrv_resp *rs, const kt_problems *p, const char *instance) {
    size_t n = p ? kt_problems_count(p) : 0;
    int syntax = 0;
    if (n == 1) {
        kt_problem q;
        kt_problems_get(p, 0, &q);
        syntax = q.pointer[0] == '\0' && strncmp(q.message, "not valid JSON", 14) == 0;
    }
    if (syntax)
        head(rs, 400, "malformed-json", "The body is not valid JSON",
             "The request body could not be parsed as JSON; see problems for where.", instance);
    else
        head(rs, 422, "invalid-case", "The body is not a valid case",
             "The case was rejected as a whole; each problem names the value by its JSON "
             "pointer (spec/case-format.md).",
             instance);
    kt_sb_str(&rs->body, ",\"error\":\"invalid_case\",\"problems\":[");
    for (size_t i = 0; i < n; i++) {
        kt_problem q;
        kt_problems_get(p, i, &q);
        if (i) kt_sb_chr(&rs->body, ',');
        one(&rs->body, q.pointer, NULL, q.message, q.expected, q.line, q.column);
    }
    kt_sb_str(&rs->body, "]}");
}

void ksrv_problem_field(ksrv_resp *rs, int status, const char *pointer, const char *parameter,
                        const char *message, const char *expected, const char *instance) {
    head(rs, status, parameter ? "invalid-parameter" : "invalid-body",
         parameter ? "A query parameter is not valid" : "The body is not valid", message,
         instance);
    kt_sb_str(&rs->body, ",\"problems\":[");
    one(&rs->body, pointer ? pointer : "", parameter, message, expected, 0, 0);
    kt_sb_str(&rs->body, "]}");
}
