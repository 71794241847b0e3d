// cxx.cpp: the generated header compiles as C++11 and its functions link
// from C++ (extern "C"). Exits 1 when a lookup disagrees with the policy.
#include <cstdio>
#include <cstring>
#include "site_ports.h"

int main()
{
    const ports_service *owners[8];
    std::size_t n = ports_port_owners(PORTS_TCP, 4352, owners, 8);
    if (n != 1 || std::strcmp(owners[0]->name, "projector_control") != 0) {
        std::fprintf(stderr, "cmake_cxx_consumer: TCP 4352 is not igloo.projector_control\n");
        return 1;
    }
    std::puts("cmake_cxx_consumer: ok");
    return 0;
}
