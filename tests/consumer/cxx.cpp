// cxx.cpp: the generated header compiles as C++11 and its functions link
// from C++ (extern "C"). Exits 1 when a lookup disagrees with the policy.
#include <cstdio>
#include <cstring>
#include "policy.h"

int main()
{
    const berth_service *owners[8];
    std::size_t n = berth_port_owners(BERTH_TCP, 4352, owners, 8);
    if (n != 1 || std::strcmp(owners[0]->name, "projector_control") != 0) {
        std::fprintf(stderr, "cxx: TCP 4352 is not igloo.projector_control\n");
        return 1;
    }
    std::puts("cxx: ok");
    return 0;
}
