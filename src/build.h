/* build.h: AST constructors the grammar actions call. Takes parsed pieces
 * with their spans, gives arena-allocated nodes; no checks beyond shape. */
#ifndef BERTH_BUILD_H
#define BERTH_BUILD_H
#include "ast.h"
#include "parse.h"

typedef struct ref_list ref_list;
struct ref_list {
    ref *items;
    int n;
    size_t cap;
};

void build_import(parse_ctx *pc, loc where, const char *path, loc path_loc);
void build_add_system(parse_ctx *pc, system_decl *s);
void build_add_site(parse_ctx *pc, site_decl *s);
void build_add_waiver(parse_ctx *pc, waiver_decl *w);
void build_site_waiver(parse_ctx *pc, waiver_decl *w);

system_decl *build_system(parse_ctx *pc, loc where, const char *name, loc name_loc,
                          const char *desc, decl *decls);
decl *build_append_decl(decl *list, decl *d);
decl *build_decl(parse_ctx *pc, decl_kind kind, loc where, const char *name, loc name_loc,
                 const char *desc);
decl *build_role(parse_ctx *pc, loc where, const char *name, loc name_loc, const char *desc,
                 decl *props);
decl *build_role_os(parse_ctx *pc, decl *props, const char *os, loc os_loc);
decl *build_param(parse_ctx *pc, loc where, const char *name, loc name_loc, const char *type,
                  loc type_loc, expr *value, const char *desc);
decl *build_pool(parse_ctx *pc, loc where, const char *name, loc name_loc, expr *start,
                 expr *count, const char *desc);
decl *build_service(parse_ctx *pc, loc where, const char *name, loc name_loc,
                    const char *desc, ref alias, flow_decl *flows);

flow_decl *build_flow(parse_ctx *pc, loc where, unsigned protos, port_item *ports,
                      port_item *sports, endpoint *src, bool bidir, endpoint *dst,
                      scope *scopes, unsigned attrs);
flow_decl *build_append_flow(flow_decl *list, flow_decl *f);
/* A flow of an IP protocol without ports: `proto` comes from
 * build_ipproto_name or build_ipproto_number; ports on it are an error, and
 * so are the port attributes `dynamic` and `shared` (only `local` applies). */
flow_decl *build_ip_flow(parse_ctx *pc, loc where, flow_decl *proto, port_item *ports,
                         endpoint *src, bool bidir, endpoint *dst, scope *scopes,
                         unsigned attrs, loc attrs_loc);
flow_decl *build_ipproto_name(parse_ctx *pc, loc name_loc, const char *name,
                              icmp_type_item *types);
flow_decl *build_ipproto_number(parse_ctx *pc, loc where, int64_t number, loc number_loc);
icmp_type_item *build_icmp_type(parse_ctx *pc, loc where, int64_t type, icmp_type_item *list);
/* `icmp type echo`: types are numbers; an error naming the number. */
icmp_type_item *build_icmp_type_name(parse_ctx *pc, loc where, const char *name);
icmp_type_item *build_append_icmp_type(icmp_type_item *list, icmp_type_item *t);
port_item *build_port(parse_ctx *pc, loc where, expr *lo, expr *hi);
/* `80 up`, `5004-5100 even dynamic`: the suffixes, checked for sense. */
port_item *build_port_suffixes(parse_ctx *pc, loc where, port_item *p, unsigned sfx,
                               loc sfx_loc);
port_item *build_port_ephemeral(parse_ctx *pc, loc where);
/* Adds one suffix or flow attribute to a set; a repeated or contrary one is an error. */
unsigned build_suffix(parse_ctx *pc, unsigned set, unsigned bit, const char *word, loc where);
unsigned build_flow_attr(parse_ctx *pc, unsigned set, unsigned bit, const char *word, loc where);
port_item *build_range_token(parse_ctx *pc, loc where, int64_t lo, int64_t hi, int lo_len);
port_item *build_append_port(port_item *list, port_item *p);
expr *build_num(parse_ctx *pc, loc where, int64_t v);
expr *build_addr(parse_ctx *pc, loc where, addr a, int prefix);
expr *build_param_ref(parse_ctx *pc, loc where, const char *name);
expr *build_binary(parse_ctx *pc, loc where, expr_kind op, expr *l, expr *r);
endpoint *build_endpoint_name(parse_ctx *pc, loc where, ref r);
endpoint *build_endpoint(parse_ctx *pc, loc where, endpoint_kind kind, expr *lo, expr *hi);
endpoint *build_append_endpoint(endpoint *list, endpoint *e);
scope *build_scope(parse_ctx *pc, ref zone, bool optional);
scope *build_append_scope(scope *list, scope *s);

site_decl *build_site(parse_ctx *pc, loc where, const char *name, loc name_loc,
                      const char *desc, decl *decls);
decl *build_network(parse_ctx *pc, loc where, ref zone, expr *subnet);
decl *build_set(parse_ctx *pc, loc where, ref param, expr *value);
decl *build_instance(parse_ctx *pc, loc where, const char *name, loc name_loc, ref system,
                     decl *sets);
decl *build_host(parse_ctx *pc, loc where, const char *name, loc name_loc, expr *a1, expr *a2,
                 decl *props);
decl *build_host_props(parse_ctx *pc);
decl *build_host_os(parse_ctx *pc, decl *props, const char *os, loc os_loc);
decl *build_host_runs(parse_ctx *pc, decl *props, ref_list *roles);
decl *build_host_ephemeral(parse_ctx *pc, decl *props, port_item *range);
ref_list *build_ref_list(parse_ctx *pc, ref_list *list, ref r);

waiver_decl *build_waiver(parse_ctx *pc, loc where, const char *check, loc check_loc,
                          ref_list *services, ref host, const char *reason);

#endif
