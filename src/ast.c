/* ast.c: the few AST helpers that are not constructors (see build.c). */
#include "ast.h"

void program_init(program *p)
{
    p->systems = NULL;
    p->systems_tail = &p->systems;
    p->sites = NULL;
    p->sites_tail = &p->sites;
    p->waivers = NULL;
    p->waivers_tail = &p->waivers;
}
