/* gen_dot.h: the flow diagram of `berth gen docs`. Takes the generator
 * frame and reads only the frozen model (its rows, hosts and networks,
 * through const pointers); gives flows.dot, and flows.svg within the
 * layout bound (a note in its place beyond it). */
#ifndef BERTH_GEN_DOT_H
#define BERTH_GEN_DOT_H
#include "gen.h"

/* 0, or 2 when an output could not be made. */
int dot_flows_graph(gen_ctx *g);

#endif
