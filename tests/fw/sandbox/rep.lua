-- string.rep of a huge count would loop in C, where no hook runs.
local s = string.rep("", 1e15)
