/* flows.c: `berth flows` prints the elaborated flow table, one row a line,
 * in the model's sorted order. fmt's meaning-preservation test and users
 * reviewing what a policy expands to both read it. */
#include "cli.h"

static void print_ports(FILE *out, unsigned lo, unsigned hi)
{
    if (lo == 0) fputs("any", out);
    else if (lo == hi) fprintf(out, "%u", lo);
    else fprintf(out, "%u-%u", lo, hi);
}


static void print_end(FILE *out, const flow_end *e, const system_decl *home)
{
    switch (e->kind) {
    case EP_NAME:
        if (e->target->system != home) fprintf(out, "%s.", e->target->system->name);
        fprintf(out, "%s", e->target->name);
        break;
    case EP_ANY: fputs("any", out); break;
    case EP_GROUP: fputs("group ", out); /* fall through */
    case EP_ADDR: {
        char a[ADDR_TEXT];
        fputs(addr_text(a, e->lo, e->hi, e->prefix), out);
        break;
    }
    }
}

int cli_flows(const model *m, diag_sink *diags, FILE *out)
{
    for (size_t i = 0; i < m->nrows; i++) {
        const flow_row *r = &m->rows[i];
        const system_decl *sys = r->inst->sys;
        if (r->inst->site) fprintf(out, "%s/", r->inst->site->name);
        fprintf(out, "%s %s.%s %s ", r->inst->name, sys->name, r->decl->service->name,
                r->proto == PROTO_TCP ? "tcp" : "udp");
        print_ports(out, r->lo, r->hi);
        fputs(" from ", out);
        print_ports(out, r->slo, r->shi);
        fputc(' ', out);
        print_end(out, &r->src, sys);
        fputs(" -> ", out);
        print_end(out, &r->dst, sys);
        for (const scope *s = r->decl->scopes; s; s = s->next)
            fprintf(out, "%s%s%s", s == r->decl->scopes ? " in " : ", ",
                    s->target ? s->target->name : s->zone.name, s->optional ? " optional" : "");
        if (r->decl->local) fputs(" local", out);
        fputc('\n', out);
    }
    diag_finish(diags);
    diag_print_text(diags, stderr);
    return diag_count(diags, SEV_ERROR) ? 1 : 0;
}
