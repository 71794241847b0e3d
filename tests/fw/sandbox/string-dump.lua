-- No string.dump in the sandbox.
local f = string.dump(function() end)
