-- Allocates without bound: the memory limit stops it.
local t = {}
for i = 1, 1e9 do t[i] = {i} end
