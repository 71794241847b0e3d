-- A template error names the template and its line.
local view = ...
emit("partial output\n")
error("no rules for " .. view.host.name)
