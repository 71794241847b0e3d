/* audit.h: berth audit, the policy of one host against its real sockets.
 * Takes the checked model, a site, one of its hosts and the sockets read by
 * sockets.c; gives findings in out (waivers are applied by the caller). */
#ifndef BERTH_AUDIT_H
#define BERTH_AUDIT_H
#include "model.h"
#include "sockets.h"

/* False when the host view could not be built (reported in m's sink). */
bool audit_host(model *m, const site_decl *site, const host *h, socket_table *t, diag_sink *out);

#endif
