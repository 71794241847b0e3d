/* hostile.c: the description of tests/gen/hostile.ports must come back
 * byte for byte from the generated C, which must compile warning-free. */
#include <stdio.h>
#include <string.h>
#include "hostile.h"

int main(void)
{
    static const char want[] = "svc */ /* | \\| `tick` <script>alert(1)</script> \?\?/ \t "
                               "\303\251 \303\274 \346\227\245\346\234\254";
    if (hostile_service_count != 1 || strcmp(hostile_services[0].description, want) != 0) {
        printf("FAIL: description did not round-trip: [%s]\n", hostile_services[0].description);
        return 1;
    }
    return 0;
}
